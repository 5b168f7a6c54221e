"""Sign-in and accounts: ``POST /api/token``, ``/api/users``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from stations.accounts.tokens import create_token
from stations.accounts.users import MAY, User, add_user, authenticate, list_users
from web import schemas
from web.deps import CurrentUser, RegistryDep, SecretDep, SettingsDep, require_role

router = APIRouter(tags=["users"])
Admin = Annotated[User, Depends(require_role(*MAY["manage_users"]))]


class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(description="inspector | planner | admin")
    password: str = Field(min_length=8)


def user_json(user: User) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "active": user.active}


@router.post(
    "/api/token",
    response_model=schemas.Token,
    summary="登录取令牌 / Sign in: OAuth2 password flow → bearer token",
)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    registry: RegistryDep,
    settings: SettingsDep,
    secret: SecretDep,
) -> dict[str, Any]:
    user = authenticate(registry, form.username, form.password)
    token = create_token(user.name, user.role, secret=secret, minutes=settings.token_minutes)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.token_minutes * 60,
        "role": user.role,
    }


@router.get(
    "/api/users/me",
    response_model=schemas.UserOut,
    response_model_exclude_unset=True,
    summary="当前用户 / The signed-in user",
)
def me(user: CurrentUser) -> dict[str, Any]:
    return user_json(user)


@router.get(
    "/api/users",
    response_model=schemas.UserList,
    response_model_exclude_unset=True,
    summary="用户列表 / All users (admin)",
)
def users(registry: RegistryDep, _admin: Admin) -> dict[str, Any]:
    return {"users": [user_json(u) for u in list_users(registry)]}


@router.post(
    "/api/users",
    status_code=201,
    response_model=schemas.UserOut,
    response_model_exclude_unset=True,
    summary="新建用户 / Create a user (admin)",
)
def create_user(body: NewUser, registry: RegistryDep, _admin: Admin) -> dict[str, Any]:
    return user_json(add_user(registry, body.name, body.role, body.password))
