"""The station as the domain sees it: one record of the registry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from stations.core.vocab import SERVICE_CODES

# Fields compared to tell whether a re-imported row changes a station.
EDITABLE_FIELDS = (
    "name",
    "kind",
    "lon",
    "lat",
    "address",
    "host",
    "services",
    "truck_parking_capacity",
    "opening_hours",
    "phone",
    "status",
    "status_date",
    "status_reason",
)
REGION_FIELDS = ("adcode", "province", "city", "county")
_CAPACITY_RE = re.compile(r"^truck_parking[:：(（](\d+)[)）]?$")


@dataclass(frozen=True)
class Station:
    """One station of either kind, located in WGS-84.

    ``lon``/``lat`` are both ``None`` for an *unlocated* station: a ledger row with an
    address but no coordinates, whose region (``adcode`` ...) comes from the address. It
    is never found by nearest search nor counted as covering anything until someone
    standing at it sets its location.
    """

    id: str
    name: str
    kind: str
    lon: float | None
    lat: float | None
    address: str | None = None
    host: str | None = None
    services: tuple[str, ...] = ()
    truck_parking_capacity: int | None = None
    opening_hours: str | None = None
    phone: str | None = None
    status: str = "active"
    status_date: date | None = None
    status_reason: str | None = None
    adcode: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def located(self) -> bool:
        """Whether the station has coordinates."""
        return self.lon is not None and self.lat is not None

    def with_changes(self, **changes: Any) -> Station:
        return replace(self, **changes)

    def diff(self, other: Station) -> dict[str, tuple[Any, Any]]:
        """Editable and region fields whose values differ: ``{field: (ours, theirs)}``."""
        out: dict[str, tuple[Any, Any]] = {}
        for name in EDITABLE_FIELDS + REGION_FIELDS:
            a, b = getattr(self, name), getattr(other, name)
            if a != b:
                out[name] = (a, b)
        return out

    def services_text(self) -> str:
        """Services as the ledger writes them: codes joined by ``;``, with capacity."""
        return format_services(self.services, self.truck_parking_capacity)

    def as_record(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def format_services(services: tuple[str, ...], capacity: int | None) -> str:
    parts = []
    for code in sorted(services, key=SERVICE_CODES.index):
        if code == "truck_parking" and capacity is not None:
            parts.append(f"truck_parking:{capacity}")
        else:
            parts.append(code)
    return ";".join(parts)


def split_capacity(token: str) -> tuple[str, int | None]:
    """``truck_parking:40`` → ``("truck_parking", 40)``; other tokens unchanged."""
    match = _CAPACITY_RE.match(token)
    if match:
        return "truck_parking", int(match.group(1))
    return token, None
