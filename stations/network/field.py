"""Nearest station for every node: one multi-source shortest-path pass, kept current.

Stations are put on their nearest segment (:func:`stations.network.graph.snap`); a
traveller at a node reaches a station by the roads to the station's segment, along it to
the station's foot, and the last straight stretch (at the profile's access speed). One run
of ``scipy.sparse.csgraph.dijkstra`` with ``min_only=True`` over the reversed arcs, from
every station at once, gives each node the cost to its nearest station and which one.

When stations change, :func:`update_field` repairs the field instead of solving it again:
a new station only lowers the nodes it reaches first (a search that stops where it no
longer improves anything), and a removed station's nodes are solved again from the nodes
around them. Many changes at once fall back to the full pass.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import dijkstra

from stations.network.graph import FloatArray, IntArray, RoadGraph, Snaps

# above this share of changed stations (or of nodes to solve again), solve everything
FULL_SHARE = 0.05
_MIN_INCREMENTAL = 32


@dataclass(frozen=True)
class Entries:
    """How nodes reach stations: ``node`` reaches ``station`` for ``cost`` (the last metres)."""

    node: IntArray
    station: IntArray
    cost: FloatArray


@dataclass(frozen=True, eq=False)
class DistanceField:
    """Cost from every node to its nearest station.

    Attributes
    ----------
    weight : str
        ``length`` (metres) or ``time`` (seconds).
    cost : numpy.ndarray
        Per node; ``inf`` where no station can be reached.
    station : numpy.ndarray
        Per node, the position (into ``keys``) of its nearest station; -1 for none.
    keys : tuple
        The stations, as hashable keys (an id and a position).
    snaps : Snaps
        Where each station lies on the network.
    """

    weight: str
    cost: FloatArray
    station: IntArray
    keys: tuple[Any, ...]
    snaps: Snaps


def access_cost(offset_m: FloatArray, weight: str, access_kmh: float) -> FloatArray:
    """Cost of the straight stretch between a place and its road."""
    return offset_m if weight == "length" else offset_m * 3.6 / access_kmh


def entries(graph: RoadGraph, snaps: Snaps, weight: str, access_kmh: float) -> Entries:
    """The nodes at each end of the stations' segments and what it costs them to get there."""
    on = np.flatnonzero(snaps.on_network)
    seg, f = snaps.segment[on], snaps.fraction[on]
    w = graph.weight(weight)[seg]
    last = access_cost(snaps.offset_m[on], weight, access_kmh)
    two_way = ~graph.oneway[seg]
    node = np.concatenate([graph.a[seg], graph.b[seg][two_way]])
    station = np.concatenate([on, on[two_way]])
    cost = np.concatenate([f * w + last, ((1.0 - f) * w + last)[two_way]])
    return Entries(node.astype(np.int64), station.astype(np.int64), cost)


def solve_field(graph: RoadGraph, keys: tuple[Any, ...], snaps: Snaps, weight: str,
                access_kmh: float) -> DistanceField:
    """The full multi-source pass."""
    n = graph.n_nodes
    s = len(keys)
    e = entries(graph, snaps, weight, access_kmh)
    cost = np.full(n, np.inf)
    station = np.full(n, -1, dtype=np.int64)
    if e.node.size == 0:
        return DistanceField(weight, cost, station, keys, snaps)
    reverse = graph.arcs(weight, reverse=True)
    # one virtual node per station, with arcs to the nodes that reach it
    starts = csr_matrix((np.maximum(e.cost, 1e-3), (e.station, e.node)), shape=(s, n))
    augmented = vstack([reverse, starts], format="csr")
    augmented = csr_matrix((augmented.data, augmented.indices, augmented.indptr), shape=(n + s, n + s))
    sources = n + np.unique(e.station)
    dist, _, origin = dijkstra(augmented, directed=True, indices=sources, min_only=True,
                               return_predecessors=True)
    cost = dist[:n].copy()
    reached = origin[:n] >= 0
    station[reached] = origin[:n][reached] - n
    return DistanceField(weight, cost, station, keys, snaps)


def update_field(old: DistanceField, graph: RoadGraph, keys: tuple[Any, ...], snaps: Snaps,
                 access_kmh: float) -> DistanceField:
    """The field for a new set of stations, repaired from ``old`` where that is cheaper."""
    weight = old.weight
    position = {k: i for i, k in enumerate(keys)}
    old_to_new = np.array([position.get(k, -1) for k in old.keys] + [-1], dtype=np.int64)
    kept = set(old.keys) & set(keys)
    added = [position[k] for k in keys if k not in kept]
    removed = np.flatnonzero(old_to_new[:-1] < 0)
    changes = len(added) + removed.size
    if changes == 0:
        return DistanceField(weight, old.cost, old_to_new[old.station], keys, snaps)
    if changes > max(_MIN_INCREMENTAL, FULL_SHARE * len(keys)):
        return solve_field(graph, keys, snaps, weight, access_kmh)
    cost = old.cost.copy()
    station = old_to_new[old.station]  # -1 (the appended slot) for removed and unreached
    lost = np.flatnonzero((station < 0) & np.isfinite(cost))
    if lost.size > FULL_SHARE * graph.n_nodes and lost.size > 10_000:
        return solve_field(graph, keys, snaps, weight, access_kmh)
    cost[lost] = np.inf
    seeds: list[tuple[float, int, int]] = []
    e = entries(graph, snaps, weight, access_kmh)
    is_lost = np.zeros(graph.n_nodes, dtype=bool)
    is_lost[lost] = True
    new_station = np.zeros(len(keys), dtype=bool)
    new_station[added] = True
    fresh = new_station[e.station] | is_lost[e.node]
    seeds.extend(zip(e.cost[fresh].tolist(), e.node[fresh].tolist(), e.station[fresh].tolist(),
                     strict=True))
    if lost.size:
        seeds.extend(_border_seeds(graph, weight, lost, is_lost, cost, station))
    _settle(graph.arcs(weight, reverse=True), cost, station, seeds)
    return DistanceField(weight, cost, station, keys, snaps)


def _border_seeds(graph: RoadGraph, weight: str, lost: IntArray, is_lost: npt.NDArray[np.bool_],
                  cost: FloatArray, station: IntArray) -> list[tuple[float, int, int]]:
    """Lost nodes reached from a neighbour that kept its station."""
    forward = graph.arcs(weight)
    sub = forward[lost]
    rows = np.repeat(lost, np.diff(sub.indptr))
    via = sub.indices
    ok = ~is_lost[via] & np.isfinite(cost[via])
    total = sub.data[ok] + cost[via[ok]]
    return list(zip(total.tolist(), rows[ok].tolist(), station[via[ok]].tolist(), strict=True))


def _settle(reverse: csr_matrix, cost: FloatArray, station: IntArray,
            seeds: list[tuple[float, int, int]]) -> None:
    """Dijkstra from seeds that only goes where it lowers the cost (in place)."""
    indptr, indices, data = reverse.indptr, reverse.indices, reverse.data
    heap: list[tuple[float, int, int]] = []
    for c, node, s in seeds:
        if c < cost[node]:
            cost[node] = c
            station[node] = s
            heap.append((c, node, s))
    heapq.heapify(heap)
    while heap:
        c, node, s = heapq.heappop(heap)
        if c > cost[node] or station[node] != s:
            continue
        lo, hi = indptr[node], indptr[node + 1]
        for nxt, w in zip(indices[lo:hi].tolist(), data[lo:hi].tolist(), strict=True):
            total = c + w
            if total < cost[nxt]:
                cost[nxt] = total
                station[nxt] = s
                heapq.heappush(heap, (total, nxt, s))
