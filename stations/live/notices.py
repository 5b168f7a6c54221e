"""Notices from those who run a station: closed, full, free spaces, a service unavailable.

Who may post: the station's host, or staff (admin, inspector) whose region covers the
station (:func:`stations.accounts.scope.require_station_access`). Each notice ends by
itself: at its ``ends_at``, or after a default that suits its kind (a car park that is
full now may not be in three hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from stations.accounts.scope import require_station_access
from stations.accounts.users import User
from stations.core.clock import china_time, utcnow
from stations.core.live import NOTICE_KINDS, Notice
from stations.core.text import clean_text
from stations.core.vocab import SERVICES
from stations.errors import Forbidden, InvalidInput, NotFound
from stations.store.live import bump_live_revision, to_notice
from stations.store.live_tables import NoticeRow
from stations.store.registry import Registry

NOTICE_ROLES = ("host", "admin", "inspector")
DEFAULT_DURATION = {
    "closed": timedelta(hours=24),
    "full": timedelta(hours=3),
    "free_spaces": timedelta(hours=1),
    "service_unavailable": timedelta(hours=24),
}
LONGEST = {"closed": timedelta(days=90), "full": timedelta(hours=24),
           "free_spaces": timedelta(hours=24), "service_unavailable": timedelta(days=30)}


def _utc(value: datetime | None) -> datetime | None:
    """Stored in UTC (SQLite keeps no zone); naive input is China time."""
    return None if value is None else china_time(value).astimezone(UTC)


def post_notice(registry: Registry, user: User, station_id: str, *, kind: str,
                starts_at: datetime | None = None, ends_at: datetime | None = None,
                free_spaces: int | None = None, service: str | None = None,
                reason: str | None = None, now: datetime | None = None) -> Notice:
    """Store a notice for a station.

    Parameters
    ----------
    kind : str
        ``closed``, ``full``, ``free_spaces`` or ``service_unavailable``.
    starts_at, ends_at : datetime, optional
        When it holds (naive: China time). Default: from now, for
        :data:`DEFAULT_DURATION` of its kind; at most :data:`LONGEST`.
    free_spaces : int, optional
        Free truck spaces (``free_spaces`` only; at most the station's capacity).
    service : str, optional
        The service code (``service_unavailable`` only).
    reason : str, optional
        Shown to drivers; checked by :func:`stations.core.text.clean_text`.

    Raises
    ------
    stations.errors.Forbidden
        For a role that may not post, or a station outside the account's reach.
    stations.errors.NotFound
    stations.errors.InvalidInput
        Naming the field at fault.
    """
    if user.role not in NOTICE_ROLES or not user.active:
        raise Forbidden(f"角色 {user.role} 不能发布通告 / role {user.role!r} may not post notices "
                        f"(allowed: {', '.join(NOTICE_ROLES)})")
    station = registry.get(station_id)
    require_station_access(user, station)
    if kind not in NOTICE_KINDS:
        raise InvalidInput("kind", f"未知通告类型 / unknown notice kind {kind!r}; 可选 / one of "
                                   f"{', '.join(NOTICE_KINDS)}")
    now = _utc(now) or utcnow()
    start = _utc(starts_at) or now
    end = _utc(ends_at) or start + DEFAULT_DURATION[kind]
    if end <= start:
        raise InvalidInput("ends_at", "结束时间须晚于开始时间 / must be after starts_at")
    if end <= now:
        raise InvalidInput("ends_at", "结束时间已过 / lies in the past")
    if end - start > LONGEST[kind]:
        raise InvalidInput("ends_at", f"时间过长 / too long: at most {LONGEST[kind]} for {kind}")
    if kind == "free_spaces":
        capacity = station.truck_parking_capacity
        if isinstance(free_spaces, bool) or not isinstance(free_spaces, int) or free_spaces < 0:
            raise InvalidInput("free_spaces", "应为不小于 0 的整数 / a whole number, 0 or more")
        if capacity is not None and free_spaces > capacity:
            raise InvalidInput("free_spaces", f"超过车位总数 {capacity} / more than the "
                                              f"{capacity} truck spaces the station has")
    elif free_spaces is not None:
        raise InvalidInput("free_spaces", "仅用于 free_spaces 通告 / only for kind free_spaces")
    if kind == "service_unavailable":
        if service not in SERVICES:
            raise InvalidInput("service", f"未知服务代码 / unknown service code {service!r}")
        if service not in station.services:
            raise InvalidInput("service", f"站点未登记此服务 / the station does not list "
                                          f"{service!r}")
    elif service is not None:
        raise InvalidInput("service", "仅用于 service_unavailable 通告 / only for kind "
                                      "service_unavailable")
    row = NoticeRow(station_id=station.id, kind=kind, starts_at=start, ends_at=end,
                    free_spaces=free_spaces, service=service,
                    reason=clean_text(reason, "reason", multiline=True, limit=500),
                    author=user.name, author_role=user.role, created_at=now)
    with registry.session() as s:
        s.add(row)
        bump_live_revision(s)
        s.flush()
        return to_notice(row)


def list_notices(registry: Registry, station_id: str, now: datetime | None = None) -> list[Notice]:
    """The station's notices not ended nor withdrawn (in effect, or to come), by start.

    Raises
    ------
    stations.errors.NotFound
    """
    registry.get(station_id)
    with registry.session() as s:
        rows = s.scalars(select(NoticeRow).where(
            NoticeRow.station_id == station_id, NoticeRow.ends_at > (now or utcnow()),
            NoticeRow.withdrawn_at.is_(None)).order_by(NoticeRow.starts_at, NoticeRow.id))
        return [to_notice(r) for r in rows]


def withdraw_notice(registry: Registry, user: User, station_id: str, notice_id: int,
                    now: datetime | None = None) -> Notice:
    """End a notice now (kept, marked withdrawn); the same people who may post it may.

    Raises
    ------
    stations.errors.Forbidden, stations.errors.NotFound
    """
    if user.role not in NOTICE_ROLES or not user.active:
        raise Forbidden(f"角色 {user.role} 不能撤回通告 / role {user.role!r} may not withdraw "
                        f"notices")
    require_station_access(user, registry.get(station_id))
    with registry.session() as s:
        row = s.get(NoticeRow, notice_id)
        if row is None or row.station_id != station_id or row.withdrawn_at is not None:
            raise NotFound(f"通告不存在 / no notice {notice_id} for station {station_id!r}")
        row.withdrawn_at = now or utcnow()
        row.withdrawn_by = user.name
        bump_live_revision(s)
        s.flush()
        return to_notice(row)
