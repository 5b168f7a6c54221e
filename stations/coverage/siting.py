"""Where should the next stations go? A maximal covering location model (MCLP).

Given uncovered demand and a radius, choose N new sites that bring the most demand within
reach, with the existing stations kept as they are. Candidate sites are the centres of the
H3 hexagons holding uncovered demand and of their neighbours
(:func:`stations.coverage.gaps.gap_resolution`), the most promising few hundred by the uncovered
demand they could reach. Demand is grouped into
hexagons two resolutions finer (their weighted centres stand for them). PySAL's
``spopt.locate.MCLP`` solves the model with the CBC solver that ships with PuLP; the
existing network enters as one predefined facility that reaches exactly the demand already
covered — the same as one fixed facility per station, at a fraction of the size.

The chosen sites are then ranked greedily by what each adds, measured exactly on the
demand points: each site's ``gain_weight`` is the demand it reaches that neither the
existing stations nor the sites listed before it reach.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geodata.geodesy import distance_m, to_ecef_m
from geodata.regions import Region
from stations.coverage.demand import DemandCover
from stations.coverage.gaps import gap_resolution
from stations.coverage.query import CoverageQuery

MAX_CANDIDATES = 200
MAX_CLIENTS = 1_500
_FAR = 1e12  # "out of reach" in the cost matrix
SOLVER_SECONDS = 60
ReachMatrix = Callable[..., Any]


@dataclass(frozen=True)
class Suggestion:
    """A proposed new station and the demand it would add.

    Attributes
    ----------
    rank : int
        1 for the site adding the most.
    lon, lat : float
        WGS-84 location (the centre of an H3 hexagon).
    cell : str
        That hexagon.
    radius_m : float
        Reach assumed for the new station.
    gain_weight : float
        Demand weight newly within reach, beyond existing stations and higher-ranked sites.
    gain_points : int
        Demand points newly within reach.
    adcode, name : str
        Sub-region of the site ("" if outside every sub-region).
    """

    rank: int
    lon: float
    lat: float
    cell: str
    radius_m: float
    gain_weight: float
    gain_points: int
    adcode: str
    name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "lon": round(self.lon, 6), "lat": round(self.lat, 6),
            "h3": self.cell, "radius_m": self.radius_m,
            "gain_weight": round(self.gain_weight, 4), "gain_points": self.gain_points,
            "adcode": self.adcode, "name": self.name,
        }


def site_radius(query: CoverageQuery) -> float:
    """Reach of a new station: the query's radius, else its kind's, else the smallest."""
    if query.radius_m is not None:
        return query.radius_m
    return min(query.radii_m.values())


def suggest_sites(demand: DemandCover, subs: tuple[Region, ...], query: CoverageQuery, n: int,
                  *, reach_matrix: ReachMatrix | None = None) -> list[Suggestion]:
    """Propose up to ``n`` new sites that add the most covered demand in the region.

    Parameters
    ----------
    demand : DemandCover
        Demand points, which are covered, and the selected stations.
    subs : tuple of Region
        Sub-regions (demand outside them is ignored).
    query : CoverageQuery
    n : int
        Number of sites wanted.
    reach_matrix : callable, optional
        ``(a_lon, a_lat, b_lon, b_lat, radius)`` → sparse matrix of which ``b`` each ``a``
        reaches; default geodesic (:func:`geodesic_reach`), by road with a network
        (:func:`stations.coverage.reach.road_reach_matrix`).

    Returns
    -------
    list of Suggestion
        Fewer than ``n`` when fewer sites add anything.
    """
    radius = site_radius(query)
    inside = (demand.subregion >= 0) & (demand.weight > 0)
    lon, lat, weight = demand.lon[inside], demand.lat[inside], demand.weight[inside]
    covered, sub = demand.covered[inside], demand.subregion[inside]
    if n <= 0 or covered.all():
        return []
    matrix = reach_matrix or geodesic_reach
    cand_lon, cand_lat, cand_cell = _candidates(lon[~covered], lat[~covered], weight[~covered],
                                                radius, matrix)
    chosen = _solve(lon, lat, weight, covered, cand_lon, cand_lat, radius, n, matrix)
    return _rank(lon, lat, weight, covered, sub, cand_lon[chosen], cand_lat[chosen],
                 [cand_cell[i] for i in chosen], radius, subs, matrix)


def _candidates(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64],
                weight: npt.NDArray[np.float64], radius: float, matrix: ReachMatrix
                ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]]:
    """Centres of the hexagons of uncovered demand that could reach the most of it."""
    resolution = gap_resolution(radius)
    demand_cells = {h3.latlng_to_cell(y, x, resolution)
                    for x, y in zip(lon.tolist(), lat.tolist(), strict=True)}
    # and their neighbours: the best place for one station may lie between two clusters
    cells = sorted({n for c in demand_cells for n in h3.grid_disk(c, 1)})
    centres = np.array([h3.cell_to_latlng(c) for c in cells])
    c_lon, c_lat = centres[:, 1], centres[:, 0]
    reach = matrix(c_lon, c_lat, lon, lat, radius)
    gain = np.asarray(reach @ weight).ravel()
    best = np.argsort(-gain, kind="stable")[:MAX_CANDIDATES]
    best = best[gain[best] > 0]
    return c_lon[best], c_lat[best], [cells[i] for i in best]


def _solve(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64],
           weight: npt.NDArray[np.float64], covered: npt.NDArray[np.bool_],
           cand_lon: npt.NDArray[np.float64], cand_lat: npt.NDArray[np.float64],
           radius: float, n: int, matrix: ReachMatrix) -> list[int]:
    """Positions of the candidates the MCLP picks."""
    import pulp
    from spopt.locate import MCLP

    if len(cand_lon) == 0:
        return []
    c_lon, c_lat, c_weight, c_covered = _clients(lon, lat, weight, covered, cand_lon, cand_lat,
                                                 radius, matrix)
    reach = matrix(cand_lon, cand_lat, c_lon, c_lat, radius).T.toarray()
    cost = np.where(reach, 0.0, _FAR)
    existing = np.where(c_covered, 0.0, _FAR)[:, None]
    cost = np.hstack([cost, existing])
    sites = min(n, len(cand_lon))
    fixed = np.zeros(cost.shape[1], dtype=int)
    fixed[-1] = 1
    with warnings.catch_warnings():  # PuLP 3 announces its 4.0 API; the CBC it ships still runs
        warnings.simplefilter("ignore", DeprecationWarning)
        model = MCLP.from_cost_matrix(cost, c_weight, service_radius=radius,
                                      p_facilities=sites + 1, predefined_facilities_arr=fixed)
        model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=SOLVER_SECONDS))
    return [j for j, var in enumerate(model.fac_vars[:-1]) if (var.value() or 0) > 0.5]


def _clients(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64],
             weight: npt.NDArray[np.float64], covered: npt.NDArray[np.bool_],
             cand_lon: npt.NDArray[np.float64], cand_lat: npt.NDArray[np.float64], radius: float,
             matrix: ReachMatrix) -> tuple[npt.NDArray[np.float64], ...]:
    """Demand within reach of a candidate, grouped into fine hexagons (weighted centres)."""
    near = np.asarray(matrix(cand_lon, cand_lat, lon, lat, radius).sum(axis=0)).ravel() > 0
    lon, lat, weight, covered = lon[near], lat[near], weight[near], covered[near]
    resolution = min(gap_resolution(radius) + 2, 15)
    while True:
        cells = [h3.latlng_to_cell(y, x, resolution)
                 for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]
        frame = pd.DataFrame({"cell": cells, "covered": covered, "w": weight,
                              "wx": weight * lon, "wy": weight * lat})
        grouped = frame.groupby(["cell", "covered"], sort=True).sum()
        if len(grouped) <= MAX_CLIENTS or resolution <= gap_resolution(radius):
            break
        resolution -= 1
    w = grouped["w"].to_numpy()
    safe = np.where(w > 0, w, 1.0)
    return (grouped["wx"].to_numpy() / safe, grouped["wy"].to_numpy() / safe, w,
            grouped.index.get_level_values("covered").to_numpy(bool))


def geodesic_reach(a_lon: npt.NDArray[np.float64], a_lat: npt.NDArray[np.float64],
                  b_lon: npt.NDArray[np.float64], b_lat: npt.NDArray[np.float64], radius: float
                  ) -> Any:
    """Sparse boolean matrix: a[i] within ``radius`` (geodesic) of b[j]."""
    from scipy.sparse import csr_matrix

    tree_a, tree_b = cKDTree(to_ecef_m(a_lon, a_lat)), cKDTree(to_ecef_m(b_lon, b_lat))
    pairs = tree_a.sparse_distance_matrix(tree_b, radius, output_type="ndarray")
    i, j = pairs["i"], pairs["j"]
    if len(i):
        metres = np.atleast_1d(distance_m(a_lon[i], a_lat[i], b_lon[j], b_lat[j]))
        i, j = i[metres <= radius], j[metres <= radius]
    return csr_matrix((np.ones(len(i)), (i, j)), shape=(len(a_lon), len(b_lon)))


def _rank(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64],
          weight: npt.NDArray[np.float64], covered: npt.NDArray[np.bool_],
          sub: npt.NDArray[np.int64], site_lon: npt.NDArray[np.float64],
          site_lat: npt.NDArray[np.float64], cells: list[str], radius: float,
          subs: tuple[Region, ...], matrix: ReachMatrix) -> list[Suggestion]:
    """Order sites greedily by the demand each adds, measured on the points."""
    reach = matrix(site_lon, site_lat, lon, lat, radius).tocsr()
    done = covered.copy()
    left = list(range(len(site_lon)))
    ranked: list[Suggestion] = []
    while left:
        gains = [float(weight[reach[i].indices[~done[reach[i].indices]]].sum()) for i in left]
        best = left[int(np.argmax(gains))]
        gain = max(gains)
        if gain <= 0:
            break
        new = reach[best].indices[~done[reach[best].indices]]
        done[new] = True
        left.remove(best)
        site_sub = _site_subregion(site_lon[best], site_lat[best], lon, lat, sub)
        ranked.append(Suggestion(
            rank=len(ranked) + 1, lon=float(site_lon[best]), lat=float(site_lat[best]),
            cell=cells[best], radius_m=radius, gain_weight=gain, gain_points=int(len(new)),
            adcode=subs[site_sub].adcode if site_sub >= 0 else "",
            name=subs[site_sub].name if site_sub >= 0 else "",
        ))
    return ranked


def _site_subregion(x: float, y: float, lon: npt.NDArray[np.float64],
                    lat: npt.NDArray[np.float64], sub: npt.NDArray[np.int64]) -> int:
    """Sub-region of a site: that of the nearest demand point (sites sit among them)."""
    nearest = int(np.argmin(np.atleast_1d(distance_m(x, y, lon, lat))))
    return int(sub[nearest])

