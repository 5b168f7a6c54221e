"""Sign-in and accounts: ``POST /api/token``, ``/api/users``.

Sign-ins queue for a hashing slot in the event loop (not in a worker thread), so a flood
of guesses neither exhausts memory (each Argon2 hash takes 64 MiB) nor starves other
requests of worker threads; a locked-out name or address is refused (429,
``Retry-After``) before any hash. Admins manage accounts inside their region, never
above their role; each change voids the account's tokens.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from stations.accounts.lifecycle import change_own_password, change_user, remove_user
from stations.accounts.passwords import MAX_CONCURRENT_HASHES, MIN_PASSWORD_LENGTH
from stations.accounts.tokens import create_token
from stations.accounts.users import MAY, User, add_user, authenticate, list_users
from web import schemas
from web.deps import (
    ClientAddress,
    CurrentUser,
    RegistryDep,
    SecretDep,
    SettingsDep,
    ThrottleDep,
    require_role,
)

router = APIRouter(tags=["users"])
Admin = Annotated[User, Depends(require_role(*MAY["manage_users"]))]
ROLE_DOC = "inspector | planner | admin | host"


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: str = Field(description=ROLE_DOC)
    password: str = Field(description=f"at least {MIN_PASSWORD_LENGTH} characters, not common")
    region: str | None = Field(default=None, description="adcode (default: yours)")
    stations: list[str] = Field(default_factory=list, description="a host's station ids")


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description=ROLE_DOC)
    region: str | None = Field(default=None, description="adcode")
    active: bool | None = Field(default=None, description="false: disabled (cannot sign in)")
    password: str | None = Field(default=None, description="a new password (a reset)")
    stations: list[str] | None = Field(default=None, description="a host's station ids")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str = Field(description=f"at least {MIN_PASSWORD_LENGTH} characters, "
                                          "not common")


def user_json(user: User) -> dict[str, Any]:
    out = {"name": user.name, "role": user.role, "active": user.active, "region": user.region}
    return out | ({"stations": sorted(user.stations)} if user.role == "host" else {})


def token_json(user: User, secret: str, minutes: int) -> dict[str, Any]:
    token = create_token(user.uid, user.role, secret=secret, minutes=minutes,
                         version=user.version)
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60,
            "role": user.role}


def _login_limiter(request: Request) -> anyio.CapacityLimiter:
    limiter = getattr(request.app.state, "login_limiter", None)
    if limiter is None:  # made inside the app's event loop
        limiter = request.app.state.login_limiter = anyio.CapacityLimiter(MAX_CONCURRENT_HASHES)
    return limiter  # type: ignore[no-any-return]


@router.post(
    "/api/token",
    response_model=schemas.Token,
    summary="登录取令牌 / Sign in: OAuth2 password flow → bearer token",
    responses={429: {"description": "too many failed sign-ins (see Retry-After)"}},
)
async def issue_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    registry: RegistryDep,
    settings: SettingsDep,
    secret: SecretDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> dict[str, Any]:
    """5 failed sign-ins for one name, or 20 from one address, within 15 minutes lock it
    out (429 with ``Retry-After``; each lock-out twice as long as the last); a success
    clears the name's count."""
    await anyio.to_thread.run_sync(throttle.check, form.username, address)
    user = await anyio.to_thread.run_sync(
        partial(authenticate, registry, form.username, form.password, throttle=throttle,
                address=address),
        limiter=_login_limiter(request),
    )
    return token_json(user, secret, settings.token_minutes)


@router.get(
    "/api/users/me",
    response_model=schemas.UserOut,
    response_model_exclude_unset=True,
    summary="当前用户 / The signed-in user",
)
def me(user: CurrentUser) -> dict[str, Any]:
    return user_json(user)


@router.post(
    "/api/users/me/password",
    response_model=schemas.Token,
    summary="修改自己的密码 / Change your own password (other tokens stop working)",
)
def my_password(
    body: PasswordChange,
    user: CurrentUser,
    registry: RegistryDep,
    settings: SettingsDep,
    secret: SecretDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> dict[str, Any]:
    """Returns a new token: every token issued before, this one's included, is void."""
    changed = change_own_password(registry, user, body.current_password, body.new_password,
                                  throttle=throttle, address=address)
    return token_json(changed, secret, settings.token_minutes)


@router.get(
    "/api/users",
    response_model=schemas.UserList,
    response_model_exclude_unset=True,
    summary="用户列表 / Users of your region (admin)",
)
def users(registry: RegistryDep, admin: Admin) -> dict[str, Any]:
    return {"users": [user_json(u) for u in list_users(registry, region=admin.region)]}


@router.post(
    "/api/users",
    status_code=201,
    response_model=schemas.UserOut,
    response_model_exclude_unset=True,
    summary="新建用户 / Create a user inside your region (admin)",
)
def create_user(body: NewUser, registry: RegistryDep, admin: Admin) -> dict[str, Any]:
    return user_json(add_user(registry, body.name, body.role, body.password,
                              region=body.region, stations=body.stations, by=admin))


@router.patch(
    "/api/users/{name}",
    response_model=schemas.UserOut,
    response_model_exclude_unset=True,
    summary="修改用户 / Change role, region, stations, password, or disable (admin)",
)
def patch_user(name: str, body: UserChange, registry: RegistryDep, admin: Admin) -> dict[str, Any]:
    """Every change voids the account's tokens."""
    return user_json(change_user(registry, name, role=body.role, region=body.region,
                                 active=body.active, password=body.password,
                                 stations=body.stations, by=admin))


@router.delete(
    "/api/users/{name}",
    status_code=204,
    response_class=Response,
    summary="删除用户 / Remove a user (admin)",
)
def delete_user(name: str, registry: RegistryDep, admin: Admin) -> Response:
    remove_user(registry, name, by=admin)
    return Response(status_code=204)
