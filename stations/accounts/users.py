"""Users, their roles, and which role may do what.

Anyone (no account) may read public station data and search. Accounts have one role
and act inside one region (an adcode, see :mod:`stations.accounts.scope`):

- ``inspector`` logs inspections;
- ``planner`` reads everything (inspections, queues, coverage, exports);
- ``admin`` edits stations and users and reviews inspections;
- ``host`` (a station's 依托单位) updates the hours, services and phone of its own stations.

Changing an account (role, region, stations, password, disabling, removing) is in
:mod:`stations.accounts.lifecycle`; every change bumps the account's ``version``, which
tokens carry, so tokens issued before stop working at once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stations.accounts.passwords import check_password, hash_password, verify_password
from stations.accounts.scope import COUNTRY, check_region, require_station_access, within
from stations.accounts.throttle import Throttle
from stations.core.text import clean_user_name, name_skeleton
from stations.core.vocab import Term, term_table
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from stations.store.compliance_tables import UserRow, UserStationRow
from stations.store.registry import Registry

ROLES: dict[str, Term] = term_table(
    Term("inspector", "检查员", "Inspector"),
    Term("planner", "规划人员", "Planner"),
    Term("admin", "管理员", "Administrator"),
    Term("host", "驿站依托单位", "Station host"),
)
ROLE_RANK = {"host": 1, "inspector": 2, "planner": 2, "admin": 3}
"""An admin may give a role of its own rank or below, never above."""

# Which roles may do what; web/ guards its routes with these, the domain checks again.
MAY: dict[str, tuple[str, ...]] = {
    "log_inspection": ("inspector", "admin"),
    "read_inspections": ("inspector", "planner", "admin"),
    "read_queues": ("inspector", "planner", "admin"),
    "review_inspection": ("admin",),
    "set_station_status": ("admin",),
    "set_location": ("inspector", "admin"),
    "manage_users": ("admin",),
    "edit_station": ("admin", "host"),
    "read_history_actors": ("inspector", "planner", "admin", "host"),
}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool = True
    region: str = "100000"  # adcode of where the account acts (stations.accounts.scope)
    stations: frozenset[str] = frozenset()  # a host's own stations
    uid: str = field(default="", compare=False)
    """The stable id bearer tokens name."""
    version: int = field(default=1, compare=False)
    """Bumped by every lifecycle step; a token carrying another version is void."""

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


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(
            "role", f"未知角色 / unknown role {role!r}; 可选 / one of {', '.join(ROLES)}"
        )
    return role


def may_manage(by: User | None, region: str, role: str) -> None:
    """Refuse ``by`` (``None``: the command line, which may do anything) giving or
    changing an account of ``role`` in ``region``: admins act only inside their own
    region and never above their own role.

    Raises
    ------
    stations.errors.Forbidden
    """
    if by is None:
        return
    require(by, "manage_users")
    if not within(region, by.region):
        raise Forbidden(f"地区 {region} 不在您的辖区 {by.region} 内 / region {region} lies "
                        f"outside your region {by.region}")
    if ROLE_RANK[role] > ROLE_RANK[by.role]:
        raise Forbidden(f"不能授予高于自身的角色 / may not give a role above your own ({role})")


def add_user(
    registry: Registry,
    name: str,
    role: str,
    password: str,
    *,
    region: str | None = None,
    stations: Iterable[str] = (),
    by: User | None = None,
) -> User:
    """Create an account.

    Parameters
    ----------
    region : str, optional
        Adcode where it acts; default the creator's region (the whole country from the
        command line).
    stations : iterable of str
        A host's stations (required for a host, refused for other roles).
    by : User, optional
        The admin creating it (``None``: the command line).

    Raises
    ------
    stations.errors.InvalidInput
        For a bad name, an unknown role or region, a weak password, or stations given
        to a role other than host.
    stations.errors.Forbidden
        For an admin acting outside their region or above their role.
    stations.errors.Conflict
        When the name, or a look-alike of it, is taken.
    """
    try:
        name = clean_user_name(name)
    except InvalidInput as exc:
        raise InvalidInput("name", exc.reason) from None
    role = check_role(role)
    region = check_region(region or (by.region if by else COUNTRY))
    may_manage(by, region, role)
    station_ids = check_stations(registry, role, stations, by)
    check_password(password, user_name=name)
    with registry.session() as s:
        refuse_look_alike(s, name)  # before the slow hash; checked again when writing
    password_hash = hash_password(password)  # slow: outside the transaction
    try:
        with registry.session() as s:
            refuse_look_alike(s, name)
            row = UserRow(name=name, role=role, password_hash=password_hash, active=True,
                          region=region, version=1)
            s.add(row)
            s.flush()
            s.add_all(UserStationRow(user_id=row.id, station_id=sid) for sid in station_ids)
            s.flush()
            return to_user(row, station_ids)
    except IntegrityError:
        raise Conflict(f"用户名已存在 / a user named {name!r} exists") from None


def check_stations(
    registry: Registry, role: str, stations: Iterable[str], by: User | None
) -> frozenset[str]:
    """The station ids a ``role`` account may be tied to (existing, inside ``by``'s region)."""
    ids = frozenset(str(s).strip() for s in stations if str(s).strip())
    if role != "host":
        if ids:
            raise InvalidInput("stations", "只有依托单位账户关联站点 / only host accounts have "
                                           "stations")
        return ids
    if not ids:
        raise InvalidInput("stations", "依托单位账户至少关联一个站点 / a host account needs at "
                                       "least one station (--station ID)")
    found = registry.get_many(ids)
    missing = sorted(ids - set(found))
    if missing:
        raise InvalidInput("stations", f"站点不存在 / no such station: {', '.join(missing)}")
    if by is not None:
        for station in found.values():
            require_station_access(by, station)
    return ids


def refuse_look_alike(s: Session, name: str, *, except_id: int | None = None) -> None:
    """Refuse a name that is, or looks like, an existing account's (``аdmin1``/``admin1``)."""
    skeleton = name_skeleton(name)
    for other_id, other in s.execute(
        select(UserRow.id, UserRow.name).where(UserRow.removed_at.is_(None))
    ):
        if other_id == except_id:
            continue
        if other == name:
            raise Conflict(f"用户名已存在 / a user named {name!r} exists")
        if name_skeleton(other) == skeleton:
            raise Conflict(f"用户名与已有用户 {other!r} 相同或形似 / the name looks like that of "
                           f"the existing user {other!r}")


def lookup_name(name: str) -> str:
    """A name as given, in the form names are stored (NFKC, trimmed)."""
    return unicodedata.normalize("NFKC", name or "").strip()


def authenticate(
    registry: Registry,
    name: str,
    password: str,
    *,
    throttle: Throttle | None = None,
    address: str | None = None,
) -> User:
    """The active user with this name and password.

    With a ``throttle``: a locked-out name or address is refused before any hash is
    computed (checked again once a hashing slot is free), failures are counted, and a
    success clears the account's count.

    Raises
    ------
    stations.errors.Unauthorized
        For an unknown name, a wrong password or a disabled account (one message for all).
    stations.errors.TooManyRequests
        While the name or the address is locked out.
    """
    if throttle is not None:
        throttle.check(name, address)
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == lookup_name(name),
                                             UserRow.removed_at.is_(None)))
    if throttle is not None:
        throttle.check(name, address)  # again: a burst may have locked it out meanwhile
    ok = verify_password(password, row.password_hash if row else None)
    if row is None or not ok or not row.active:
        if throttle is not None:
            throttle.failed(name, address)
        raise Unauthorized("用户名或密码错误 / wrong user name or password")
    if throttle is not None:
        throttle.succeeded(name)
    return get_user_by_uid(registry, row.uid)


def get_user(registry: Registry, name: str) -> User:
    """The user with this name.

    Raises
    ------
    stations.errors.NotFound
    """
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == lookup_name(name),
                                             UserRow.removed_at.is_(None)))
        if row is None:
            raise NotFound(f"用户不存在 / no user named {name!r}")
        return to_user(row, _stations_of(s, row.id))


def get_user_by_uid(registry: Registry, uid: str) -> User:
    """The user a token names.

    Raises
    ------
    stations.errors.NotFound
    """
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.uid == uid, UserRow.removed_at.is_(None)))
        if row is None:
            raise NotFound("用户不存在 / no such user")
        return to_user(row, _stations_of(s, row.id))


def list_users(registry: Registry, *, region: str | None = None) -> list[User]:
    """Accounts (not removed) by name; with ``region``, those acting inside it."""
    with registry.session() as s:
        rows = s.scalars(select(UserRow).where(UserRow.removed_at.is_(None))
                         .order_by(UserRow.name)).all()
        links = s.execute(select(UserStationRow.user_id, UserStationRow.station_id)).all()
    stations: dict[int, set[str]] = {}
    for user_id, station_id in links:
        stations.setdefault(user_id, set()).add(station_id)
    return [to_user(r, stations.get(r.id, ())) for r in rows
            if region is None or within(r.region, region)]


def _stations_of(s: Session, user_id: int) -> frozenset[str]:
    return frozenset(s.scalars(select(UserStationRow.station_id)
                               .where(UserStationRow.user_id == user_id)))


def to_user(row: UserRow, stations: Iterable[str] = ()) -> User:
    return User(id=row.id, name=row.name, role=row.role, active=row.active,
                region=row.region or COUNTRY, stations=frozenset(stations), uid=row.uid,
                version=row.version or 1)
