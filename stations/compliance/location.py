"""Stations without coordinates: the inspectors' queue, and locating a station on site.

A ledger row with an address but no coordinates is an *unlocated* station (see
:mod:`stations.io.ledger`): kept out of nearest search and coverage until an inspector
standing at it sets its location, through ``POST /api/stations/{id}/location`` or the
"set the location from where I stand" option of an inspection. The history records who
did it and how.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from geodata.crs import to_wgs84
from geodata.errors import GeodataError
from geodata.lonlat import validate_lonlat
from stations.accounts.scope import require_station_access
from stations.accounts.users import User, require
from stations.core.model import Station
from stations.errors import InvalidInput
from stations.store.registry import Registry
from stations.store.station_rows import in_region
from stations.store.tables import StationRow

UNLOCATED_STATUSES = ("planned", "active", "suspended")
"""Stations worth a visit: revoked and closed ones are not located any more."""


def unlocated_stations(registry: Registry, *, region: str | None = None) -> list[dict[str, Any]]:
    """Stations without coordinates that are not revoked or closed, by region then id.

    Each has ``id``, ``name``, ``kind``, ``status``, ``address`` (where to go), ``host``,
    ``phone`` and the region the address gave (``adcode``, ``province``, ``city``,
    ``county``).
    """
    columns = ("id", "name", "kind", "status", "address", "host", "phone", "adcode", "province",
               "city", "county")
    query = select(*(getattr(StationRow, c) for c in columns)).where(
        StationRow.lon.is_(None), StationRow.status.in_(UNLOCATED_STATUSES))
    if region and region != "100000":
        query = query.where(in_region(StationRow.adcode, region))
    with registry.session() as s:
        rows = s.execute(query.order_by(StationRow.adcode, StationRow.id)).all()
    return [dict(zip(columns, row, strict=True)) | {"standing": None} for row in rows]


def may_locate(user: User, station: Station) -> None:
    """Refuse a user who may not set this station's location: a role that may not, or a
    station outside the account's region (403 naming the region)."""
    require(user, "set_location")
    require_station_access(user, station)


def locate_on_site(
    registry: Registry, user: User, station_id: str, lon: float, lat: float, *,
    crs: str = "wgs84", how: str = "api",
) -> Station:
    """Set a station's location from where an inspector stands, in ``crs``.

    ``how`` says how (``api``, ``inspection 12`` ...); the history keeps it with the user.

    Raises
    ------
    stations.errors.Forbidden
        For a role that may not.
    stations.errors.NotFound
    stations.errors.InvalidInput
        For bad coordinates or a point outside China.
    """
    station = registry.get(station_id)
    may_locate(user, station)
    wlon, wlat = wgs84_point(lon, lat, crs)
    return registry.set_location(station_id, wlon, wlat, actor=user.name,
                                 how=location_reason(how, crs))


def wgs84_point(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """A point given in ``crs`` as WGS-84; InvalidInput naming the field otherwise."""
    try:
        validate_lonlat(lon, lat)
        x, y = to_wgs84(lon, lat, crs)
    except GeodataError as exc:
        field = {"longitude": "lon", "latitude": "lat"}.get(getattr(exc, "field", ""))
        raise InvalidInput(field or ("crs" if type(exc).__name__ == "CRSError" else "lon"),
                           str(exc)) from None
    return float(x), float(y)


def location_reason(how: str, crs: str) -> str:
    return f"现场定位 / located on site ({how}; 输入坐标系 / input crs {crs})"
