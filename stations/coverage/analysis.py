"""Coverage analysis for planners: how much of each district lies within reach of a station.

``analyse(frame, query)`` answers for a table of stations (``Registry.frame()``): the
covered area of every sub-region of the region asked about (province → cities, city →
counties, country → provinces, a county → itself), and, given demand points, the share of
demand within reach, the largest gaps and suggested new sites. Reach is a geodesic circle
of the query's radius around each selected station (see :mod:`stations.coverage.geometry`);
areas are measured on the WGS-84 ellipsoid.

:class:`stations.coverage.service.CoverageService` caches answers per registry revision.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from geodata.regions import Region
from stations.core.clock import china_now
from stations.coverage.absence import Absence, gap_absence, station_absence
from stations.coverage.demand import Demand, DemandCover, cover_demand
from stations.coverage.gaps import (
    Gap,
    area_gaps,
    demand_gaps,
    describe_gaps,
    empty_region_gaps,
    gap_resolution,
)
from stations.coverage.geometry import (
    AreaMeter,
    Pieces,
    RegionCover,
    cover_regions,
    coverage_pieces,
)
from stations.coverage.query import (
    CoverageQuery,
    county_to_subregion,
    query_region,
    region_area_km2,
    subregions,
)
from stations.coverage.reach import (
    NetworkCover,
    NetworkReach,
    apply_network,
    circle_query,
    demand_by_road,
    road_reach_matrix,
)
from stations.coverage.selection import select_stations, subregion_of
from stations.coverage.siting import Suggestion, geodesic_reach, suggest_sites
from stations.coverage.unlocated import count_unlocated
from stations.errors import InvalidInput

if TYPE_CHECKING:
    from stations.network.service import NetworkService

TABLE_COLUMNS = ("adcode", "name", "level", "stations", "unlocated", "area_km2", "covered_km2",
                 "coverage_ratio")


@dataclass(frozen=True)
class CoverageResult:
    """The answer to a coverage question, with what maps need to draw it.

    Attributes
    ----------
    query : CoverageQuery
    region : Region
    subregions : tuple of Region
    table : pandas.DataFrame
        One row per sub-region: ``adcode``, ``name``, ``level``, ``stations``, ``unlocated``
        (stations without coordinates, counted by the region their address gives), ``area_km2``,
        ``covered_km2``, ``coverage_ratio`` and, with demand, ``demand_points``,
        ``demand_weight``, ``covered_weight``, ``demand_coverage_ratio``.
    stations : pandas.DataFrame
        The selected stations in the region: ``id``, ``name``, ``kind``, ``standing``,
        ``lon``, ``lat``, ``radius_m``, ``subregion`` (position in ``subregions`` or -1).
    cover : RegionCover
        Covered shapes clipped to the sub-regions.
    demand : DemandCover or None
    gaps : list of Gap or None
    suggestions : list of Suggestion or None
    revision : int or None
        Registry revision the answer was computed from.
    """

    query: CoverageQuery
    region: Region
    subregions: tuple[Region, ...]
    table: pd.DataFrame
    stations: pd.DataFrame
    cover: RegionCover
    demand: DemandCover | None = None
    gaps: list[Gap] | None = None
    gap_basis: str | None = None
    suggestions: list[Suggestion] | None = None
    revision: int | None = None
    notes: list[str] = field(default_factory=list)
    reach: dict[str, Any] | None = None
    """Road reach used (``network=``): profile, reach, method and networks; else None."""
    unlocated_elsewhere: int = 0
    """Unlocated stations of the region whose address names no single sub-region."""
    absences: list[Absence] = field(default_factory=list)
    """What is not there (no stations, none matching, no gaps), said plainly."""
    computed_at: str = ""
    """When the answer was computed (China time, ISO 8601)."""

    def totals(self) -> dict[str, Any]:
        """The region's own row: the sums over its sub-regions."""
        area = float(self.table["area_km2"].sum())
        covered = float(self.table["covered_km2"].sum())
        row: dict[str, Any] = {
            "adcode": self.region.adcode,
            "name": self.region.name,
            "level": self.region.level,
            "stations": int(self.table["stations"].sum()),
            "unlocated": int(self.table["unlocated"].sum()) + self.unlocated_elsewhere,
            "area_km2": area,
            "covered_km2": covered,
            "coverage_ratio": covered / area if area > 0 else 0.0,
        }
        if self.demand is not None:
            weight = float(self.table["demand_weight"].sum())
            covered_weight = float(self.table["covered_weight"].sum())
            row |= {
                "demand_points": int(self.table["demand_points"].sum()),
                "demand_weight": weight,
                "covered_weight": covered_weight,
                "demand_coverage_ratio": covered_weight / weight if weight > 0 else 0.0,
            }
        return row

    def to_json(self) -> dict[str, Any]:
        """The public answer: ``{"region": {...}, "regions": [...], ...}``."""
        q = self.query
        body: dict[str, Any] = {
            "region": _rounded(self.totals()),
            "by": q.by,
            "radius_m": q.radius_m if q.radius_m is not None else (
                q.max_radius_m if len(set(q.radii_m.values())) == 1 else None),
            "radii_m": q.radii_m,
            "kind": q.kind,
            "compliant_only": q.compliant_only,
            "statuses": list(q.statuses),
            "revision": self.revision,
            "computed_at": self.computed_at,
            "regions": [_rounded(row) for row in self.table.to_dict("records")],
        }
        if self.gaps is not None:
            body["gaps_basis"] = self.gap_basis
            body["gaps"] = [g.to_json() for g in self.gaps]
        if self.suggestions is not None:
            body["suggestions"] = [s.to_json() for s in self.suggestions]
            gained = sum(s.gain_weight for s in self.suggestions)
            total = self.totals().get("demand_weight", 0.0)
            covered = self.totals().get("covered_weight", 0.0)
            body["suggested_coverage"] = _rounded({
                "sites": len(self.suggestions),
                "gain_weight": gained,
                "demand_coverage_ratio_before": covered / total if total else 0.0,
                "demand_coverage_ratio_after": (covered + gained) / total if total else 0.0,
            })
        if self.reach is not None:
            body["reach"] = self.reach
        if self.notes:
            body["notes"] = list(self.notes)
        body["empty"] = [a.to_json() for a in self.absences]
        return body


# One analysis at a time per process. The region geometries come from geodata's
# per-process cache and are shared by every request thread; GEOS prepares them (and
# builds their lazy indexes) in place, which is not thread-safe: two analyses of the
# same region at once crashed the server with a segfault.
_ANALYSIS_LOCK = threading.Lock()


def analyse(
    frame: pd.DataFrame,
    query: CoverageQuery,
    *,
    demand: Demand | None = None,
    gaps: bool = False,
    suggest: int = 0,
    revision: int | None = None,
    gap_limit: int = 50,
    reach: NetworkReach | None = None,
    networks: NetworkService | None = None,
    shared: Callable[[pd.DataFrame | None], Pieces] | None = None,
) -> CoverageResult:
    """Covered area (and demand) per sub-region for the stations of ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Stations: ``id``, ``name``, ``kind``, ``status``, ``lon``, ``lat``, ``adcode`` and,
        for ``compliant_only``, ``standing``.
    query : CoverageQuery
        From :func:`stations.coverage.query.parse_query`.
    demand : Demand, optional
        Weighted demand points; adds demand coverage per sub-region.
    gaps : bool
        Also rank uncovered H3 hexagons (of demand, or near stations without demand).
    suggest : int
        Propose this many new sites (needs ``demand``).
    revision : int, optional
        Registry revision, reported back.
    gap_limit : int
        Most gaps listed.
    reach : NetworkReach, optional
        Reach along roads (see :mod:`stations.coverage.reach`) where ``networks`` has a
        network of its profile for the county; circles of the same reach elsewhere.
    networks : NetworkService, optional
    shared : callable, optional
        Returns :func:`national_pieces` for this question (kept by the caller, so that a
        province asked after the country, or the country by county, reuses them); given the
        selected stations when the region is the country, else None.

    Returns
    -------
    CoverageResult
    """
    with _ANALYSIS_LOCK:
        return _analyse(frame, query, demand=demand, gaps=gaps, suggest=suggest,
                        revision=revision, gap_limit=gap_limit, road=reach, networks=networks,
                        shared=shared)


def _analyse(
    frame: pd.DataFrame,
    query: CoverageQuery,
    *,
    demand: Demand | None,
    gaps: bool,
    suggest: int,
    revision: int | None,
    gap_limit: int,
    road: NetworkReach | None = None,
    networks: NetworkService | None = None,
    shared: Callable[[pd.DataFrame | None], Pieces] | None = None,
) -> CoverageResult:
    if road is not None:
        query = circle_query(query, road)
    top = query_region(query)
    subs = subregions(query)
    sub_geoms = np.array([s.geometry for s in subs], dtype=object)
    chosen = select_stations(frame, query, top)
    centre = top.geometry.envelope.centroid
    meter = AreaMeter(round(centre.x, 1), round(centre.y, 1))
    if shared is not None and road is None:
        # the whole country's covered shapes, computed once for these stations and radii:
        # the region's sub-regions only pick and clip the pieces over them
        pieces = shared(chosen if top.level == "country" else None)
    else:
        pieces = coverage_pieces(chosen["lon"].to_numpy(), chosen["lat"].to_numpy(),
                                 chosen["radius_m"].to_numpy(), meter)
    cover = cover_regions(pieces, sub_geoms, meter)
    lookup = county_to_subregion(query.region, query.level, query.by)
    chosen = chosen.assign(subregion=subregion_of(chosen["adcode"], lookup))
    in_region = chosen[chosen["subregion"] >= 0]
    net = None
    if road is not None:
        if networks is None:
            raise InvalidInput("network", "没有可用的路网 / no road networks here")
        net = apply_network(road, networks, frame, query, sub_geoms, lookup, pieces, cover, meter,
                            (float(centre.x), float(centre.y)))
        cover = net.cover
    table = _table(subs, cover, np.bincount(in_region["subregion"], minlength=len(subs)))
    unlocated, unlocated_elsewhere = count_unlocated(frame, query, top, subs)
    table.insert(table.columns.get_loc("stations") + 1, "unlocated", unlocated)
    if net is not None:
        table = _add_circles(table, net)
    demand_cover = None
    notes: list[str] = [net.note(road)] if net is not None and road is not None else []
    if demand is not None:
        demand_cover = cover_demand(demand, chosen, lookup)
        if net is not None and road is not None and networks is not None:
            demand_cover = replace(demand_cover, covered=demand_by_road(
                net, road, networks, demand_cover.lon, demand_cover.lat, demand_cover.covered))
        table = _add_demand(table, demand_cover, len(subs))
    absent = station_absence(frame, query, lookup, top.name, len(in_region))
    absences = [absent] if absent is not None else []
    found_gaps = None
    basis = None
    if gaps:
        # hexagons sized for the smallest reach that counts: a 1 km station's gaps, not a
        # 50 km driver home's, where both kinds are asked about
        reach = float(chosen["radius_m"].min()) if len(chosen) else query.max_radius_m
        resolution = gap_resolution(reach)
        if demand_cover is not None:
            found_gaps = demand_gaps(demand_cover, subs, resolution, gap_limit)
            basis = "demand"
        else:
            found_gaps = area_gaps(frame, chosen, subs, lookup, resolution, gap_limit)
            found_gaps += empty_region_gaps(table, subs, resolution, gap_limit - len(found_gaps))
            basis = "stations_nearby"
            notes.append(
                "没有需求数据时，空白取自已有站点附近未覆盖的六边形，按附近站点数排序，其后是没有站点的整个"
                "区县（项目暂无建成区图层） / without demand, gaps are uncovered hexagons near existing "
                "stations, ranked by the number of stations nearby, then whole sub-regions no station "
                "reaches (no built-up layer is available)"
            )
        found_gaps = describe_gaps(found_gaps, chosen, basis)
        if not found_gaps:
            absences.append(gap_absence(top.name, no_stations=basis != "demand" and absent is not None
                                        and absent.code == "no_stations"))
    suggestions = None
    if suggest:
        if demand_cover is None:
            raise InvalidInput("suggest", "选址建议需要需求点 / suggesting sites needs demand "
                                          "points (a demand file)")
        matrix = (road_reach_matrix(net, road, networks, geodesic_reach)
                  if net is not None and road is not None and networks is not None else None)
        suggestions = suggest_sites(demand_cover, subs, query, suggest, reach_matrix=matrix)
    return CoverageResult(
        query=query, region=top, subregions=subs, table=table,
        stations=in_region.reset_index(drop=True), cover=cover, demand=demand_cover,
        gaps=found_gaps, gap_basis=basis, suggestions=suggestions, revision=revision, notes=notes,
        reach=net.to_json(road) if net is not None and road is not None else None,
        unlocated_elsewhere=unlocated_elsewhere, absences=absences,
        computed_at=china_now().isoformat(timespec="seconds"),
    )


def _table(subs: tuple[Region, ...], cover: RegionCover, counts: npt.NDArray[np.int64]
           ) -> pd.DataFrame:
    area = np.array([region_area_km2(s.adcode, s.level) for s in subs])
    covered = np.minimum(cover.covered_m2 / 1e6, area)
    return pd.DataFrame({
        "adcode": [s.adcode for s in subs],
        "name": [s.name for s in subs],
        "level": [s.level for s in subs],
        "stations": counts.astype(int),
        "area_km2": area,
        "covered_km2": covered,
        "coverage_ratio": np.divide(covered, area, out=np.zeros_like(area), where=area > 0),
    })


def _add_circles(table: pd.DataFrame, net: NetworkCover) -> pd.DataFrame:
    """Which method each row used, and the circle figure beside it."""
    area = table["area_km2"].to_numpy()
    circle = np.minimum(net.circle_m2 / 1e6, area)
    return table.assign(method=net.methods, circle_covered_km2=circle,
                        circle_coverage_ratio=np.divide(circle, area, out=np.zeros_like(area),
                                                        where=area > 0))


def _add_demand(table: pd.DataFrame, demand: DemandCover, n: int) -> pd.DataFrame:
    inside = demand.subregion >= 0
    where = demand.subregion[inside]
    weight = np.bincount(where, weights=demand.weight[inside], minlength=n)
    covered = np.bincount(where, weights=(demand.weight * demand.covered)[inside], minlength=n)
    return table.assign(
        demand_points=np.bincount(where, minlength=n).astype(int),
        demand_weight=weight,
        covered_weight=covered,
        demand_coverage_ratio=np.divide(covered, weight, out=np.zeros(n), where=weight > 0),
    )


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, np.integer):
            value = int(value)
        elif isinstance(value, float | np.floating):
            value = float(value)
            digits = 6 if key.endswith("ratio") else 4
            value = round(value, digits)
        out[key] = value
    return out

