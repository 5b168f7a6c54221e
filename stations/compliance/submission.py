"""What an inspector submits for one visit, and the checks it must pass before storing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from geodata.crs import to_wgs84
from geodata.errors import GeodataError
from geodata.geodesy import distance_m
from geodata.lonlat import validate_lonlat
from stations.compliance.checklists import Checklist, Checklists
from stations.compliance.evidence import Photo
from stations.core.clock import CHINA_TZ, as_china
from stations.core.model import Station
from stations.core.text import clean_text
from stations.errors import InvalidInput, NotFound
from stations.store.registry import Registry

ON_SITE_MAX_M = 500.0
"""A visit logged farther than this from the station is flagged ``on_site: false``."""
MAX_NOTE_CHARS = 10_000
EARLIEST_VISIT = datetime(2000, 1, 1, tzinfo=UTC)
"""A visit dated before this is a typing error (the programmes began after 2000)."""
_CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class Submission:
    """What an inspector sends for one visit."""

    station_id: str
    results: Mapping[str, bool]
    notes: str | None = None
    criterion_notes: Mapping[str, str] = field(default_factory=dict)
    lon: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    inspected_at: datetime | None = None
    checklist_id: str | None = None
    checklist_version: int | None = None
    corrects_id: int | None = None
    photos: Sequence[Photo] = ()
    set_location: bool = False
    """Put the station where the inspector stands (``lon``/``lat``): for an unlocated one."""
    client_id: str | None = None
    """The draft's UUID, made on the inspector's device: one inspection per draft."""
    on_site: bool | None = None
    """``False``: the inspector says the visit was not at the station (judged from papers,
    photos or a call); it then waits for review. ``None``/``True``: judged from lon/lat."""


@dataclass(frozen=True)
class Checked:
    """A submission that passed every check, with what was derived from it."""

    station: Station
    checklist: Checklist
    position: dict[str, Any]
    """``lon``, ``lat`` (WGS-84), ``input_crs``, ``distance_m``, ``on_site``."""
    inspected_at: datetime
    """UTC."""


def check_submission(
    registry: Registry, checklists: Checklists, sub: Submission, now: datetime
) -> Checked:
    """Check a submission against the station and its checklist.

    Raises
    ------
    stations.errors.InvalidInput
        Naming the field: unknown station, unknown or missing criteria, bad coordinates,
        a time in the future.
    """
    station = _station_for_input(registry, sub.station_id)
    checklist = _checklist_for(checklists, station, sub, now)
    _check_results(checklist, sub)
    return Checked(
        station, checklist, _position(station, sub), _inspected_at(sub.inspected_at, now)
    )


def _station_for_input(registry: Registry, station_id: str) -> Station:
    try:
        return registry.get(station_id)
    except NotFound as exc:
        raise InvalidInput("station_id", str(exc)) from None


def _checklist_for(
    checklists: Checklists, station: Station, sub: Submission, now: datetime
) -> Checklist:
    if sub.checklist_id is None:
        return checklists.select(station.kind, station.adcode, as_china(now).date())
    if sub.checklist_version is None:
        versions = [c for c in checklists if c.id == sub.checklist_id]
        if not versions:
            raise InvalidInput("checklist_id", f"未知清单 / unknown checklist {sub.checklist_id!r}")
        checklist = max(versions, key=lambda c: c.version)
    else:
        try:
            checklist = checklists.get(sub.checklist_id, sub.checklist_version)
        except NotFound as exc:
            raise InvalidInput("checklist_version", str(exc)) from None
    if checklist.kind != station.kind:
        raise InvalidInput(
            "checklist_id",
            f"清单 {checklist.id} 适用于 {checklist.kind}，站点是 "
            f"{station.kind} / checklist is for {checklist.kind}, station is {station.kind}",
        )
    return checklist


def _check_results(checklist: Checklist, sub: Submission) -> None:
    codes = checklist.codes
    listed = ", ".join(codes)
    for code, value in sub.results.items():
        if code not in codes:
            raise InvalidInput(
                f"results.{code}",
                f"未知检查项 / unknown criterion {code!r}; "
                f"清单 {checklist.id} v{checklist.version}: {listed}",
            )
        if not isinstance(value, bool):
            raise InvalidInput(f"results.{code}", "应为 true 或 false / must be true or false")
    missing = [code for code in codes if code not in sub.results]
    if missing:
        raise InvalidInput("results", f"缺少检查项 / missing criteria: {', '.join(missing)}")
    for code, note in sub.criterion_notes.items():
        if code not in codes:
            raise InvalidInput(
                f"criterion_notes.{code}", f"未知检查项 / unknown criterion {code!r}"
            )
        clean_note(note, f"criterion_notes.{code}")


def _position(station: Station, sub: Submission) -> dict[str, Any]:
    if sub.set_location and (sub.lon is None or sub.lat is None):
        raise InvalidInput("set_location", "设置站点位置需要检查员所在的 lon 和 lat / setting the "
                                           "station's location needs lon and lat (where you stand)")
    if sub.lon is None and sub.lat is None:
        declared = False if sub.on_site is False else None  # "I was there" needs a position
        return {"lon": None, "lat": None, "input_crs": None, "distance_m": None,
                "on_site": declared}
    if sub.lon is None or sub.lat is None:
        field = "lat" if sub.lat is None else "lon"
        raise InvalidInput(field, "经度和纬度须同时给出 / give both lon and lat, or neither")
    try:
        validate_lonlat(sub.lon, sub.lat)
        lon, lat = to_wgs84(sub.lon, sub.lat, sub.crs)
        dist = None
        if sub.set_location:  # the station is put here: the visit is on site by definition
            dist = 0.0
        elif station.lon is not None and station.lat is not None:
            dist = float(distance_m(station.lon, station.lat, lon, lat))
    except GeodataError as exc:
        raise InvalidInput(_coordinate_field(exc), str(exc)) from None
    on_site = None if dist is None else dist <= ON_SITE_MAX_M
    return {
        "lon": float(lon),
        "lat": float(lat),
        "input_crs": sub.crs,
        "distance_m": None if dist is None else round(dist, 1),
        "on_site": False if sub.on_site is False else on_site,
    }


def _coordinate_field(exc: GeodataError) -> str:
    field = getattr(exc, "field", None)
    if field == "longitude":
        return "lon"
    if field == "latitude":
        return "lat"
    return "crs" if type(exc).__name__ == "CRSError" else "lon"


def _inspected_at(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now.astimezone(UTC)
    aware = value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)
    if aware > now + _CLOCK_SKEW:
        raise InvalidInput(
            "inspected_at", "检查时间不能在将来 / the inspection time is in the future"
        )
    if aware < EARLIEST_VISIT:
        raise InvalidInput(
            "inspected_at",
            f"检查时间早于 {EARLIEST_VISIT.year} 年，应为录入错误 / the inspection time is before "
            f"{EARLIEST_VISIT.year}: a typing error",
        )
    return aware.astimezone(UTC)


def clean_note(text: str | None, field: str) -> str | None:
    """Checked text (:func:`stations.core.text.clean_text`, multi-line), ``None`` when blank;
    refuses notes over 10,000 characters."""
    return clean_text(text, field, multiline=True, limit=MAX_NOTE_CHARS)
