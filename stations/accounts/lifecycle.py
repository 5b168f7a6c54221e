"""Changing accounts: role, region, stations, password, disabling, removing.

Every step bumps the account's ``version``; tokens carry the version they were issued
with, so every token of the account stops working at once. The command line acts with
``by=None`` (whoever may open the database may do anything); over the API ``by`` is the
signed-in admin, who acts only on accounts inside their region and of a role no higher
than their own (:func:`stations.accounts.users.may_manage`), and may not disable,
demote or remove their own account (another admin must).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stations.accounts.passwords import check_password, hash_password, verify_password
from stations.accounts.scope import check_region
from stations.accounts.throttle import Throttle
from stations.accounts.users import (
    User,
    check_role,
    check_stations,
    lookup_name,
    may_manage,
    to_user,
)
from stations.core.clock import utcnow
from stations.errors import Forbidden, NotFound, Unauthorized
from stations.store.compliance_tables import UserRow, UserStationRow
from stations.store.registry import Registry

UNUSABLE_HASH = "!removed"
"""Never matches a password (not an Argon2 hash)."""


def change_user(
    registry: Registry,
    name: str,
    *,
    role: str | None = None,
    region: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    stations: Iterable[str] | None = None,
    by: User | None = None,
) -> User:
    """Change an account; what is ``None`` stays. Bumps its version.

    Raises
    ------
    stations.errors.NotFound
    stations.errors.InvalidInput
        For an unknown role or region, a weak password, or stations for a non-host.
    stations.errors.Forbidden
        For an admin acting outside their region, above their role, or on themselves
        (other than their password).
    """
    current = _current(registry, name)
    may_manage(by, current.region, current.role)
    new_role = check_role(role) if role is not None else current.role
    new_region = check_region(region) if region is not None else current.region
    may_manage(by, new_region, new_role)
    if by is not None and by.uid == current.uid and (
        new_role != current.role or new_region != current.region or active is False
    ):
        raise Forbidden("不能停用或降级自己的账户 / you may not disable or demote your own "
                        "account; another admin can")
    if stations is not None or new_role != current.role:
        keep = current.stations if stations is None and new_role == "host" else (stations or ())
        station_ids = check_stations(registry, new_role, keep, by)
    else:
        station_ids = current.stations
    password_hash = None
    if password is not None:
        check_password(password, user_name=current.name)
        password_hash = hash_password(password)
    with registry.session() as s:
        row = _row_for_update(s, current.id)
        row.role, row.region = new_role, new_region
        if active is not None:
            row.active = active
        if password_hash is not None:
            row.password_hash = password_hash
        row.version += 1
        s.execute(delete(UserStationRow).where(UserStationRow.user_id == row.id))
        s.add_all(UserStationRow(user_id=row.id, station_id=sid) for sid in station_ids)
        s.flush()
        return to_user(row, station_ids)


def remove_user(registry: Registry, name: str, *, by: User | None = None) -> None:
    """Remove an account; its tokens stop working at once.

    An account that records point at (inspections it logged or reviewed) is kept for
    them, renamed ``NAME#removed-ID``, unable to sign in; the name is free again, and an
    account created under it later is another account (another token id).

    Raises
    ------
    stations.errors.NotFound
    stations.errors.Forbidden
    """
    current = _current(registry, name)
    may_manage(by, current.region, current.role)
    if by is not None and by.uid == current.uid:
        raise Forbidden("不能删除自己的账户 / you may not remove your own account")
    try:
        with registry.session() as s:
            s.execute(delete(UserStationRow).where(UserStationRow.user_id == current.id))
            s.execute(delete(UserRow).where(UserRow.id == current.id))
        return
    except IntegrityError:  # records point at it (foreign keys): keep it, renamed
        pass
    with registry.session() as s:
        row = _row_for_update(s, current.id)
        s.execute(delete(UserStationRow).where(UserStationRow.user_id == row.id))
        row.name = f"{row.name}#removed-{row.id}"
        row.active = False
        row.password_hash = UNUSABLE_HASH
        row.removed_at = utcnow()
        row.version += 1


def change_own_password(
    registry: Registry,
    user: User,
    current_password: str,
    new_password: str,
    *,
    throttle: Throttle | None = None,
    address: str | None = None,
) -> User:
    """A signed-in user changes their password, giving the current one; other tokens of
    the account stop working. Wrong current passwords count in the sign-in throttle.

    Raises
    ------
    stations.errors.Unauthorized
        For a wrong current password.
    stations.errors.InvalidInput
        For a weak new password.
    stations.errors.TooManyRequests
        While the account is locked out.
    """
    if throttle is not None:
        throttle.check(user.name, address)
    check_password(new_password, user_name=user.name)
    with registry.session() as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.id == user.id))
    if not verify_password(current_password, stored):
        if throttle is not None:
            throttle.failed(user.name, address)
        raise Unauthorized("当前密码错误 / the current password is wrong")
    password_hash = hash_password(new_password)
    with registry.session() as s:
        row = _row_for_update(s, user.id)
        row.password_hash = password_hash
        row.version += 1
        s.flush()
        return to_user(row, user.stations)


def _current(registry: Registry, name: str) -> User:
    with registry.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == lookup_name(name),
                                             UserRow.removed_at.is_(None)))
        if row is None:
            raise NotFound(f"用户不存在 / no user named {name!r}")
        ids = s.scalars(select(UserStationRow.station_id).where(UserStationRow.user_id == row.id))
        return to_user(row, ids)


def _row_for_update(s: Session, user_id: int) -> UserRow:
    row = s.get(UserRow, user_id, with_for_update=True)
    if row is None or row.removed_at is not None:
        raise NotFound("用户不存在 / no such user")
    return row
