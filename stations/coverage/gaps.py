"""Coverage gaps: H3 hexagons of uncovered demand, ranked by how much they miss.

The hexagon size follows the radius (resolution 8, ~0.5 km edges, for a 1 km walk;
resolution 5, ~10 km edges, for a 50 km drive). With demand points, a gap is a hexagon of
uncovered demand, ranked by its weight. Without demand there is no built-up layer in the
project to stand for where people work, so the stations themselves do: gaps are
uncovered hexagons near existing stations (of any kind and status: a planned or
suspended station marks a place where workers are), ranked by the number of stations
nearby.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
from h3.api import basic_int as h3i
from scipy.spatial import cKDTree

from geodata.geodesy import distance_m, to_ecef_m
from geodata.regions import Region, locate, region
from stations.coverage.demand import DemandCover, within_reach

# (largest radius in metres, resolution): hexagon edges of roughly a third to a fifth of it
_BATCH = 8_192  # candidate hexagons first checked for coverage
_RESOLUTIONS = ((600.0, 9), (2_000.0, 8), (6_000.0, 7), (20_000.0, 6), (80_000.0, 5))


@dataclass(frozen=True)
class Gap:
    """One uncovered hexagon.

    Attributes
    ----------
    cell : str
        H3 index.
    lon, lat : float
        Centre of the hexagon (WGS-84).
    uncovered_weight : float
        Demand weight in it that no station reaches (or, without demand, stations nearby).
    points : int
        Demand points (or stations) counted.
    subregion : int
        Position of its sub-region.
    adcode, name : str
        Its sub-region.
    """

    cell: str
    lon: float
    lat: float
    uncovered_weight: float
    points: int
    subregion: int
    adcode: str
    name: str
    county_adcode: str | None = None
    county_name: str | None = None
    nearest_station_id: str | None = None
    nearest_station_m: float | None = None
    basis: str = "demand"
    """``demand`` (ranked by uncovered demand), ``stations_nearby``, or ``empty_region`` (a
    sub-region no counted station reaches at all, after the hexagons)."""

    @property
    def reason(self) -> tuple[str, str]:
        """Why it is ranked where it is, in Chinese and English."""
        if self.basis == "demand":
            return (f"未覆盖需求 {self.uncovered_weight:,.1f}（{self.points:,} 个需求点）",
                    f"uncovered demand {self.uncovered_weight:,.1f} ({self.points:,} points)")
        if self.basis == "empty_region":
            return (f"整个{self.name}没有符合条件的站点，几乎全未覆盖（标在区内一点）",
                    f"no station counts anywhere in {self.name}: almost all of it is "
                    "uncovered (marked at a point inside)")
        return (f"附近有 {self.points:,} 个站点，但都覆盖不到这里",
                f"{self.points:,} stations nearby, none reaches it")

    def boundary(self) -> list[tuple[float, float]]:
        """The hexagon's corners as (lon, lat)."""
        return [(lon, lat) for lat, lon in h3.cell_to_boundary(self.cell)]

    def to_json(self) -> dict[str, Any]:
        return {
            "h3": self.cell,
            "resolution": h3.get_resolution(self.cell),
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "uncovered_weight": round(self.uncovered_weight, 4),
            "points": self.points,
            "adcode": self.adcode,
            "name": self.name,
            "county_adcode": self.county_adcode,
            "county_name": self.county_name,
            "basis": self.basis,
            "reason": " / ".join(self.reason),
            "nearest_station_id": self.nearest_station_id,
            "nearest_station_m": (round(self.nearest_station_m, 1)
                                  if self.nearest_station_m is not None else None),
        }


def gap_resolution(radius_m: float) -> int:
    """The H3 resolution for gaps at this radius (8 for 1 km, 5 for 50 km)."""
    for largest, resolution in _RESOLUTIONS:
        if radius_m <= largest:
            return resolution
    return 4


def demand_gaps(demand: DemandCover, subs: tuple[Region, ...], resolution: int, limit: int
                ) -> list[Gap]:
    """Hexagons of uncovered demand inside the region, the heaviest first."""
    missed = np.flatnonzero(~demand.covered & (demand.subregion >= 0) & (demand.weight > 0))
    if missed.size == 0:
        return []
    cells = [h3.latlng_to_cell(y, x, resolution)
             for x, y in zip(demand.lon[missed].tolist(), demand.lat[missed].tolist(), strict=True)]
    table = pd.DataFrame({"cell": cells, "weight": demand.weight[missed],
                          "subregion": demand.subregion[missed]})
    grouped = table.groupby("cell", sort=False).agg(
        weight=("weight", "sum"), points=("weight", "size"), subregion=("subregion", "first"))
    grouped = grouped.sort_values(["weight", "points"], ascending=False, kind="stable")
    return [_gap(str(cell), float(row["weight"]), int(row["points"]), int(row["subregion"]), subs)
            for cell, row in grouped.head(limit).iterrows()]


def area_gaps(frame: pd.DataFrame, chosen: pd.DataFrame, subs: tuple[Region, ...],
              lookup: dict[str, int], resolution: int, limit: int) -> list[Gap]:
    """Uncovered hexagons near the registry's stations in the region, busiest first.

    Hexagons are integers here (H3's int API) and counted with numpy; only the busiest
    candidates are checked for coverage, a batch at a time, until ``limit`` open ones
    inside the region are found: at national scale most candidates are never looked at.
    """
    if frame.empty or "adcode" not in frame:
        return []
    in_region = frame[frame["adcode"].isin(list(lookup)).to_numpy()]
    lon = pd.to_numeric(in_region["lon"], errors="coerce").to_numpy(np.float64)
    lat = pd.to_numeric(in_region["lat"], errors="coerce").to_numpy(np.float64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return []
    own = np.fromiter((h3i.latlng_to_cell(y, x, resolution)
                       for x, y in zip(lon[ok].tolist(), lat[ok].tolist(), strict=True)),
                      dtype=np.uint64, count=int(ok.sum()))
    cells, per_cell = np.unique(own, return_counts=True)
    reach = _disk_size(float(chosen["radius_m"].min()) if len(chosen) else 0.0, resolution)
    disks = [h3i.grid_disk(int(c), reach) for c in cells.tolist()]
    sizes = np.fromiter((len(d) for d in disks), dtype=np.int64, count=len(disks))
    around = np.fromiter(itertools.chain.from_iterable(disks), dtype=np.uint64,
                         count=int(sizes.sum()))
    candidates, where = np.unique(around, return_inverse=True)
    nearby = np.bincount(where, weights=np.repeat(per_cell, sizes)).astype(np.int64)
    # busiest first; ties by the cell's index (as its hex string sorts)
    order = np.lexsort((candidates, -nearby))
    st_lon, st_lat = chosen["lon"].to_numpy(), chosen["lat"].to_numpy()
    st_radius = chosen["radius_m"].to_numpy()
    found: list[Gap] = []
    start, size = 0, _BATCH
    while start < len(order):
        # growing batches: a region's first few thousand usually hold its gaps, while at
        # national scale the busiest hexagons are mostly covered and more are needed
        batch = order[start:start + size]
        start, size = start + size, size * 8
        centres = np.array([h3i.cell_to_latlng(int(c)) for c in candidates[batch].tolist()])
        c_lon, c_lat = centres[:, 1], centres[:, 0]
        open_ = ~within_reach(c_lon, c_lat, st_lon, st_lat, st_radius)
        if not open_.any():
            continue
        keep = np.flatnonzero(open_)
        adcodes = locate(c_lon[keep], c_lat[keep], max_snap_m=0)["adcode"].to_numpy(object)
        sub = subregion_positions(adcodes, lookup)
        for i, position in zip(keep[sub >= 0].tolist(), sub[sub >= 0].tolist(), strict=True):
            count = int(nearby[batch[i]])
            found.append(_gap(h3i.int_to_str(int(candidates[batch[i]])), float(count), count,
                              int(position), subs))
            if len(found) == limit:
                return found
    return found


def empty_region_gaps(table: pd.DataFrame, subs: tuple[Region, ...], resolution: int,
                      limit: int) -> list[Gap]:
    """Sub-regions with no counted station and under 1% covered, the largest first: the
    whole of such a county is the gap (without demand, hexagons are only found near
    stations, so an empty county would otherwise list nothing)."""
    empty = table[(table["stations"] == 0) & (table["coverage_ratio"] < 0.01)]
    found = []
    for position in empty.sort_values("area_km2", ascending=False).index[:limit].tolist():
        inside = subs[int(position)].geometry.representative_point()
        cell = h3.latlng_to_cell(inside.y, inside.x, resolution)
        found.append(replace(_gap(cell, 0.0, 0, int(position), subs), basis="empty_region"))
    return found


def subregion_positions(adcodes: npt.NDArray[np.object_], lookup: dict[str, int]
                        ) -> npt.NDArray[np.int64]:
    """Position of each county adcode's sub-region, -1 where it has none."""
    return np.array([lookup.get(a, -1) if isinstance(a, str) else -1 for a in adcodes],
                    dtype=np.int64)


def describe_gaps(gaps: list[Gap], chosen: pd.DataFrame, basis: str) -> list[Gap]:
    """Gaps with their county and the distance to the nearest counted station.

    Parameters
    ----------
    gaps : list of Gap
    chosen : pandas.DataFrame
        The stations that count (``id``, ``lon``, ``lat``), inside the region or near it.
    basis : str
        How the gaps were ranked: ``demand`` or ``stations_nearby``.
    """
    if not gaps:
        return []
    lon = np.array([g.lon for g in gaps])
    lat = np.array([g.lat for g in gaps])
    found = locate(lon, lat, max_snap_m=5_000)
    counties = [a if isinstance(a, str) else None for a in found["adcode"].to_numpy(object)]
    names = [region(a).name if a else None for a in counties]
    nearest_id: list[str | None] = [None] * len(gaps)
    nearest_m: list[float | None] = [None] * len(gaps)
    if len(chosen):
        st_lon = chosen["lon"].to_numpy(np.float64)
        st_lat = chosen["lat"].to_numpy(np.float64)
        # the nearest by chord is the nearest by geodesic at these distances; then measured
        _, idx = cKDTree(to_ecef_m(st_lon, st_lat)).query(to_ecef_m(lon, lat))
        metres = distance_m(lon, lat, st_lon[idx], st_lat[idx])
        ids = chosen["id"].to_numpy(object)[idx]
        nearest_id = [str(i) for i in ids]
        nearest_m = [float(m) for m in np.atleast_1d(metres)]
    return [replace(g, county_adcode=c, county_name=n, nearest_station_id=i, nearest_station_m=m,
                    basis=g.basis if g.basis == "empty_region" else basis)
            for g, c, n, i, m in zip(gaps, counties, names, nearest_id, nearest_m, strict=True)]


def _disk_size(radius_m: float, resolution: int) -> int:
    """Rings of hexagons around a station's cell that reach about 1.5 radii out."""
    spacing = math.sqrt(3) * h3.average_hexagon_edge_length(resolution, unit="m")
    return int(min(3, max(1, round(1.5 * radius_m / spacing))))


def _gap(cell: str, weight: float, points: int, sub: int, subs: tuple[Region, ...]) -> Gap:
    lat, lon = h3.cell_to_latlng(cell)
    return Gap(cell, lon, lat, float(weight), int(points), sub, subs[sub].adcode, subs[sub].name)
