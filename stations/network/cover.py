"""Network coverage: the roads within reach of a station, buffered into covered area.

A point part-way along a segment reaches a station through either end (only forwards on a
one-way street) or, on a station's own segment, directly; so each segment is covered over
at most a few intervals, found from the cost at its two ends (:mod:`stations.network.field`).
The covered stretches are buffered by a small distance (50 m by default: the homes and
shops along a street) in a Lambert azimuthal equal-area projection, tile by tile: each
tile's buffer is clipped to the tile, so the pieces never overlap and their areas add up,
and tiles are buffered in one vectorised call that runs without the GIL.

Every covered point is within ``reach`` of a station by road, and a road is never shorter
than the straight line, so network coverage never exceeds the circles of radius ``reach``
grown by the buffer.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from stations.network.field import DistanceField, access_cost
from stations.network.graph import FloatArray, IntArray, RoadGraph

DEFAULT_BUFFER_M = 50.0
TILE_M = 2_000.0
_QUAD_SEGS = 4


@dataclass(frozen=True)
class Stretches:
    """Covered intervals ``[t0, t1]`` (fractions from ``a``) of segments."""

    segment: IntArray
    t0: FloatArray
    t1: FloatArray

    def __len__(self) -> int:
        return int(self.segment.size)

    def length_m(self, graph: RoadGraph) -> float:
        return float(((self.t1 - self.t0) * graph.length_m[self.segment]).sum())


def covered_stretches(graph: RoadGraph, field: DistanceField, reach: float,
                      access_kmh: float) -> Stretches:
    """The stretches of road from which a station is within ``reach`` (the field's unit)."""
    w = np.maximum(graph.weight(field.weight), 1e-9)
    cost_a, cost_b = field.cost[graph.a], field.cost[graph.b]
    two_way = ~graph.oneway
    # towards b (always allowed) and towards a (two-way segments only)
    head = np.clip((reach - cost_b) / w, 0.0, 1.0)  # covered: [1 - head, 1]
    tail = np.where(two_way, np.clip((reach - cost_a) / w, 0.0, 1.0), 0.0)  # covered: [0, tail]
    whole = tail + head >= 1.0
    segs: list[IntArray] = []
    t0s: list[FloatArray] = []
    t1s: list[FloatArray] = []
    every = np.arange(graph.n_segments)
    pick = whole
    segs.append(every[pick])
    t0s.append(np.zeros(pick.sum()))
    t1s.append(np.ones(pick.sum()))
    pick = ~whole & (head > 0)
    segs.append(every[pick])
    t0s.append(1.0 - head[pick])
    t1s.append(np.ones(pick.sum()))
    pick = ~whole & (tail > 0)
    segs.append(every[pick])
    t0s.append(np.zeros(pick.sum()))
    t1s.append(tail[pick])
    # the stations' own segments: straight along to the station's foot
    snaps = field.snaps
    on = np.flatnonzero(snaps.on_network)
    seg, f = snaps.segment[on], snaps.fraction[on]
    left = reach - access_cost(snaps.offset_m[on], field.weight, access_kmh)
    ok = left > 0
    seg, f, span = seg[ok], f[ok], left[ok] / w[seg[ok]]
    segs.append(seg)
    t0s.append(np.clip(f - span, 0.0, 1.0))
    t1s.append(f)
    back = two_way[seg]
    segs.append(seg[back])
    t0s.append(f[back])
    t1s.append(np.clip(f + span, 0.0, 1.0)[back])
    segment = np.concatenate(segs)
    t0, t1 = np.concatenate(t0s), np.concatenate(t1s)
    keep = t1 > t0
    return Stretches(segment[keep], t0[keep], t1[keep])


@dataclass(frozen=True)
class RoadPieces:
    """Disjoint covered shapes (WGS-84 lon/lat) and their areas."""

    geometries: npt.NDArray[np.object_]
    area_m2: FloatArray


def buffer_stretches(graph: RoadGraph, stretches: Stretches, buffer_m: float,
                     centre: tuple[float, float], *, tile_m: float = TILE_M) -> RoadPieces:
    """Buffer covered stretches by ``buffer_m``, tile by tile, into disjoint pieces.

    Parameters
    ----------
    centre : (float, float)
        Longitude and latitude of the projection's centre (the region's middle).
    """
    if len(stretches) == 0:
        return RoadPieces(np.empty(0, dtype=object), np.empty(0))
    forward = _laea(round(centre[0], 1), round(centre[1], 1))
    x, y = forward.transform(graph.lon, graph.lat)
    x, y = np.asarray(x), np.asarray(y)
    seg = stretches.segment
    ax, ay, bx, by = x[graph.a[seg]], y[graph.a[seg]], x[graph.b[seg]], y[graph.b[seg]]
    x0, y0 = ax + (bx - ax) * stretches.t0, ay + (by - ay) * stretches.t0
    x1, y1 = ax + (bx - ax) * stretches.t1, ay + (by - ay) * stretches.t1
    # a stretch goes to every tile its buffer touches
    ix0 = np.floor((np.minimum(x0, x1) - buffer_m) / tile_m).astype(np.int64)
    ix1 = np.floor((np.maximum(x0, x1) + buffer_m) / tile_m).astype(np.int64)
    iy0 = np.floor((np.minimum(y0, y1) - buffer_m) / tile_m).astype(np.int64)
    iy1 = np.floor((np.maximum(y0, y1) + buffer_m) / tile_m).astype(np.int64)
    nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
    count = nx * ny
    owner = np.repeat(np.arange(len(stretches)), count)
    k = np.arange(owner.size) - np.repeat(np.cumsum(count) - count, count)
    tx = ix0[owner] + k % nx[owner]
    ty = iy0[owner] + k // nx[owner]
    tiles, tile_of = np.unique(np.column_stack([tx, ty]), axis=0, return_inverse=True)
    tile_of = tile_of.ravel()
    order = np.argsort(tile_of, kind="stable")
    # buffering each stretch and uniting them is ~100 times faster than buffering a tile's
    # lines as one geometry (GEOS nodes every line against every other)
    coords = np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)
    polygons = shapely.buffer(shapely.linestrings(coords), buffer_m, quad_segs=_QUAD_SEGS)
    members = owner[order]
    bounds = np.flatnonzero(np.r_[True, tile_of[order][1:] != tile_of[order][:-1], True])
    groups = [members[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
    boxes = shapely.box(tiles[:, 0] * tile_m, tiles[:, 1] * tile_m, (tiles[:, 0] + 1) * tile_m,
                        (tiles[:, 1] + 1) * tile_m)
    united = _unite(polygons, groups)
    clipped = shapely.intersection(united, boxes)
    area = shapely.area(clipped)
    keep = area > 0
    inverse = functools.partial(_inverse, forward)
    geometries = shapely.transform(clipped[keep], inverse)
    return RoadPieces(np.asarray(geometries, dtype=object), area[keep])


def _unite(polygons: npt.NDArray[np.object_], groups: list[IntArray]) -> npt.NDArray[np.object_]:
    """The union of each group, on all cores (GEOS runs without the GIL)."""
    out = np.empty(len(groups), dtype=object)
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1 or len(groups) < 4:
        out[:] = [shapely.union_all(polygons[g]) for g in groups]
        return out
    by_size = sorted(range(len(groups)), key=lambda i: -len(groups[i]))
    with ThreadPoolExecutor(workers) as pool:
        for i, union in zip(by_size, pool.map(lambda i: shapely.union_all(polygons[groups[i]]),
                                               by_size), strict=True):
            out[i] = union
    return out


def _inverse(transformer: Transformer, xy: FloatArray) -> FloatArray:
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
    return np.column_stack([lon, lat])


@functools.lru_cache(maxsize=64)
def _laea(lon_0: float, lat_0: float) -> Transformer:
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=laea +lat_0={lat_0:.4f} +lon_0={lon_0:.4f} +ellps=WGS84 +units=m",
        always_xy=True)
