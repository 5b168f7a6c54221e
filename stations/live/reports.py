"""Reports from people on the road, no account needed, and the defences around them.

A report says a station is ``open``, ``closed``, ``full``, or that a service is missing.
Abuse resistance is the point (a driver hours away calling a car park "full" to keep it):

- **proximity**: accepted only from within :data:`REPORT_RADIUS_M` of the station;
- **a limit per client**: a client is an address plus the device id the page keeps;
  :data:`PER_CLIENT_PER_HOUR` reports an hour per client, and
  :data:`PER_ADDRESS_PER_HOUR` per address (a new device id each time does not help);
  beyond, :class:`stations.errors.TooManyRequests` says when to try again;
- **agreement, decay, and the host's word first**: see :mod:`stations.core.live`.

Addresses and device ids are never stored: only HMACs of them under the service's
secret, enough to count and to tell clients apart, not to recover an address. Nor are
reports kept for long: each new one deletes those older than :data:`KEEP_DAYS`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from geodata.geodesy import distance_m
from stations.core.clock import utcnow
from stations.core.hours import HoursError, parse_hours
from stations.core.live import REPORT_STATES, closed_by_notice
from stations.core.vocab import SERVICES
from stations.errors import InvalidInput, TooManyRequests
from stations.live.queue import QUEUE_DAYS
from stations.search.inputs import check_point
from stations.store.live import bump_live_revision, to_notice
from stations.store.live_tables import NoticeRow, ReportRow
from stations.store.registry import Registry

REPORT_RADIUS_M = 500.0
PER_CLIENT_PER_HOUR = 3
PER_ADDRESS_PER_HOUR = 20
_HOUR = timedelta(hours=1)
KEEP_DAYS = 2 * QUEUE_DAYS
"""Days a report is kept: it counts for an hour (live state, hourly limits) and a week in
the inspectors' reported queue; then it is deleted."""
_PRUNE_BATCH = 500
"""Most old reports one new report deletes, so that no report waits on a long backlog."""
_DEVICE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True)
class Client:
    """Who reports, as keys: a device (device id and address) and an address."""

    device: str
    address: str

    @classmethod
    def of(cls, address: str | None, device_id: str | None, secret: str) -> Client:
        """Keys for an address and a device id (checked: 8-64 of ``A-Za-z0-9-_``).

        Raises
        ------
        stations.errors.InvalidInput
            For a malformed device id.
        """
        device_id = (device_id or "").strip()
        if device_id and not (8 <= len(device_id) <= 64 and set(device_id) <= _DEVICE_CHARS):
            raise InvalidInput("device_id", "应为 8-64 个字母、数字、- 或 _ / 8-64 letters, "
                                            "digits, - or _")
        address = address or "unknown"
        return cls(_key(secret, f"d|{address}|{device_id}"), _key(secret, f"a|{address}"))


def _key(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def submit_report(registry: Registry, station_id: str, *, state: str, lon: Any, lat: Any,
                  client: Client, crs: str = "wgs84", service: str | None = None,
                  now: datetime | None = None) -> dict[str, Any]:
    """Store a report from the road.

    Parameters
    ----------
    state : str
        ``open``, ``closed``, ``full`` or ``service_missing`` (with ``service``).
    lon, lat : float
        Where the person is, in ``crs`` (``wgs84``, ``gcj02``, ``bd09``).
    client : Client
        Who reports.

    Returns
    -------
    dict
        ``id``, ``station_id``, ``state``, ``service``, ``distance_m``, ``expected_open``.

    Raises
    ------
    stations.errors.InvalidInput
        For a bad field, or a point farther than :data:`REPORT_RADIUS_M` from the station
        (field ``position``, naming the distance).
    stations.errors.TooManyRequests
        Beyond the client's or the address's hourly limit.
    stations.errors.NotFound
    """
    if state not in REPORT_STATES:
        raise InvalidInput("state", f"未知状态 / unknown state {state!r}; 可选 / one of "
                                    f"{', '.join(REPORT_STATES)}")
    if state == "service_missing":
        if service not in SERVICES:
            raise InvalidInput("service", f"未知服务代码 / unknown service code {service!r}")
    elif service is not None:
        raise InvalidInput("service", "仅用于 service_missing / only with state service_missing")
    qlon, qlat = check_point(lon, lat, crs)
    station = registry.get(station_id)
    if service is not None and service not in station.services:
        raise InvalidInput("service", f"站点未登记此服务 / the station does not list {service!r}")
    if station.lon is None or station.lat is None:
        raise InvalidInput("station", "站点尚无坐标 / the station has no location yet")
    away = float(distance_m(qlon, qlat, station.lon, station.lat))
    if away > REPORT_RADIUS_M:
        raise InvalidInput("position", f"您距站点 {away:,.0f} 米，须在 {REPORT_RADIUS_M:.0f} 米内报告 / "
                                       f"you are {away:,.0f} m from the station; reports are "
                                       f"accepted within {REPORT_RADIUS_M:.0f} m")
    now = (now or utcnow()).astimezone(UTC)
    with registry.session() as s:
        _check_limits(s, client, now)
        expected = None
        if state == "closed":
            notices = [to_notice(n) for n in s.scalars(select(NoticeRow).where(
                NoticeRow.station_id == station.id, NoticeRow.withdrawn_at.is_(None)))]
            expected = (station.status == "active" and _hours_say_open(station.opening_hours, now)
                        and not closed_by_notice(notices, now))
        row = ReportRow(station_id=station.id, state=state, service=service, lon=qlon, lat=qlat,
                        distance_m=round(away, 1), device_key=client.device,
                        address_key=client.address, expected_open=expected, created_at=now)
        s.add(row)
        _prune(s, now)
        bump_live_revision(s)
        s.flush()
        return {"id": row.id, "station_id": station.id, "state": state, "service": service,
                "distance_m": row.distance_m, "expected_open": expected}


def _hours_say_open(text: str | None, now: datetime) -> bool:
    try:
        hours = parse_hours(text)
    except HoursError:
        return False
    return hours is not None and hours.is_open(now)


def _prune(s: Any, now: datetime) -> None:
    """Delete reports older than :data:`KEEP_DAYS` (they no longer count for anything)."""
    old = (select(ReportRow.id).where(ReportRow.created_at < now - timedelta(days=KEEP_DAYS))
           .order_by(ReportRow.created_at).limit(_PRUNE_BATCH))
    s.execute(delete(ReportRow).where(ReportRow.id.in_(old)).execution_options(synchronize_session=False))


def _check_limits(s: Any, client: Client, now: datetime) -> None:
    since = now - _HOUR
    for column, key, limit in ((ReportRow.device_key, client.device, PER_CLIENT_PER_HOUR),
                               (ReportRow.address_key, client.address, PER_ADDRESS_PER_HOUR)):
        count, oldest = s.execute(
            select(func.count(), func.min(ReportRow.created_at))
            .where(column == key, ReportRow.created_at > since)).one()
        if count >= limit:
            wait = (oldest.replace(tzinfo=oldest.tzinfo or UTC) + _HOUR - now).total_seconds()
            raise TooManyRequests(
                f"报告过于频繁，请 {max(1, round(wait / 60))} 分钟后再试 / too many reports: at most "
                f"{limit} an hour; try again in {max(1, round(wait))} s", int(wait) + 1)
