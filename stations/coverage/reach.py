"""Reach along roads: network coverage that plugs into the circle analysis.

A :class:`NetworkReach` (``network=walk``, ``minutes=15`` or ``reach_m``, ``buffer_m``)
turns :func:`stations.coverage.analysis.analyse` from circles to roads where a road
network of that profile serves the county (:mod:`stations.network`): covered area is the
stretches of road within reach of a station, buffered; demand points are covered when
their road cost to the nearest station is within reach; siting measures a new site's reach
by road. Counties no network serves keep the circles of the same reach (``minutes`` at the
profile's circle speed), and every sub-region says which was used (``method``: ``network``,
``circle`` or ``mixed``), beside the circle figure for comparison.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.sparse import csr_matrix

from geodata.regions import locate, region
from stations.coverage.geometry import AreaMeter, Pieces, RegionCover, cover_regions
from stations.coverage.query import CoverageQuery
from stations.errors import InvalidInput
from stations.network.cover import DEFAULT_BUFFER_M, covered_stretches, raster_regions, rasterize
from stations.network.graph import snap
from stations.network.nearest import costs_from_field, costs_to_place
from stations.network.profiles import PROFILES, Profile, get_profile
from stations.network.service import NetworkService
from stations.network.store import NetworkInfo

MAX_MINUTES = 240.0
MAX_BUFFER_M = 500.0
DEFAULT_MINUTES = 15.0
ReachMatrix = Callable[..., Any]


@dataclass(frozen=True)
class NetworkReach:
    """Reach by road: a profile and minutes or metres (hashable: part of cache keys)."""

    profile: str
    minutes: float | None = None
    reach_m: float | None = None
    buffer_m: float = DEFAULT_BUFFER_M

    @property
    def travel(self) -> Profile:
        return PROFILES[self.profile]

    @property
    def weight(self) -> str:
        return "time" if self.minutes is not None else "length"

    @property
    def reach(self) -> float:
        """Reach in the weight's unit (seconds or metres)."""
        return self.minutes * 60.0 if self.minutes is not None else float(self.reach_m or 0.0)

    @property
    def circle_radius_m(self) -> float:
        """The radius of the circles drawn for comparison (and where no network serves)."""
        if self.minutes is not None:
            return self.travel.circle_radius_m(self.minutes)
        return float(self.reach_m or 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"network": self.profile, "minutes": self.minutes, "reach_m": self.reach_m,
                "buffer_m": self.buffer_m, "circle_radius_m": round(self.circle_radius_m, 1)}


def parse_reach(network: Any = None, *, minutes: Any = None, reach_m: Any = None,
                buffer_m: Any = None) -> NetworkReach | None:
    """Check the road-reach part of a coverage question (``None``: circles only).

    Raises
    ------
    InvalidInput
        Naming ``network``, ``minutes``, ``reach_m`` or ``buffer_m``.
    """
    if network is None or network == "":
        for name, value in (("minutes", minutes), ("reach_m", reach_m), ("buffer_m", buffer_m)):
            if value is not None:
                raise InvalidInput(name, f"需要同时指定路网 network=walk|bike|drive / {name} needs "
                                         "a network (walk, bike or drive)")
        return None
    profile = get_profile(network, "network")
    if minutes is not None and reach_m is not None:
        raise InvalidInput("minutes", "分钟数与米数只能给一个 / give minutes or reach_m, not both")
    if minutes is None and reach_m is None:
        minutes = DEFAULT_MINUTES
    return NetworkReach(
        profile=profile.name,
        minutes=_positive("minutes", minutes, MAX_MINUTES, "分钟 / minutes") if minutes is not None else None,
        reach_m=_positive("reach_m", reach_m, 200_000.0, "米 / metres") if reach_m is not None else None,
        buffer_m=(_positive("buffer_m", buffer_m, MAX_BUFFER_M, "米 / metres")
                  if buffer_m is not None else DEFAULT_BUFFER_M),
    )


def _positive(name: str, value: Any, most: float, unit: str) -> float:
    ok = (not isinstance(value, bool) and isinstance(value, numbers.Real)
          and math.isfinite(float(value)) and 0 < float(value) <= most)
    if not ok:
        raise InvalidInput(name, f"必须是大于 0 且不超过 {most:g} 的数 / must be a number above 0 "
                                 f"and at most {most:g} {unit}, not {value!r}")
    return float(value)


def circle_query(query: CoverageQuery, reach: NetworkReach) -> CoverageQuery:
    """The question with every station's circle at the reach's radius."""
    from dataclasses import replace

    return replace(query, radius_m=float(round(reach.circle_radius_m)))


@dataclass(frozen=True)
class NetworkCover:
    """What road reach changed in an analysis."""

    cover: RegionCover
    circle_m2: npt.NDArray[np.float64]
    methods: list[str]
    used: list[NetworkInfo]
    served: dict[str, NetworkInfo]
    fields: dict[int, Any]

    def note(self, reach: NetworkReach) -> str:
        """One line for reports and map legends: what was measured how."""
        profile = reach.travel
        how = (f"{reach.minutes:g} 分钟 / minutes" if reach.minutes is not None
               else f"{reach.reach_m:,.0f} m")
        roads = sum(m != "circle" for m in self.methods)
        return (f"沿路网{profile.zh} {how}（道路两侧 {reach.buffer_m:g} m）：{roads}/{len(self.methods)} "
                f"个分区有路网，其余用 {reach.circle_radius_m:,.0f} m 圆 / along {profile.name} roads "
                f"({how}, {reach.buffer_m:g} m each side): {roads} of {len(self.methods)} areas have "
                f"a network, the rest use {reach.circle_radius_m:,.0f} m circles")

    def to_json(self, reach: NetworkReach) -> dict[str, Any]:
        methods = set(self.methods)
        method = methods.pop() if len(methods) == 1 else "mixed"
        return {**reach.to_json(), "method": method if self.methods else "circle",
                "networks": [n.to_json() for n in self.used]}


def apply_network(reach: NetworkReach, networks: NetworkService, frame: pd.DataFrame,
                  query: CoverageQuery, sub_geoms: npt.NDArray[np.object_],
                  lookup: dict[str, int], circle_pieces: Pieces, circle: RegionCover,
                  meter: AreaMeter, centre: tuple[float, float]) -> NetworkCover:
    """Covered area per sub-region along roads where a network serves, circles elsewhere."""
    profile = reach.travel
    served = networks.serving(profile.name, list(lookup))
    n = len(sub_geoms)
    counties_of: list[list[str]] = [[] for _ in range(n)]
    for adcode, i in lookup.items():
        counties_of[i].append(adcode)
    covered = np.zeros(n)
    shapes: list[Any] = []
    shape_region: list[Any] = []
    used = sorted({info.id: info for info in served.values()}.values(), key=lambda i: i.id)
    fields: dict[int, Any] = {}
    for info in used:
        targets = np.array([_served_part(sub_geoms[i], counties_of[i], served, info.id)
                            for i in range(n)], dtype=object)
        graph = networks.graph(info.id)
        field = _field(networks, info, profile, reach, frame, query)
        fields[info.id] = field
        raster = rasterize(graph, covered_stretches(graph, field, reach.reach, profile.access_kmh),
                           reach.buffer_m, centre)
        area, found, owner = raster_regions(raster, list(targets))
        covered += area
        shapes.append(found)
        shape_region.append(owner)
    methods = []
    rest = np.empty(n, dtype=object)
    for i in range(n):
        mine = [c for c in counties_of[i] if c in served]
        methods.append("circle" if not mine else "network" if len(mine) == len(counties_of[i])
                       else "mixed")
        rest[i] = None
        if methods[i] == "mixed":
            rest[i] = shapely.difference(sub_geoms[i], shapely.union_all(
                [region(c, level="county").geometry for c in mine]))
    plain = np.array([m == "circle" for m in methods])
    covered[plain] += circle.covered_m2[plain]
    keep = plain[circle.shape_region] if len(circle.shape_region) else np.zeros(0, bool)
    shapes.append(circle.shapes[keep])
    shape_region.append(circle.shape_region[keep])
    if any(m == "mixed" for m in methods):
        part = cover_regions(circle_pieces, rest, meter)
        covered += part.covered_m2
        shapes.append(part.shapes)
        shape_region.append(part.shape_region)
    combined = RegionCover(covered, np.concatenate(shapes) if shapes else np.empty(0, object),
                           np.concatenate(shape_region).astype(np.int64) if shape_region
                           else np.empty(0, np.int64))
    return NetworkCover(combined, circle.covered_m2, methods, used, served, fields)


def _served_part(geometry: Any, counties: list[str], served: dict[str, NetworkInfo],
                 network_id: int) -> Any:
    mine = [c for c in counties if c in served and served[c].id == network_id]
    if not mine:
        return None
    if len(mine) == len(counties):
        return geometry
    return shapely.union_all([region(c, level="county").geometry for c in mine])


def _field(networks: NetworkService, info: NetworkInfo, profile: Profile, reach: NetworkReach,
           frame: pd.DataFrame, query: CoverageQuery) -> Any:
    """The nearest-station field of the stations that count, near the network."""
    stations = stations_near(frame, query, info.bounds, reach)
    keys = tuple(zip(stations["id"].tolist(), stations["lon"].tolist(), stations["lat"].tolist(),
                     strict=True))
    selection = (query.kinds, query.statuses, query.compliant_only)
    return networks.field(info, profile, reach.weight, selection, keys,
                          stations["lon"].to_numpy(), stations["lat"].to_numpy())


def stations_near(frame: pd.DataFrame, query: CoverageQuery,
                  bounds: tuple[float, float, float, float], reach: NetworkReach) -> pd.DataFrame:
    """Stations of the question's kinds, statuses and standing within reach of ``bounds``."""
    if frame.empty:
        return pd.DataFrame({"id": [], "lon": [], "lat": []})
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(np.float64)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(np.float64)
    margin = (reach.reach_m if reach.reach_m is not None
              else reach.reach * max(reach.travel.speeds_kmh.values()) / 3.6) / 90_000.0
    west, south, east, north = bounds
    with np.errstate(invalid="ignore"):
        ok = (np.isfinite(lon) & np.isfinite(lat) & (lon >= west - margin) & (lon <= east + margin)
              & (lat >= south - margin) & (lat <= north + margin))
    ok &= frame["status"].isin(query.statuses).to_numpy() & frame["kind"].isin(query.kinds).to_numpy()
    if query.compliant_only:
        ok &= (frame["standing"] == "compliant").to_numpy() if "standing" in frame else False
    rows = np.flatnonzero(ok)
    order = rows[np.argsort(frame["id"].to_numpy(object)[rows].astype(str), kind="stable")]
    return pd.DataFrame({"id": frame["id"].to_numpy(object)[order], "lon": lon[order],
                         "lat": lat[order]})


def demand_by_road(net: NetworkCover, reach: NetworkReach, networks: NetworkService,
                   lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64],
                   covered: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Demand coverage with points in served counties judged by road."""
    if not net.served or lon.size == 0:
        return covered
    out = covered.copy()
    adcodes = locate(lon, lat)["adcode"].to_numpy(object)
    profile = reach.travel
    for info in net.used:
        rows = np.flatnonzero([isinstance(a, str) and a in net.served and net.served[a].id == info.id
                               for a in adcodes])
        if rows.size == 0:
            continue
        graph = networks.graph(info.id)
        points = snap(graph, lon[rows], lat[rows], profile.max_snap_m)
        cost = costs_from_field(graph, net.fields[info.id], profile, points)
        out[rows] = cost <= reach.reach
    return out


def road_reach_matrix(net: NetworkCover, reach: NetworkReach, networks: NetworkService,
                      geodesic: ReachMatrix) -> ReachMatrix:
    """Siting's reach matrix: by road for demand in served counties, geodesic elsewhere."""
    profile = reach.travel
    search_m = (reach.reach_m if reach.reach_m is not None
                else reach.reach * max(profile.speeds_kmh.values()) / 3.6) + profile.max_snap_m

    def matrix(a_lon: Any, a_lat: Any, b_lon: Any, b_lat: Any, radius: float) -> csr_matrix:
        base = geodesic(a_lon, a_lat, b_lon, b_lat, radius).tocsr()
        if not net.served or len(b_lon) == 0 or len(a_lon) == 0:
            return base
        adcodes = locate(b_lon, b_lat)["adcode"].to_numpy(object)
        owner = np.array([net.served[a].id if isinstance(a, str) and a in net.served else -1
                          for a in adcodes])
        keep = base.multiply(csr_matrix((owner < 0).astype(float)[None, :])).tocsr()
        rows: list[Any] = [keep]
        for info in net.used:
            cols = np.flatnonzero(owner == info.id)
            if cols.size == 0:
                continue
            graph = networks.graph(info.id)
            points = snap(graph, np.asarray(b_lon)[cols], np.asarray(b_lat)[cols], profile.max_snap_m)
            ii: list[int] = []
            jj: list[int] = []
            for i, (x, y) in enumerate(zip(np.asarray(a_lon).tolist(), np.asarray(a_lat).tolist(),
                                           strict=True)):
                cost = costs_to_place(graph, profile, x, y, points, search_m, reach.weight)
                hit = cols[cost <= reach.reach]
                ii.extend([i] * hit.size)
                jj.extend(hit.tolist())
            rows.append(csr_matrix((np.ones(len(ii)), (ii, jj)), shape=base.shape))
        total = rows[0]
        for extra in rows[1:]:
            total = total + extra
        return (total > 0).astype(float).tocsr()

    return matrix
