"""Regions as features for GIS clients: provinces, cities and counties with their stations
and coverage, ready to style as a choropleth.

Each region carries its active stations per kind and the share of its area within reach
of them at each kind's default radius (1 km for outdoor-worker stations, 50 km for driver
homes; :data:`stations.coverage.query.DEFAULT_RADIUS_M`). Boundaries are the bundled ones
simplified once more per level (``coverage_simplify`` keeps neighbours sharing edges): a
national layer of 2,891 counties is a few megabytes, not tens.

:func:`region_coverage` is the one place that asks the coverage service for these figures.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata.regions import regions_frame
from stations.core.filters import adcode_prefix
from stations.core.paging import Cursor, Page, page_of_sorted
from stations.core.vocab import KINDS
from stations.coverage.query import DEFAULT_RADIUS_M, CoverageQuery
from stations.coverage.service import CoverageService
from stations.errors import InvalidInput, NotFound

LAYER_LEVELS = ("province", "city", "county")
# tolerance of the extra simplification, in degrees (0.01° ≈ 1 km)
SIMPLIFY_DEG = {"province": 0.02, "city": 0.01, "county": 0.01}


@dataclass(frozen=True)
class RegionFeature:
    """One region as a feature: ``id`` is ``{level}-{adcode}`` (a city and its only county
    may share an adcode)."""

    id: str
    level: str
    adcode: str
    geometry: shapely.Geometry
    properties: dict[str, Any]


def ratio_column(kind: str) -> str:
    return f"{kind}_coverage_ratio"


def count_column(kind: str) -> str:
    return f"{kind}_count"


def region_coverage(coverage: CoverageService, level: str) -> pd.DataFrame:
    """Active stations and covered share of area, per kind, for every region of a level.

    Counties partition cities and provinces, so one analysis by county per kind is summed
    up to the other levels (covered area and stations add up; the area of a city is the
    area of its counties).

    Parameters
    ----------
    coverage : CoverageService
    level : str
        ``province``, ``city`` or ``county``.

    Returns
    -------
    pandas.DataFrame
        Indexed by adcode: ``area_km2``, ``stations`` and, for each kind,
        ``{kind}_count`` and ``{kind}_coverage_ratio`` (at the kind's default radius).
    """
    counties = _county_sums(coverage)
    if level != "county":
        counties = counties.groupby(counties[level]).sum(numeric_only=True)
    frame = pd.DataFrame({"area_km2": counties["area_km2"]})
    frame["stations"] = sum(counties[count_column(k)] for k in KINDS)
    for kind in KINDS:
        frame[count_column(kind)] = counties[count_column(kind)]
        frame[ratio_column(kind)] = (counties[f"{kind}_covered_km2"]
                                     / counties["area_km2"].where(counties["area_km2"] > 0))
    return frame


def _county_sums(coverage: CoverageService) -> pd.DataFrame:
    """Per county: area, and active stations and covered km² per kind, with the county's
    city and province adcodes (the one place asking the coverage service)."""
    parts = {}
    for kind in KINDS:
        table = coverage.analyse(CoverageQuery(by="county", kind=kind)).table.set_index("adcode")
        parts["area_km2"] = table["area_km2"]
        parts[count_column(kind)] = table["stations"]
        parts[f"{kind}_covered_km2"] = table["covered_km2"]
    frame = pd.DataFrame(parts)
    parents = _parents()
    frame["city"] = parents["city"].reindex(frame.index)
    frame["province"] = parents["province"].reindex(frame.index)
    return frame


@functools.lru_cache(maxsize=1)
def _parents() -> pd.DataFrame:
    """County adcode → its city (itself for counties of municipalities, which have none)
    and province."""
    counties = regions_frame("county")
    cities = regions_frame("city").set_index("adcode")["parent_adcode"]
    provinces = set(regions_frame("province")["adcode"])
    rows = {}
    for adcode, parent in zip(counties["adcode"], counties["parent_adcode"], strict=True):
        if parent in provinces:  # a municipality's county: no city above it
            rows[adcode] = (None, parent)
        else:
            rows[adcode] = (parent, cities.get(parent))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["city", "province"])


@functools.lru_cache(maxsize=len(LAYER_LEVELS))
def simplified_regions(level: str) -> pd.DataFrame:
    """Regions of a level with simplified boundaries: ``adcode``, ``name``,
    ``parent_adcode``, ``geometry`` (shapely, WGS-84) and ``bounds`` (w, s, e, n)."""
    frame = regions_frame(level)
    geometry = shapely.coverage_simplify(frame.geometry.to_numpy(), SIMPLIFY_DEG[level])
    return pd.DataFrame({
        "adcode": frame["adcode"].to_numpy(object),
        "name": frame["name"].to_numpy(object),
        "parent_adcode": frame["parent_adcode"].to_numpy(object),
        "geometry": geometry,
        "bounds": [tuple(b) for b in shapely.bounds(geometry).tolist()],
    })


class RegionLayer:
    """The regions as features, with statistics of the registry as it is now.

    Features are rebuilt when the registry's revision changes (the coverage service caches
    the analyses behind them per revision too).
    """

    def __init__(self, coverage: CoverageService) -> None:
        self.coverage = coverage
        self._lock = threading.Lock()
        self._built: tuple[int, list[RegionFeature], list[str]] | None = None

    def features(self) -> tuple[list[RegionFeature], list[str]]:
        """Every region feature and their ids, in id order."""
        revision = self.coverage.registry.revision()
        built = self._built
        if built is not None and built[0] == revision:
            return built[1], built[2]
        with self._lock:
            built = self._built
            if built is None or built[0] != revision:
                features = sorted(
                    (f for level in LAYER_LEVELS for f in self._level(level)), key=lambda f: f.id)
                built = (revision, features, [f.id for f in features])
                self._built = built
        return built[1], built[2]

    def _level(self, level: str) -> list[RegionFeature]:
        regions = simplified_regions(level)
        stats = region_coverage(self.coverage, level).reindex(regions["adcode"])
        out = []
        for i, (adcode, name, parent, geometry) in enumerate(zip(
                regions["adcode"], regions["name"], regions["parent_adcode"], regions["geometry"],
                strict=True)):
            row = stats.iloc[i]
            properties: dict[str, Any] = {
                "adcode": adcode, "name": name, "level": level, "parent_adcode": parent,
                "area_km2": _number(row["area_km2"], 2),
                "stations": _count(row["stations"]),
            }
            for kind in KINDS:
                properties[count_column(kind)] = _count(row[count_column(kind)])
                properties[ratio_column(kind)] = _number(row[ratio_column(kind)], 6)
            out.append(RegionFeature(f"{level}-{adcode}", level, adcode, geometry, properties))
        return out

    def page(self, *, levels: tuple[str, ...] = (), adcode: str | None = None,
             bbox: tuple[float, float, float, float] | None = None, cursor: Cursor = Cursor(),
             limit: int = 100) -> tuple[Page[RegionFeature], int]:
        """One page of the regions that match, and how many match."""
        for level in levels:
            if level not in LAYER_LEVELS:
                raise InvalidInput("level", f"未知的行政级别 / unknown level {level!r}; 可选 / one "
                                            f"of {', '.join(LAYER_LEVELS)}")
        prefix = adcode_prefix(adcode) if adcode and adcode != "100000" else None
        features, _ = self.features()
        chosen = [f for f in features
                  if (not levels or f.level in levels)
                  and (prefix is None or f.adcode.startswith(prefix))]
        if bbox is not None:
            chosen = _intersecting(chosen, bbox)
        return page_of_sorted(chosen, [f.id for f in chosen], cursor, limit), len(chosen)

    def get(self, feature_id: str) -> RegionFeature:
        features, ids = self.features()
        found = np.searchsorted(ids, feature_id)
        if found < len(ids) and ids[found] == feature_id:
            return features[found]
        raise NotFound(f"没有这个行政区 {feature_id!r} / no region feature {feature_id!r} "
                       "(ids are level-adcode, e.g. city-410100)")

    @staticmethod
    def extent() -> tuple[float, float, float, float]:
        """Bounds of every region (the country)."""
        west, south, east, north = shapely.total_bounds(simplified_regions("province")["geometry"])
        return float(west), float(south), float(east), float(north)

    @staticmethod
    def radii_m() -> dict[str, float]:
        """The radius each kind's coverage ratio is measured at."""
        return dict(DEFAULT_RADIUS_M)


def _intersecting(features: list[RegionFeature], bbox: tuple[float, float, float, float]
                  ) -> list[RegionFeature]:
    west, south, east, north = bbox
    boxes = ([shapely.box(west, south, east, north)] if west <= east
             else [shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)])
    geoms = np.array([f.geometry for f in features], dtype=object)
    hit = np.zeros(len(features), dtype=bool)
    for box in boxes:
        hit |= shapely.intersects(geoms, box)
    return [f for f, h in zip(features, hit.tolist(), strict=True) if h]


def _count(value: Any) -> int:
    return 0 if pd.isna(value) else int(value)


def _number(value: Any, digits: int) -> float:
    return 0.0 if pd.isna(value) else round(float(value), digits)
