"""Every dependency of the routes, as an ``Annotated`` alias.

Route signatures name what they need (``RegistryDep``, ``CoverageDep``, ``CurrentUser``,
``require_role(...)``); the values come from the :class:`stations.services.Services` the
lifespan built once (``app.state.services``). A missing, malformed or expired token is a
401 with ``WWW-Authenticate: Bearer`` (through :class:`stations.errors.Unauthorized`); a
role that may not is a 403. Tokens name the account by its stable id and version: a
token of an account since changed, disabled or removed is a 401 at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from stations.accounts.throttle import Throttle
from stations.accounts.tokens import verify_token
from stations.accounts.users import User, get_user_by_uid
from stations.compliance.checklists import Checklists
from stations.compliance.evidence import EvidenceStore
from stations.config import Settings
from stations.coverage.service import CoverageService
from stations.errors import Forbidden, NotFound, Unauthorized
from stations.search.index import NearestIndex
from stations.services import Services
from stations.store.registry import Registry

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/token", auto_error=False)


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def get_registry(services: ServicesDep) -> Registry:
    return services.registry


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_index(services: ServicesDep) -> NearestIndex:
    """The live search index as it is now (rebuilt in the background on change)."""
    return services.start_index().live.current


def get_coverage(services: ServicesDep) -> CoverageService:
    """The coverage service (answers cached per registry revision)."""
    return services.coverage


def get_checklists(services: ServicesDep) -> Checklists:
    return services.checklists


def get_evidence(services: ServicesDep) -> EvidenceStore:
    return services.evidence


def get_secret(services: ServicesDep) -> str:
    return services.token_secret


def get_throttle(services: ServicesDep) -> Throttle:
    return services.throttle


def client_address(request: Request) -> str | None:
    """The client's address (the real one behind a trusted proxy, see web.server)."""
    return request.client.host if request.client else None


RegistryDep = Annotated[Registry, Depends(get_registry)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[NearestIndex, Depends(get_index)]
CoverageDep = Annotated[CoverageService, Depends(get_coverage)]
ChecklistsDep = Annotated[Checklists, Depends(get_checklists)]
EvidenceDep = Annotated[EvidenceStore, Depends(get_evidence)]
SecretDep = Annotated[str, Depends(get_secret)]
ThrottleDep = Annotated[Throttle, Depends(get_throttle)]
ClientAddress = Annotated[str | None, Depends(client_address)]


def optional_user(
    registry: RegistryDep,
    secret: SecretDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User | None:
    """The signed-in user, or ``None`` without a token; a bad token is still a 401."""
    if token is None:
        return None
    claims = verify_token(token, secret=secret)
    try:
        user = get_user_by_uid(registry, str(claims["sub"]))
    except NotFound:
        raise Unauthorized("令牌对应的用户不存在 / the token's user no longer exists") from None
    if claims.get("ver") != user.version:
        raise Unauthorized("账户已变更，请重新登录 / the account changed since this token was "
                           "issued; sign in again")
    if not user.active:
        raise Unauthorized("账户已停用 / account disabled")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def current_user(user: OptionalUser) -> User:
    if user is None:
        raise Unauthorized("需要登录 / sign in first (bearer token from POST /api/token)")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only these roles through (others get a 403)."""

    def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(
                f"角色 {user.role} 无权执行此操作 / role {user.role!r} may not do this "
                f"(allowed: {', '.join(roles)})"
            )
        return user

    return dependency
