"""Users, their roles, and which role may do what.

Anyone (no account) may read public station data and search. Accounts have one role:

- ``inspector`` logs inspections;
- ``planner`` reads everything (inspections, queues, coverage, exports);
- ``admin`` edits stations and users and reviews inspections.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from stations.accounts.passwords import hash_password, verify_password
from stations.core.vocab import Term, term_table
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from stations.store.compliance_tables import UserRow
from stations.store.registry import Registry

ROLES: dict[str, Term] = term_table(
    Term("inspector", "检查员", "Inspector"),
    Term("planner", "规划人员", "Planner"),
    Term("admin", "管理员", "Administrator"),
    Term("host", "驿站依托单位", "Station host"),
)

# Which roles may do what; web/ guards its routes with these, the domain checks again.
MAY: dict[str, tuple[str, ...]] = {
    "log_inspection": ("inspector", "admin"),
    "read_inspections": ("inspector", "planner", "admin"),
    "read_queues": ("inspector", "planner", "admin"),
    "review_inspection": ("admin",),
    "set_station_status": ("admin",),
    "set_location": ("inspector", "admin"),
    "manage_users": ("admin",),
}
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool = True
    region: str = "100000"  # adcode of where the account acts (stations.accounts.scope)
    stations: frozenset[str] = frozenset()  # a host's own stations

    def may(self, action: str) -> bool:
        return self.active and self.role in MAY[action]


def require(user: User | None, action: str) -> User:
    """``user`` if its role may do ``action``.

    Raises
    ------
    stations.errors.Unauthorized
        With no user.
    stations.errors.Forbidden
        When the user's role may not.
    """
    if user is None:
        raise Unauthorized("需要登录 / sign in first")
    if not user.may(action):
        allowed = ", ".join(MAY[action])
        raise Forbidden(
            f"角色 {user.role} 无权执行此操作 / role {user.role!r} may not do this "
            f"({action}; allowed: {allowed})"
        )
    return user


def add_user(registry: Registry, name: str, role: str, password: str) -> User:
    """Create an account.

    Raises
    ------
    stations.errors.InvalidInput
        For an empty name, an unknown role or a password shorter than 8 characters.
    stations.errors.Conflict
        When the name is taken.
    """
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "用户名应为1-100个字符 / a name of 1-100 characters is required")
    if role not in ROLES:
        raise InvalidInput(
            "role", f"未知角色 / unknown role {role!r}; 可选 / one of {', '.join(ROLES)}"
        )
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "password",
            f"密码至少{MIN_PASSWORD_LENGTH}个字符 / at least {MIN_PASSWORD_LENGTH} characters",
        )
    row = UserRow(name=name, role=role, password_hash=hash_password(password), active=True)
    try:
        with registry.session() as s:
            s.add(row)
            s.flush()
            return _to_user(row)
    except IntegrityError:
        raise Conflict(f"用户名已存在 / a user named {name!r} exists") from None


def authenticate(registry: Registry, name: str, password: str) -> User:
    """The active user with this name and password.

    Raises
    ------
    stations.errors.Unauthorized
        For an unknown name, a wrong password or a disabled account (one message for all).
    """
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
    ok = verify_password(password, row.password_hash if row else None)
    if row is None or not ok or not row.active:
        raise Unauthorized("用户名或密码错误 / wrong user name or password")
    return _to_user(row)


def get_user(registry: Registry, name: str) -> User:
    """The user with this name.

    Raises
    ------
    stations.errors.NotFound
    """
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFound(f"用户不存在 / no user named {name!r}")
    return _to_user(row)


def list_users(registry: Registry) -> list[User]:
    with registry.session() as s:
        return [_to_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def _to_user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=row.role, active=row.active)
