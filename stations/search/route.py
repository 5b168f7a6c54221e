"""Stations along a route: "where can I stop on the way?".

A station counts when its geodesic distance to the route (``offset_m``) is within
the corridor; ``along_m`` is how far along the route the closest point lies, as the
sum of geodesic segment lengths. Route segments are geodesics; long ones are split
at points on the geodesic so that every piece is short, and the closest point is
found on the straight chord of each piece in earth-centred metres (a chord of 1 km
sags 2 cm below the surface), then measured geodesically.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import Geod
from scipy.spatial import cKDTree

from geodata.geodesy import bearing_deg, distance_m, to_ecef_m
from stations.core.clock import china_time
from stations.core.navigation import check_travel
from stations.errors import InvalidInput
from stations.search.index import LiveIndex, NearestIndex, Result
from stations.search.inputs import check_max_distance, check_points, parse_filters

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_ROUTE_M = 5_000_000.0
MAX_VERTICES = 10_000
MAX_CORRIDOR_M = 50_000.0
PIECE_M = 1_000.0  # longest piece of route between two points of the search
_SAG_M = 1.0  # margin for the chord of a piece lying below the surface (≤ 2 cm at 1 km)
_GEOD = Geod(ellps="WGS84")  # positions along a geodesic; distances come from geodata


@dataclass(frozen=True)
class RouteResult:
    """A station near a route: where along the route, how far off it, and the station.

    ``station.distance_m`` equals ``offset_m``; ``station.bearing_deg`` points from the
    closest point of the route to the station.
    """

    along_m: float
    offset_m: float
    station: Result

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the station's fields plus ``along_m`` and ``offset_m``."""
        return {**self.station.to_dict(), "along_m": self.along_m, "offset_m": self.offset_m}


@dataclass(frozen=True)
class _Route:
    """A validated route split into short pieces, each with its place on the route."""

    xyz: FloatArray  # (p + 1, 3) piece ends, earth-centred metres
    along_m: FloatArray  # (p + 1,) distance along the route of each end
    segment: IntArray  # (p,) original segment of each piece
    start_m: FloatArray  # (p,) where each piece starts along its original segment
    lon: FloatArray  # original vertices
    lat: FloatArray
    azimuth: FloatArray  # initial azimuth of each original segment


def stations_along_route(
    index_or_frame: NearestIndex | LiveIndex | pd.DataFrame,
    route_coords: Any,
    corridor_m: float = 2000.0,
    *,
    kind: str | None = None,
    services: Iterable[str] = (),
    open_now: bool = False,
    now: datetime | None = None,
    status: Iterable[str] | str | None = ("active",),
    compliant_only: bool = False,
    crs: str = "wgs84",
    travel: str = "car",
) -> list[RouteResult]:
    """Qualifying stations within ``corridor_m`` of a route, in order along it.

    Parameters
    ----------
    index_or_frame : NearestIndex, LiveIndex or pandas.DataFrame
        The stations (a table is indexed first).
    route_coords : dict or sequence
        A GeoJSON LineString or a list of ``[lon, lat]`` positions in ``crs``: at
        least 2 and at most 10,000 positions, at most 5,000 km long.
    corridor_m : float
        Largest geodesic distance from the route, more than 0 and at most 50,000.
    kind, services, open_now, now, status, compliant_only
        Filters, as for :meth:`stations.search.index.NearestIndex.query`.
    crs : str
        Coordinate system of the route: ``wgs84`` (default), ``gcj02`` or ``bd09``.
    travel : str
        For the navigation links, which start where the route starts: ``car`` (default),
        ``ride`` or ``walk``.

    Returns
    -------
    list of RouteResult
        Ordered by ``along_m`` (then ``offset_m``).

    Raises
    ------
    stations.errors.InvalidInput
        For a bad ``route``, ``corridor_m`` or filter, naming it.
    """
    index = _as_index(index_or_frame)
    corridor = check_max_distance(corridor_m, "corridor_m")
    if corridor is None or corridor > MAX_CORRIDOR_M:
        raise InvalidInput("corridor_m", f"必须大于 0 且不超过 {MAX_CORRIDOR_M:,.0f} 米 / must be "
                                         f"more than 0 and at most {MAX_CORRIDOR_M:,.0f} m")
    fil = parse_filters(kind=kind, services=services, open_now=open_now, status=status,
                        compliant_only=compliant_only)
    now = china_time(now)
    travel = check_travel(travel)
    route = _split(*_route_lonlat(route_coords, crs))
    plan = index.plan(fil)
    if plan.positions.size == 0:
        return []
    # every station within the corridor lies within this chord of some piece end
    reach = corridor + _longest_piece(route) / 2 + _SAG_M
    found = plan.tree.query_ball_point(route.xyz, reach)
    tree_idx = np.unique(np.concatenate([np.asarray(f, dtype=np.int64) for f in found]))
    cand = plan.positions.take(tree_idx)
    cand = cand[index.qualifying(plan, cand, now, fil.open_now)]
    if cand.size == 0:
        return []
    piece, t, chord = _closest_pieces(route, index.column("xyz")[cand])
    near = chord <= corridor + _SAG_M
    cand, piece, t = cand[near], piece[near], t[near]
    along, point_lon, point_lat = _locate(route, piece, t)
    st_lon, st_lat = index.column("lon")[cand], index.column("lat")[cand]
    offset = np.atleast_1d(distance_m(point_lon, point_lat, st_lon, st_lat))
    keep = offset <= corridor
    cand, along, offset = cand[keep], along[keep], offset[keep]
    point_lon, point_lat, st_lon, st_lat = (a[keep] for a in (point_lon, point_lat, st_lon,
                                                              st_lat))
    order = np.lexsort((cand, offset, along))
    bearings = np.atleast_1d(bearing_deg(point_lon, point_lat, st_lon, st_lat))
    # the navigation links start where the route does
    stations = index.results(cand[order], offset[order], bearings[order], now,
                             travel=travel, origin=(float(route.lon[0]), float(route.lat[0])))
    return [RouteResult(round(float(a), 1), s.distance_m, s)
            for a, s in zip(along[order].tolist(), stations, strict=True)]


def _as_index(value: Any) -> NearestIndex:
    if isinstance(value, NearestIndex):
        return value
    if isinstance(value, LiveIndex):
        return value.current
    if isinstance(value, pd.DataFrame):
        return NearestIndex.build(value)
    raise TypeError(f"expected a NearestIndex, LiveIndex or DataFrame, not {type(value)!r}")


def _route_lonlat(route: Any, crs: str) -> tuple[FloatArray, FloatArray]:
    """The route's WGS-84 vertices, or :class:`InvalidInput` naming ``route``."""
    if isinstance(route, dict):
        if route.get("type") != "LineString":
            raise InvalidInput("route", "须为 GeoJSON LineString / must be a GeoJSON LineString")
        route = route.get("coordinates")
    if isinstance(route, str | bytes) or not isinstance(route, Sequence | np.ndarray):
        raise InvalidInput("route", "须为坐标列表 / must be a list of [lon, lat] positions")
    if len(route) < 2:
        raise InvalidInput("route", "至少需要两个点 / needs at least 2 positions")
    if len(route) > MAX_VERTICES:
        raise InvalidInput("route", f"点数过多 / too many positions: {len(route)} > "
                                    f"{MAX_VERTICES}")
    for i, position in enumerate(route):
        if (isinstance(position, str | bytes) or not isinstance(position, Sequence | np.ndarray)
                or len(position) not in (2, 3)
                or not all(_is_number(v) for v in position)):
            raise InvalidInput("route", f"第 {i + 1} 个点不是 [经度, 纬度] / position {i} is not "
                                        f"[lon, lat]: {position!r}")
    coords = np.array([[float(p[0]), float(p[1])] for p in route], dtype=np.float64)
    try:
        lon, lat = check_points(coords[:, 0], coords[:, 1], crs)
    except InvalidInput as exc:
        raise InvalidInput("crs" if exc.field == "crs" else "route", exc.reason) from None
    return lon, lat


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _split(lon: FloatArray, lat: FloatArray) -> _Route:
    """Cut every segment into equal geodesic pieces no longer than ``PIECE_M``."""
    length = np.atleast_1d(distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:]))
    total = float(length.sum())
    if total > MAX_ROUTE_M:
        raise InvalidInput("route", f"路线过长 / route too long: {total / 1000:,.0f} km > "
                                    f"{MAX_ROUTE_M / 1000:,.0f} km")
    azimuth = np.atleast_1d(bearing_deg(lon[:-1], lat[:-1], lon[1:], lat[1:]))
    pieces = np.maximum(np.ceil(length / PIECE_M).astype(np.int64), 1)
    segment = np.repeat(np.arange(length.size), pieces)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    step = length[segment] / pieces[segment]
    start = (np.arange(segment.size) - first) * step
    # piece starts along the geodesic of their segment, plus the route's last vertex
    inner = start > 0
    end_lon, end_lat = lon[segment].copy(), lat[segment].copy()
    if inner.any():
        s = segment[inner]
        end_lon[inner], end_lat[inner], _ = _GEOD.fwd(lon[s], lat[s], azimuth[s], start[inner])
    end_lon = np.append(end_lon, lon[-1])
    end_lat = np.append(end_lat, lat[-1])
    along = np.concatenate([[0.0], np.cumsum(length)])[segment] + start
    return _Route(
        xyz=to_ecef_m(end_lon, end_lat),
        along_m=np.append(along, total),
        segment=segment,
        start_m=start,
        lon=lon,
        lat=lat,
        azimuth=azimuth,
    )


def _longest_piece(route: _Route) -> float:
    return float(np.diff(route.along_m).max(initial=0.0))


def _closest_pieces(route: _Route, points: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """For each point: the closest piece, where on it (0..1) and the chord distance.

    The closest piece has an end within (distance to the nearest end + half the
    longest piece) of the point, so only pieces touching those ends are compared.
    """
    ends = cKDTree(route.xyz)
    nearest, _ = ends.query(points, k=1)
    reach = nearest + _longest_piece(route) / 2 + _SAG_M
    lists = ends.query_ball_point(points, reach)
    counts = np.array([len(x) for x in lists], dtype=np.int64)
    owner = np.repeat(np.arange(points.shape[0]), counts)
    end = np.concatenate([np.asarray(x, dtype=np.int64) for x in lists])
    n_pieces = route.segment.size
    # the pieces on either side of each end
    owner = np.concatenate([owner, owner])
    piece = np.concatenate([end - 1, end])
    valid = (piece >= 0) & (piece < n_pieces)
    owner, piece = owner[valid], piece[valid]
    a, b = route.xyz[piece], route.xyz[piece + 1]
    ab = b - a
    denom = np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12)
    t = np.clip(np.einsum("ij,ij->i", points[owner] - a, ab) / denom, 0.0, 1.0)
    gap = np.linalg.norm(points[owner] - (a + t[:, None] * ab), axis=1)
    # the best piece per point: sort by point, then gap, then place along the route
    order = np.lexsort((piece, gap, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    return piece[first], t[first], gap[first]


def _locate(route: _Route, piece: IntArray,
            t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Distance along the route and WGS-84 position of points given by piece and fraction."""
    length = route.along_m[piece + 1] - route.along_m[piece]
    along = route.along_m[piece] + t * length
    seg = route.segment[piece]
    if seg.size == 0:
        return along, np.empty(0), np.empty(0)
    lon, lat, _ = _GEOD.fwd(route.lon[seg], route.lat[seg], route.azimuth[seg],
                            route.start_m[piece] + t * length)
    return along, np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
