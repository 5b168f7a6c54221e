"""A road network as arrays: nodes, and straight segments between them.

Every OSM way the profile may use becomes the segments between its consecutive nodes, so
the graph keeps the roads' shape (a segment is at most a few hundred metres in a city).
Each segment has its geodesic length, its travel time at the profile's speed on that way
and a direction: ``0`` both ways, ``1`` only from ``a`` to ``b`` (one-way streets against
their nodes are stored reversed).

:meth:`RoadGraph.arcs` gives the directed adjacency matrix that shortest paths run on, in
metres or seconds; parallel segments between the same two nodes keep the shorter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from geodata.geodesy import distance_m, to_ecef_m

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
WEIGHTS = ("length", "time")
_MIN_WEIGHT = 1e-3  # sparse graphs treat a zero as no edge: keep every segment passable
_SAMPLE_M = 80.0  # spacing of the points that find the segment nearest to a place


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """Nodes and segments of one network.

    Attributes
    ----------
    lon, lat : numpy.ndarray
        Node positions, WGS-84.
    osm_id : numpy.ndarray
        OSM node ids (0 for synthetic networks).
    a, b : numpy.ndarray
        Segment ends (node positions).
    length_m, seconds : numpy.ndarray
        Segment length and travel time.
    oneway : numpy.ndarray of bool
        Segments passable only from ``a`` to ``b``.
    """

    lon: FloatArray
    lat: FloatArray
    osm_id: IntArray
    a: IntArray
    b: IntArray
    length_m: FloatArray
    seconds: FloatArray
    oneway: npt.NDArray[np.bool_]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        return int(self.lon.size)

    @property
    def n_segments(self) -> int:
        return int(self.a.size)

    def weight(self, name: str) -> FloatArray:
        """Segment weights: ``length`` (metres) or ``time`` (seconds)."""
        return self.length_m if name == "length" else self.seconds

    def arcs(self, weight: str, *, reverse: bool = False) -> csr_matrix:
        """Directed adjacency (``reverse``: every arc turned round), cached."""
        key = f"arcs:{weight}:{reverse}"
        if key not in self._cache:
            self._cache[key] = _arcs(self, weight, reverse)
        return self._cache[key]  # type: ignore[no-any-return]

    @property
    def xyz(self) -> FloatArray:
        """Earth-centred node positions in metres (cached)."""
        if "xyz" not in self._cache:
            self._cache["xyz"] = to_ecef_m(self.lon, self.lat)
        return self._cache["xyz"]  # type: ignore[no-any-return]

    def node_tree(self) -> cKDTree:
        """KD-tree of the earth-centred node positions (cached)."""
        if "node_tree" not in self._cache:
            self._cache["node_tree"] = cKDTree(self.xyz)
        return self._cache["node_tree"]

    def sample_tree(self) -> tuple[cKDTree, IntArray]:
        """KD-tree of points every ~80 m along the segments, and each point's segment."""
        if "samples" not in self._cache:
            self._cache["samples"] = _samples(self)
        return self._cache["samples"]  # type: ignore[no-any-return]

    @functools.cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the nodes."""
        if self.n_nodes == 0:
            return (0.0, 0.0, 0.0, 0.0)
        return (float(self.lon.min()), float(self.lat.min()), float(self.lon.max()),
                float(self.lat.max()))


def build_graph(lon: Any, lat: Any, a: Any, b: Any, kmh: Any, direction: Any,
                osm_id: Any = None) -> RoadGraph:
    """A graph from nodes and segments, measuring lengths and travel times.

    Parameters
    ----------
    lon, lat : array_like
        Node positions, WGS-84.
    a, b : array_like
        Segment ends, positions into the nodes.
    kmh : array_like
        Speed on each segment.
    direction : array_like
        ``0`` both ways, ``1`` from ``a`` to ``b`` only, ``-1`` from ``b`` to ``a`` only.
    osm_id : array_like, optional

    Returns
    -------
    RoadGraph
        Nodes no segment touches are dropped; zero-length segments too.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    kmh = np.broadcast_to(np.asarray(kmh, dtype=np.float64), a.shape)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), a.shape)
    ids = np.zeros(lon.size, dtype=np.int64) if osm_id is None else np.asarray(osm_id, np.int64)
    backwards = direction < 0
    a, b = np.where(backwards, b, a), np.where(backwards, a, b)
    keep = a != b
    a, b, kmh, oneway = a[keep], b[keep], kmh[keep], direction[keep] != 0
    used = np.zeros(lon.size, dtype=bool)
    used[a] = True
    used[b] = True
    new_index = np.cumsum(used) - 1
    lon, lat, ids = lon[used], lat[used], ids[used]
    a, b = new_index[a], new_index[b]
    length = np.atleast_1d(np.asarray(distance_m(lon[a], lat[a], lon[b], lat[b]), dtype=np.float64))
    return RoadGraph(lon=lon, lat=lat, osm_id=ids, a=a, b=b, length_m=length,
                     seconds=length * 3.6 / kmh, oneway=oneway.astype(bool))


def _arcs(graph: RoadGraph, weight: str, reverse: bool) -> csr_matrix:
    w = np.maximum(graph.weight(weight), _MIN_WEIGHT)
    two_way = ~graph.oneway
    src = np.concatenate([graph.a, graph.b[two_way]])
    dst = np.concatenate([graph.b, graph.a[two_way]])
    cost = np.concatenate([w, w[two_way]])
    if reverse:
        src, dst = dst, src
    # parallel arcs: keep the cheapest (a sparse matrix would add them up)
    order = np.lexsort((cost, dst, src))
    src, dst, cost = src[order], dst[order], cost[order]
    first = np.r_[True, (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])]
    n = graph.n_nodes
    return csr_matrix((cost[first], (src[first], dst[first])), shape=(n, n))


def _samples(graph: RoadGraph) -> tuple[cKDTree, IntArray]:
    pieces = np.maximum(np.ceil(graph.length_m / _SAMPLE_M).astype(np.int64), 1)
    segment = np.repeat(np.arange(graph.n_segments), pieces + 1)
    starts = np.repeat(np.cumsum(pieces + 1) - (pieces + 1), pieces + 1)
    step = (np.arange(segment.size) - starts) / np.repeat(pieces, pieces + 1)
    xyz = graph.xyz
    points = xyz[graph.a[segment]] + (xyz[graph.b[segment]] - xyz[graph.a[segment]]) * step[:, None]
    return cKDTree(points), segment


@dataclass(frozen=True)
class Snaps:
    """Places put on the network: the segment each lies on, where, and how far off.

    Attributes
    ----------
    segment : numpy.ndarray
        Segment of each place, -1 where no road is within reach.
    fraction : numpy.ndarray
        Position along the segment, 0 at ``a`` and 1 at ``b``.
    offset_m : numpy.ndarray
        Straight distance from the place to that position.
    """

    segment: IntArray
    fraction: FloatArray
    offset_m: FloatArray

    @property
    def on_network(self) -> npt.NDArray[np.bool_]:
        return self.segment >= 0

    def take(self, rows: Any) -> Snaps:
        return Snaps(self.segment[rows], self.fraction[rows], self.offset_m[rows])


def snap(graph: RoadGraph, lon: Any, lat: Any, max_m: float, *, candidates: int = 12) -> Snaps:
    """Put places on their nearest segment (within ``max_m``).

    Points every ~80 m along the segments propose the nearest few segments; the place is
    projected onto each (in earth-centred metres, where a short segment is straight) and
    the closest projection wins.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    n = lon.size
    segment = np.full(n, -1, dtype=np.int64)
    fraction = np.zeros(n)
    offset = np.full(n, np.inf)
    if n == 0 or graph.n_segments == 0:
        return Snaps(segment, fraction, offset)
    tree, owner = graph.sample_tree()
    k = min(candidates, tree.n)
    p = to_ecef_m(lon, lat).reshape(n, 3)
    dist, idx = tree.query(p, k=k, distance_upper_bound=max_m + _SAMPLE_M)
    dist = dist.reshape(n, k)
    idx = idx.reshape(n, k)
    found = np.isfinite(dist)
    rows, cols = np.nonzero(found)
    if rows.size == 0:
        return Snaps(segment, fraction, offset)
    seg = owner[idx[rows, cols]]
    xyz = graph.xyz
    start, end = xyz[graph.a[seg]], xyz[graph.b[seg]]
    along = end - start
    t = np.einsum("ij,ij->i", p[rows] - start, along) / np.maximum(
        np.einsum("ij,ij->i", along, along), 1e-12)
    t = np.clip(t, 0.0, 1.0)
    d = np.linalg.norm(p[rows] - (start + along * t[:, None]), axis=1)
    order = np.lexsort((d, rows))
    best = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
    ok = d[best] <= max_m
    hit = rows[best][ok]
    segment[hit] = seg[best][ok]
    fraction[hit] = t[best][ok]
    offset[hit] = d[best][ok]
    return Snaps(segment, fraction, offset)


def induced(graph: RoadGraph, nodes: IntArray) -> tuple[RoadGraph, IntArray]:
    """The part of a graph on ``nodes`` (sorted positions) and its segments' old positions."""
    inside = np.zeros(graph.n_nodes, dtype=bool)
    inside[nodes] = True
    keep = np.flatnonzero(inside[graph.a] & inside[graph.b])
    new_index = np.full(graph.n_nodes, -1, dtype=np.int64)
    new_index[nodes] = np.arange(nodes.size)
    part = RoadGraph(lon=graph.lon[nodes], lat=graph.lat[nodes], osm_id=graph.osm_id[nodes],
                     a=new_index[graph.a[keep]], b=new_index[graph.b[keep]],
                     length_m=graph.length_m[keep], seconds=graph.seconds[keep],
                     oneway=graph.oneway[keep])
    return part, keep
