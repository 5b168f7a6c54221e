"""Road distances from a place to given stations: for nearest results.

One shortest-path search from the place, on the part of the network within the search
distance of it (a road of length L never leaves the circle of radius L, so nothing is
missed): the place enters the network where it is snapped, and each station is reached at
its own foot on its segment. Stations farther than the search (or off the network) get no
road distance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from geodata.geodesy import ecef_point
from stations.network.field import DistanceField, access_cost
from stations.network.graph import FloatArray, RoadGraph, Snaps, snap
from stations.network.profiles import KIND_PROFILE, PROFILES, Profile
from stations.search.index import Result

FindNetwork = Callable[[str, float, float], "tuple[object, RoadGraph] | None"]


def road_costs(graph: RoadGraph, profile: Profile, lon: float, lat: float,
               station_snaps: Snaps, search_m: float, weights: tuple[str, ...] = ("length",)
               ) -> dict[str, FloatArray] | None:
    """Cost from a place to each station by road, per weight (``inf``: not within the search).

    Returns
    -------
    dict or None
        Weight → costs; ``None`` when the place is off the network.
    """
    here = snap(graph, lon, lat, profile.max_snap_m)
    if not here.on_network[0]:
        return None
    k, t, offset = int(here.segment[0]), float(here.fraction[0]), float(here.offset_m[0])
    nodes = _ball(graph, lon, lat, search_m)
    local = _Local(nodes)
    n = nodes.size
    out: dict[str, FloatArray] = {}
    for weight in weights:
        w_all = graph.weight(weight)
        arcs = graph.arcs(weight)[nodes][:, nodes] if n else csr_matrix((0, 0))
        start = float(access_cost(np.array(offset), weight, profile.access_kmh))
        w = float(w_all[k])
        heads = [(int(local[graph.b[k]]), (1.0 - t) * w + start)]
        if not graph.oneway[k]:
            heads.append((int(local[graph.a[k]]), t * w + start))
        heads = [(int(h), float(c)) for h, c in heads if h >= 0]
        costs = np.full(station_snaps.segment.size, np.inf)
        if heads:
            cols = np.array([h for h, _ in heads])
            data = np.maximum(np.array([c for _, c in heads]), 1e-3)
            aug = csr_matrix((np.r_[arcs.data, data],
                              np.r_[arcs.indices, cols],
                              np.r_[arcs.indptr, arcs.indptr[-1] + len(heads)]),
                             shape=(n + 1, n + 1))
            dist = dijkstra(aug, directed=True, indices=n)
            costs = _to_stations(graph, weight, profile, station_snaps, dist, local)
        costs = np.minimum(costs, _same_segment(graph, weight, profile, station_snaps, k, t, start))
        out[weight] = costs
    return out


def _to_stations(graph: RoadGraph, weight: str, profile: Profile, snaps: Snaps,
                 dist: FloatArray, local: _Local) -> FloatArray:
    on = snaps.on_network
    seg = np.where(on, snaps.segment, 0)
    w = graph.weight(weight)[seg]
    la, lb = local[graph.a[seg]], local[graph.b[seg]]
    da = np.where(la >= 0, dist[np.maximum(la, 0)], np.inf)
    db = np.where(lb >= 0, dist[np.maximum(lb, 0)], np.inf)
    f = snaps.fraction
    via_a = da + f * w
    via_b = np.where(graph.oneway[seg], np.inf, db + (1.0 - f) * w)
    last = access_cost(np.where(on, snaps.offset_m, np.inf), weight, profile.access_kmh)
    return np.where(on, np.minimum(via_a, via_b) + last, np.inf)


class _Local:
    """Positions in a sorted subset of nodes (-1 outside it), without a network-sized array."""

    def __init__(self, nodes: np.ndarray) -> None:
        self.nodes = nodes

    def __getitem__(self, ids: object) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if self.nodes.size == 0:
            return np.full(ids.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.nodes, ids), self.nodes.size - 1)
        return np.where(self.nodes[pos] == ids, pos, -1)


def _ball(graph: RoadGraph, lon: float, lat: float, search_m: float) -> np.ndarray:
    """Sorted positions of the nodes within ``search_m`` (straight line) of a point."""
    found = graph.node_tree().query_ball_point(ecef_point(lon, lat), search_m, return_sorted=True)
    return np.asarray(found, dtype=np.int64)


def _same_segment(graph: RoadGraph, weight: str, profile: Profile, snaps: Snaps, k: int,
                  t: float, start: float) -> FloatArray:
    """Stations on the place's own segment: straight along it (forwards if one-way)."""
    same = snaps.segment == k
    out = np.full(snaps.segment.size, np.inf)
    if not same.any():
        return out
    w = float(graph.weight(weight)[k])
    f = snaps.fraction[same]
    allowed = (f >= t) | (not graph.oneway[k])
    along = np.abs(f - t) * w
    last = access_cost(snaps.offset_m[same], weight, profile.access_kmh)
    out[same] = np.where(allowed, float(start) + along + last, np.inf)
    return out


def annotate(results: Sequence[Result], lon: float, lat: float, k: int, find: FindNetwork
             ) -> list[Result]:
    """Nearest results with road distance and travel time, re-ranked by road.

    Each station is measured by its visitors' profile (walk to outdoor-worker stations,
    drive to driver homes) on the network that ``find(profile, lon, lat)`` gives. Results
    with a road distance come first, nearest by road; the others follow by geodesic
    distance. At most ``k`` are returned.
    """
    out = list(results)
    for name in sorted({KIND_PROFILE.get(r.kind, "walk") for r in out}):
        found = find(name, lon, lat)
        if found is None:
            continue
        graph = found[1]
        profile = PROFILES[name]
        rows = [i for i, r in enumerate(out) if KIND_PROFILE.get(r.kind, "walk") == name]
        st_lon = np.array([out[i].lon for i in rows])
        st_lat = np.array([out[i].lat for i in rows])
        # a road is never shorter than the crow's line: every candidate within ``search`` by
        # road is found, and twice the k-th geodesic distance leaves room for detours
        kth = sorted(out[i].distance_m for i in rows)[min(k, len(rows)) - 1]
        search = min(max(2.0 * kth + profile.max_snap_m, profile.min_search_m),
                     profile.max_search_m)
        weights = ("length",) if profile.uniform else ("length", "time")
        costs = road_costs(graph, profile, lon, lat, snap(graph, st_lon, st_lat, profile.max_snap_m),
                           search, weights)
        if costs is None:
            continue
        length = costs["length"]
        minutes = length * 0.06 / profile.access_kmh if profile.uniform else costs["time"] / 60.0
        for j, i in enumerate(rows):
            if np.isfinite(length[j]):
                out[i] = replace(out[i], road_distance_m=round(float(length[j]), 1),
                                 travel_minutes=round(float(minutes[j]), 1))
    out.sort(key=lambda r: (r.road_distance_m is None, r.road_distance_m
                            if r.road_distance_m is not None else r.distance_m))
    return out[:k]


def candidates(k: int) -> int:
    """How many geodesic candidates to measure by road for ``k`` results."""
    return min(max(2 * k, k + 10), 100)


def costs_to_place(graph: RoadGraph, profile: Profile, lon: float, lat: float, points: Snaps,
                   search_m: float, weight: str) -> FloatArray:
    """Cost from each of ``points`` (already snapped) to one place by road (``inf``: beyond
    the search, or the place is off the network): a search on the reversed arcs."""
    here = snap(graph, lon, lat, profile.max_snap_m)
    out = np.full(points.segment.size, np.inf)
    if not here.on_network[0]:
        return out
    k, t, offset = int(here.segment[0]), float(here.fraction[0]), float(here.offset_m[0])
    nodes = _ball(graph, lon, lat, search_m)
    local = _Local(nodes)
    n = nodes.size
    arcs = graph.arcs(weight, reverse=True)[nodes][:, nodes] if n else csr_matrix((0, 0))
    last = float(access_cost(np.array(offset), weight, profile.access_kmh))
    w = float(graph.weight(weight)[k])
    # who reaches the place: node a going forwards along k, node b backwards if two-way
    heads = [(int(local[graph.a[k]]), t * w + last)]
    if not graph.oneway[k]:
        heads.append((int(local[graph.b[k]]), (1.0 - t) * w + last))
    heads = [(int(h), float(c)) for h, c in heads if h >= 0]
    if heads:
        data = np.maximum(np.array([c for _, c in heads]), 1e-3)
        aug = csr_matrix((np.r_[arcs.data, data], np.r_[arcs.indices, [h for h, _ in heads]],
                          np.r_[arcs.indptr, arcs.indptr[-1] + len(heads)]), shape=(n + 1, n + 1))
        dist = dijkstra(aug, directed=True, indices=n)
        on = points.on_network
        seg = np.where(on, points.segment, 0)
        ws = graph.weight(weight)[seg]
        la, lb = local[graph.a[seg]], local[graph.b[seg]]
        da = np.where(la >= 0, dist[np.maximum(la, 0)], np.inf)
        db = np.where(lb >= 0, dist[np.maximum(lb, 0)], np.inf)
        f = points.fraction
        towards_b = (1.0 - f) * ws + db
        towards_a = np.where(graph.oneway[seg], np.inf, f * ws + da)
        first = access_cost(np.where(on, points.offset_m, np.inf), weight, profile.access_kmh)
        out = np.where(on, first + np.minimum(towards_a, towards_b), np.inf)
    same = points.segment == k
    if same.any():
        f = points.fraction[same]
        allowed = (f <= t) | (not graph.oneway[k])
        direct = (access_cost(points.offset_m[same], weight, profile.access_kmh)
                  + np.abs(t - f) * w + last)
        out[same] = np.minimum(out[same], np.where(allowed, direct, np.inf))
    return out


def costs_from_field(graph: RoadGraph, field: DistanceField, profile: Profile, points: Snaps
                     ) -> FloatArray:
    """Cost from each (snapped) point to its nearest station, from the nearest-station field."""
    on = points.on_network
    seg = np.where(on, points.segment, 0)
    w = graph.weight(field.weight)[seg]
    f = points.fraction
    towards_b = (1.0 - f) * w + field.cost[graph.b[seg]]
    towards_a = np.where(graph.oneway[seg], np.inf, f * w + field.cost[graph.a[seg]])
    best = np.minimum(towards_a, towards_b)
    # stations on the point's own segment
    st = field.snaps
    if st.on_network.any() and on.any():
        by_segment: dict[int, list[int]] = {}
        for j in np.flatnonzero(st.on_network).tolist():
            by_segment.setdefault(int(st.segment[j]), []).append(j)
        for i in np.flatnonzero(on & np.isin(points.segment, list(by_segment))).tolist():
            k = int(points.segment[i])
            js = np.array(by_segment[k])
            fj = st.fraction[js]
            allowed = (fj >= f[i]) | (not graph.oneway[k])
            direct = np.abs(fj - f[i]) * w[i] + access_cost(st.offset_m[js], field.weight,
                                                             profile.access_kmh)
            best[i] = min(best[i], float(np.where(allowed, direct, np.inf).min()))
    first = access_cost(np.where(on, points.offset_m, np.inf), field.weight, profile.access_kmh)
    return np.where(on, first + best, np.inf)
