"""The inspectors' queue of stations reported closed when they should be open.

A ``closed`` report made while the station was active, its hours said open and no
closure notice was in effect is a lead for an inspector: the station may have stopped
giving the service it is listed for. Leads of the last :data:`QUEUE_DAYS` days, per
station, most independent reporters first; each account sees its own region only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from stations.accounts.scope import check_region, covers, within
from stations.accounts.users import User
from stations.core.clock import aware_utc, utcnow
from stations.errors import Forbidden
from stations.store.live_tables import ReportRow
from stations.store.registry import Registry
from stations.store.tables import StationRow

QUEUE_DAYS = 7


def reported_for(registry: Registry, user: User, region: str | None = None,
                 now: datetime | None = None) -> tuple[str, list[dict[str, Any]]]:
    """:func:`reported_queue` as ``user`` may see it: ``region`` (default: the account's)
    must lie inside the account's region; returns the region and the stations.

    Raises
    ------
    stations.errors.Forbidden
        For a region outside the account's.
    stations.errors.InvalidInput
        For a malformed region.
    """
    region = check_region(region) if region else user.region
    if not within(region, user.region):
        raise Forbidden(f"地区 {region} 不在您的辖区 {user.region} 内 / region {region} lies "
                        f"outside your region {user.region}")
    return region, reported_queue(registry, region, now)


def reported_queue(registry: Registry, region: str | None = None, now: datetime | None = None,
                   days: int = QUEUE_DAYS) -> list[dict[str, Any]]:
    """Stations reported closed while they should have been open, inside ``region``
    (an adcode; default the whole country), most distinct reporters first.

    Raises
    ------
    stations.errors.InvalidInput
        For a malformed region.
    """
    region = check_region(region) if region else "100000"
    since = (now or utcnow()) - timedelta(days=days)
    query = (
        select(ReportRow.station_id, StationRow.name, StationRow.adcode, StationRow.county,
               StationRow.opening_hours, func.count(),
               func.count(func.distinct(ReportRow.address_key)),
               func.min(ReportRow.created_at), func.max(ReportRow.created_at))
        .join(StationRow, StationRow.id == ReportRow.station_id)
        .where(ReportRow.state == "closed", ReportRow.expected_open.is_(True),
               ReportRow.created_at > since)
        .group_by(ReportRow.station_id, StationRow.name, StationRow.adcode, StationRow.county,
                  StationRow.opening_hours)
    )
    with registry.session() as s:
        rows = s.execute(query).all()
    out = [{"station_id": sid, "name": name, "adcode": adcode, "county": county,
            "opening_hours": hours, "reports": int(n), "clients": int(clients),
            "first_at": aware_utc(first).isoformat(timespec="seconds"),
            "last_at": aware_utc(last).isoformat(timespec="seconds")}
           for sid, name, adcode, county, hours, n, clients, first, last in rows
           if covers(region, adcode)]
    out.sort(key=lambda r: (r["clients"], r["last_at"]), reverse=True)
    return out
