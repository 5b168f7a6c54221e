"""Honest answers for people on the move: what is within reach, and what to carry offline.

:func:`nearest_within_reach` answers "what is near me" for someone who can only go so far
(a rider on foot or e-bike a few km, a truck driver tens of km): stations beyond the reach
are not in the answer; when none is within it, the nearest one beyond is named apart, so
a page can say "nothing within 3 km; the nearest is 228 km away" instead of listing far
stations as if they were near.

:func:`stations_around` is the set of stations a phone keeps for searching without signal:
the active stations around a point (a few thousand at most), each with what a page needs
to search, show and navigate offline, opening hours as open intervals of the week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from geodata.geodesy import distance_m, ecef_point
from stations.core.clock import china_time
from stations.core.navigation import check_travel, format_links
from stations.errors import InvalidInput
from stations.search.index import NearestIndex, Result
from stations.search.inputs import check_max_distance, check_point, parse_filters

MAX_REACH_M = 500_000.0
MAX_AREA_M = 300_000.0
MAX_AREA_STATIONS = 5_000


@dataclass(frozen=True)
class ReachAnswer:
    """Stations within reach, nearest first, and the nearest beyond it when none is."""

    results: list[Result]
    reach_m: float
    beyond: Result | None

    def to_dict(self) -> dict[str, Any]:
        """``results``, ``reach_m`` and ``beyond`` (a result or None)."""
        return {"results": [r.to_dict() for r in self.results], "reach_m": self.reach_m,
                "beyond": None if self.beyond is None else self.beyond.to_dict()}


def check_reach(value: Any, field: str = "reach_m", limit: float = MAX_REACH_M) -> float:
    """A reach in metres: positive and at most ``limit``."""
    reach = check_max_distance(value, field)
    if reach is None or reach > limit:
        raise InvalidInput(field, f"必须大于 0 且不超过 {limit:,.0f} 米 / must be more than 0 and "
                                  f"at most {limit:,.0f} m")
    return reach


def nearest_within_reach(index: NearestIndex, lon: float, lat: float, k: int, reach_m: float,
                         *, max_distance_m: float | None = None, **query: Any) -> ReachAnswer:
    """The ``k`` nearest qualifying stations within ``reach_m``, and the nearest beyond.

    Parameters
    ----------
    index : NearestIndex
    lon, lat, k
        As for :meth:`NearestIndex.query`.
    reach_m : float
        How far the person can go, metres (more than 0, at most 500 km).
    max_distance_m : float, optional
        A hard limit also for the station beyond reach.
    **query
        The other parameters of :meth:`NearestIndex.query` (filters, ``crs``, ``now``,
        ``travel``).

    Returns
    -------
    ReachAnswer
        ``beyond`` is the nearest qualifying station when none is within reach (None when
        there is none at all, or when some are within reach).
    """
    reach = check_reach(reach_m)
    limit = check_max_distance(max_distance_m)
    within = reach if limit is None else min(reach, limit)
    results = index.query(lon, lat, k, max_distance_m=within, **query)
    beyond = None
    if not results:
        farther = index.query(lon, lat, 1, max_distance_m=limit, **query)
        beyond = farther[0] if farther else None
    return ReachAnswer(results, reach, beyond)


def stations_around(index: NearestIndex, lon: float, lat: float, radius_m: float, *,
                    limit: int = 2_000, crs: str = "wgs84", travel: str = "car",
                    kinds: Iterable[str] | None = None,
                    now: datetime | None = None) -> dict[str, Any]:
    """The active stations within ``radius_m`` of a point, nearest first, for offline use.

    Parameters
    ----------
    index : NearestIndex
    lon, lat : float
        The point, in ``crs``.
    radius_m : float
        More than 0, at most 300 km.
    limit : int
        At most this many (1 to 5,000): the nearest ones.
    travel : str
        For the navigation links (``car``, ``ride``, ``walk``); the links carry no start.
    kinds : iterable of str, optional
        Only these kinds (default: every kind).

    Returns
    -------
    dict
        ``center`` ([lon, lat], WGS-84), ``radius_m`` (the radius covered completely:
        smaller than asked when ``limit`` cut the list), ``as_of`` (China time, ISO 8601),
        ``truncated`` and ``stations``: per station ``id``, ``name``, ``kind``, ``lon``,
        ``lat``, ``services``, ``opening_hours``, ``week`` (open intervals as minutes of the
        week in China time, Monday 00:00 = 0, end exclusive; null when unknown),
        ``address``, ``phone``, ``standing``, ``navigation`` and ``carriageway``.
    """
    radius = check_reach(radius_m, "radius_m", MAX_AREA_M)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_AREA_STATIONS:
        raise InvalidInput("limit", f"必须是 1 到 {MAX_AREA_STATIONS} 的整数 / must be an integer "
                                    f"from 1 to {MAX_AREA_STATIONS}, not {limit!r}")
    travel = check_travel(travel)
    qlon, qlat = check_point(lon, lat, crs)
    kind_set = None if kinds is None else set(kinds)
    for kind in kind_set or ():
        parse_filters(kind=kind)  # refuses unknown kinds, naming `kind`
    plan = index.plan(parse_filters())
    positions = np.empty(0, dtype=np.int64)
    covered = radius
    if plan.positions.size:
        # a chord is never longer than the geodesic: the chord ball holds every station
        # within the radius (and a few just outside, dropped below)
        want = min(plan.positions.size, limit + 64)
        chords, found = (np.atleast_1d(a) for a in plan.tree.query(
            ecef_point(qlon, qlat), k=want, distance_upper_bound=radius))
        finite = np.isfinite(chords)
        if finite.all() and want < plan.positions.size:
            # stations left out are at least this chord, so this far, away
            covered = min(covered, float(chords[-1]))
        positions = plan.positions.take(found[finite])
    lons, lats = index.column("lon").take(positions), index.column("lat").take(positions)
    dist = np.atleast_1d(distance_m(qlon, qlat, lons, lats)) if positions.size else np.empty(0)
    order = np.argsort(dist, kind="stable")
    positions, dist = positions[order], dist[order]
    keep = dist <= covered
    positions, dist = positions[keep], dist[keep]
    if kind_set is not None and positions.size:
        kinds_of = index.column("kind").take(positions)
        chosen = np.fromiter((k in kind_set for k in kinds_of), bool, positions.size)
        positions, dist = positions[chosen], dist[chosen]
    truncated = covered < radius or positions.size > limit
    if positions.size > limit:
        covered = float(dist[limit])
        positions = positions[:limit]
    return {
        "center": [round(qlon, 6), round(qlat, 6)],
        "radius_m": round(covered, 1),
        "as_of": china_time(now).isoformat(timespec="seconds"),
        "truncated": bool(truncated),
        "stations": [_offline_record(index, int(p), travel) for p in positions.tolist()],
    }


def _offline_record(index: NearestIndex, position: int, travel: str) -> dict[str, Any]:
    col = index.column
    code = int(col("hours_code")[position])
    week = None if code < 0 else [list(span) for span in col("hours")[code].week_spans()]
    lon, lat = float(col("lon")[position]), float(col("lat")[position])
    name = col("name")[position]
    services = col("services")[position]
    side = col("carriageway")[position]
    return {
        "id": col("id")[position],
        "name": name,
        "kind": col("kind")[position],
        "lon": lon,
        "lat": lat,
        "services": list(services or ()),
        "opening_hours": col("opening_hours")[position],
        "week": week,
        "address": col("address")[position],
        "phone": col("phone")[position],
        "standing": col("standing")[position] or "never_inspected",
        "navigation": format_links(name, (lon, lat), col("gcj02")[position],
                                   col("bd09")[position], travel=travel),
        "carriageway": None if side is None else dict(side),
    }
