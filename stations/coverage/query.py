"""What a coverage question asks: the region, the radius, which stations count.

Every problem raises :class:`stations.errors.InvalidInput` naming the parameter
(``region``, ``radius_m``, ``kind``, ``by``, ...), so the CLI prints it and the API answers
422, never a traceback.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass
from typing import Any

from geodata.errors import GeodataError
from geodata.regions import LEVELS, Region, region
from stations.core.filters import check_filters
from stations.core.vocab import KINDS
from stations.errors import InvalidInput

# Reach of a station: ~15 minutes' walk for outdoor workers, a stretch of road for drivers.
DEFAULT_RADIUS_M: dict[str, float] = {"outdoor_worker_station": 1_000.0, "driver_home": 50_000.0}
MAX_RADIUS_M = 200_000.0
MAX_SUGGEST = 50


@dataclass(frozen=True)
class CoverageQuery:
    """A checked coverage question; hashable, so answers can be cached by it.

    Attributes
    ----------
    region : str
        Adcode of the region asked about (``"100000"`` for the country).
    level : str
        Level of that region (a city and its only county may share an adcode).
    by : str
        Level of the sub-regions of the table.
    radius_m : float or None
        One radius for every station; ``None``: each kind's default (:data:`DEFAULT_RADIUS_M`).
    kind : str or None
        Only stations of this kind.
    compliant_only : bool
        Only stations whose compliance standing is ``compliant``.
    statuses : tuple of str
        Station statuses that count (``("active",)`` by default).
    """

    region: str = "100000"
    level: str = "country"
    by: str = "province"
    radius_m: float | None = None
    kind: str | None = None
    compliant_only: bool = False
    statuses: tuple[str, ...] = ("active",)

    def radius_for(self, kind: str) -> float:
        """The radius in metres that a station of ``kind`` reaches."""
        return self.radius_m if self.radius_m is not None else DEFAULT_RADIUS_M[kind]

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.kind,) if self.kind else tuple(KINDS)

    @property
    def radii_m(self) -> dict[str, float]:
        return {k: self.radius_for(k) for k in self.kinds}

    @property
    def max_radius_m(self) -> float:
        return max(self.radii_m.values())


def parse_query(
    region_key: Any = None,
    *,
    radius_m: Any = None,
    kind: Any = None,
    compliant_only: Any = False,
    statuses: Any = ("active",),
    by: Any = None,
) -> CoverageQuery:
    """Check a coverage question.

    Parameters
    ----------
    region_key : str or None
        Adcode or Chinese name of the region; ``None`` for the whole country.
    radius_m : float, optional
        Reach of every station in metres, more than 0 and at most 200 km; default: 1,000 m
        for outdoor-worker stations and 50 km for driver homes.
    kind : str, optional
        ``outdoor_worker_station`` or ``driver_home``.
    compliant_only : bool
        Only stations whose standing is ``compliant``.
    statuses : iterable of str
        Statuses that count.
    by : str, optional
        Level of the sub-regions (``province``, ``city``, ``county``) below the region;
        default one level down (a county is its own sub-region).

    Returns
    -------
    CoverageQuery

    Raises
    ------
    InvalidInput
        Naming the parameter at fault.
    """
    found = find_region(region_key)
    if kind is not None and not isinstance(kind, str):
        raise InvalidInput("kind", f"站点类型必须是文字 / kind must be a string, not {kind!r}")
    kind = kind or None
    try:
        check_filters(kind=kind)
    except InvalidInput as exc:
        raise InvalidInput("kind", exc.reason) from None
    if not isinstance(compliant_only, bool):
        raise InvalidInput("compliant_only", f"必须是 true 或 false / must be true or false, "
                                             f"not {compliant_only!r}")
    codes = (statuses,) if isinstance(statuses, str) else tuple(statuses)
    if not codes:
        raise InvalidInput("status", "至少需要一个状态 / give at least one status")
    for code in codes:
        check_filters(status=code)
    return CoverageQuery(
        region=found.adcode,
        level=found.level,
        by=_check_by(found, by),
        radius_m=check_radius(radius_m),
        kind=kind,
        compliant_only=compliant_only,
        statuses=tuple(sorted(set(codes))),
    )


def check_radius(value: Any) -> float | None:
    """A radius in whole metres (fractions dropped), 1 m to :data:`MAX_RADIUS_M`, or ``None``."""
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(float(value)) or float(value) <= 0):
        raise InvalidInput("radius_m", f"半径必须是大于 0 的米数 / radius must be a positive "
                                       f"number of metres, not {value!r}")
    if float(value) > MAX_RADIUS_M:
        raise InvalidInput("radius_m", f"半径过大（最大 {MAX_RADIUS_M:,.0f} 米） / radius too "
                                       f"large: {value:,.0f} m (at most {MAX_RADIUS_M:,.0f} m)")
    # whole metres: 1000.6 m and 1000 m are one question (one answer, one cache entry)
    metres = float(math.floor(float(value)))
    if metres < 1:
        raise InvalidInput("radius_m", f"半径至少 1 米 / radius must be at least 1 m, not {value!r}")
    return metres


def check_suggest(value: Any) -> int:
    """The number of sites to suggest: an integer from 0 to :data:`MAX_SUGGEST`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not 0 <= int(value) <= MAX_SUGGEST:
        raise InvalidInput("suggest", f"建议站点数必须是 0 到 {MAX_SUGGEST} 的整数 / must be an "
                                      f"integer from 0 to {MAX_SUGGEST}, not {value!r}")
    return int(value)


def find_region(key: Any) -> Region:
    """The region for an adcode or name, or :class:`InvalidInput` naming ``region``."""
    if isinstance(key, str) and not key.strip():
        key = None
    try:
        return region(key)
    except GeodataError as exc:
        raise InvalidInput("region", str(exc)) from None


def query_region(query: CoverageQuery) -> Region:
    """The :class:`Region` a checked query is about."""
    return region(query.region, level=query.level)


def subregions(query: CoverageQuery) -> tuple[Region, ...]:
    """The regions of the table: the region's descendants at level ``query.by``.

    A county is its own only sub-region.
    """
    return _subregions(query.region, query.level, query.by)


@functools.lru_cache(maxsize=256)
def _subregions(adcode: str, level: str, by: str) -> tuple[Region, ...]:
    top = region(adcode, level=level)
    if top.level == by:
        return (top,)
    found: list[Region] = []
    frontier = [top]
    while frontier:
        current = frontier.pop(0)
        for child in current.children():
            # municipalities skip the city level: their counties stand in for cities
            if child.level == by or (child.level == "county" and by == "city") \
                    or not child.children():
                found.append(child)
            else:
                frontier.append(child)
    return tuple(sorted(found, key=lambda r: r.adcode))


@functools.lru_cache(maxsize=256)
def county_to_subregion(adcode: str, level: str, by: str) -> dict[str, int]:
    """County adcode → position of its sub-region in :func:`subregions`."""
    lookup: dict[str, int] = {}
    for i, sub in enumerate(_subregions(adcode, level, by)):
        frontier = [sub]
        while frontier:
            current = frontier.pop()
            if current.level == "county":
                lookup[current.adcode] = i
            frontier.extend(current.children())
    return lookup


@functools.lru_cache(maxsize=4096)
def region_area_km2(adcode: str, level: str) -> float:
    """Geodesic area of a region in km² (cached: boundaries do not change)."""
    return region(adcode, level=level).area_km2


def _check_by(found: Region, by: Any) -> str:
    below = LEVELS[LEVELS.index(found.level) + 1:]
    if by is None or by == "":
        return below[0] if below else found.level
    if by not in LEVELS[1:]:
        raise InvalidInput("by", f"未知的行政级别 / unknown level {by!r}; "
                                 f"可选 / one of {', '.join(LEVELS[1:])}")
    if by not in below and by != found.level:
        raise InvalidInput("by", f"{by!r} 不在 {found.name} 之下 / {by!r} is not below the "
                                 f"{found.level} {found.adcode}; use one of {', '.join(below)}")
    return str(by)
