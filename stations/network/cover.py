"""Network coverage: the roads within reach of a station, buffered into covered area.

A point part-way along a segment reaches a station through either end (only forwards on a
one-way street) or, on a station's own segment, directly; so each segment is covered over
at most a few intervals, found from the cost at its two ends (:mod:`stations.network.field`).
The covered stretches are buffered by a small distance (50 m by default: the homes and
shops along a street) in a Lambert azimuthal equal-area projection, tile by tile: each
tile's buffer is clipped to the tile, so the pieces never overlap and their areas add up,
and tiles are buffered in one vectorised call that runs without the GIL.

Every covered road point is within ``reach`` of a station by road, and a road is never
shorter than the straight line, so network coverage stays inside the circles of radius
``reach`` grown by the buffer (and a cell's half-diagonal).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from scipy.ndimage import distance_transform_edt

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


@dataclass(frozen=True, eq=False)
class RoadRaster:
    """Covered area as square cells, tile by tile, in an equal-area projection (metres).

    Attributes
    ----------
    cell_m : float
        Side of a cell.
    tile_cells : int
        Cells along a tile's side.
    tiles : numpy.ndarray
        ``(k, 2)`` tile positions (x, y) of the tiles with covered cells.
    masks : list of numpy.ndarray
        Per tile, ``(tile_cells, tile_cells)`` booleans, rows going north.
    """

    cell_m: float
    tile_cells: int
    tiles: IntArray
    masks: list[npt.NDArray[np.bool_]]
    transformer: Transformer

    @property
    def area_m2(self) -> float:
        return float(sum(int(m.sum()) for m in self.masks)) * self.cell_m**2


def cell_size_m(buffer_m: float) -> float:
    """Cells a fifth of the buffer wide (10 m for 50 m), between 2 and 25 m."""
    return float(min(max(buffer_m / 5.0, 2.0), 25.0))


def rasterize(graph: RoadGraph, stretches: Stretches, buffer_m: float,
              centre: tuple[float, float], *, tile_m: float = TILE_M) -> RoadRaster:
    """Cells whose centre lies within ``buffer_m`` of a covered stretch.

    Stretches are sampled every cell; a Euclidean distance transform per tile (with a
    margin of the buffer, so tiles agree at their edges) finds the cells within the buffer
    of a road cell. Uniting millions of overlapping buffer polygons costs minutes on a city
    network; this costs seconds, and the area is exact to a fraction of a cell along the
    edges (a cell counts wholly when its centre is within reach).

    Parameters
    ----------
    centre : (float, float)
        Longitude and latitude of the projection's centre (the region's middle).
    """
    forward = _laea(round(centre[0], 1), round(centre[1], 1))
    cell = cell_size_m(buffer_m)
    side = max(int(round(tile_m / cell)), 8)
    empty = RoadRaster(cell, side, np.empty((0, 2), np.int64), [], forward)
    if len(stretches) == 0:
        return empty
    x, y = forward.transform(graph.lon, graph.lat)
    x, y = np.asarray(x), np.asarray(y)
    seg = stretches.segment
    ax, ay, bx, by = x[graph.a[seg]], y[graph.a[seg]], x[graph.b[seg]], y[graph.b[seg]]
    x0, y0 = ax + (bx - ax) * stretches.t0, ay + (by - ay) * stretches.t0
    x1, y1 = ax + (bx - ax) * stretches.t1, ay + (by - ay) * stretches.t1
    steps = np.ceil(np.hypot(x1 - x0, y1 - y0) / cell).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(stretches)), steps)
    first = np.repeat(np.cumsum(steps) - steps, steps)
    t = (np.arange(owner.size) - first) / np.maximum(np.repeat(steps - 1, steps), 1)
    cx = np.floor((x0[owner] + (x1 - x0)[owner] * t) / cell).astype(np.int64)
    cy = np.floor((y0[owner] + (y1 - y0)[owner] * t) / cell).astype(np.int64)
    fresh = np.r_[True, (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1])]  # cheap first pass
    cells = _unique_pairs(cx[fresh], cy[fresh])
    pad = int(math.ceil(buffer_m / cell)) + 1
    # each road cell goes to every tile whose window (tile plus margin) holds it
    tx0, tx1 = (cells[:, 0] - pad) // side, (cells[:, 0] + pad) // side
    ty0, ty1 = (cells[:, 1] - pad) // side, (cells[:, 1] + pad) // side
    nx, ny = tx1 - tx0 + 1, ty1 - ty0 + 1
    count = nx * ny
    who = np.repeat(np.arange(len(cells)), count)
    k = np.arange(who.size) - np.repeat(np.cumsum(count) - count, count)
    tiles, tile_of = _unique_pairs(tx0[who] + k % nx[who], ty0[who] + k // nx[who], inverse=True)
    order = np.argsort(tile_of, kind="stable")
    bounds = np.flatnonzero(np.r_[True, tile_of[order][1:] != tile_of[order][:-1], True])
    width = side + 2 * pad
    kept_tiles: list[IntArray] = []
    masks: list[npt.NDArray[np.bool_]] = []
    for i in range(len(bounds) - 1):
        members = cells[who[order[bounds[i]:bounds[i + 1]]]]
        tx, ty = tiles[i]
        window = np.ones((width, width), dtype=bool)
        window[members[:, 1] - (ty * side - pad), members[:, 0] - (tx * side - pad)] = False
        # a road cell's centre is up to half a cell off the road: measure to the road, not to it
        near = distance_transform_edt(window) * cell <= buffer_m - cell / 2.0
        mask = near[pad:pad + side, pad:pad + side]
        if mask.any():
            kept_tiles.append(tiles[i])
            masks.append(np.ascontiguousarray(mask))
    if not masks:
        return empty
    return RoadRaster(cell, side, np.array(kept_tiles, dtype=np.int64), masks, forward)


def _unique_pairs(x: IntArray, y: IntArray, *, inverse: bool = False) -> Any:
    """Distinct ``(x, y)`` rows, sorted (one int64 key each: ``np.unique(axis=0)`` is slow),
    and with ``inverse`` the position of each input row among them."""
    span = int(y.max() - y.min()) + 1
    key = (x - x.min()) * span + (y - y.min())
    keys, where = np.unique(key, return_inverse=True)
    pairs = np.column_stack([keys // span + x.min(), keys % span + y.min()])
    return (pairs, np.asarray(where).ravel()) if inverse else pairs


def raster_regions(raster: RoadRaster, regions: Sequence[Any]
                   ) -> tuple[FloatArray, npt.NDArray[np.object_], IntArray]:
    """Covered area of each region, and the covered shapes (WGS-84) clipped to them.

    Parameters
    ----------
    regions : sequence of shapely geometries or None
        WGS-84 lon/lat; ``None`` for a region that takes nothing.

    Returns
    -------
    covered_m2, shapes, shape_region
    """
    n = len(regions)
    covered = np.zeros(n)
    shapes: list[Any] = []
    owners: list[int] = []
    present = [i for i, g in enumerate(regions) if g is not None and not shapely.is_empty(g)]
    if not present or not raster.masks:
        return covered, np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    forward = functools.partial(_forward, raster.transformer)
    projected = shapely.transform(np.array([regions[i] for i in present], dtype=object), forward)
    shapely.prepare(projected)
    tree = shapely.STRtree(projected)
    cell, side = raster.cell_m, raster.tile_cells
    span = cell * side
    for (tx, ty), mask in zip(raster.tiles.tolist(), raster.masks, strict=True):
        box = shapely.box(tx * span, ty * span, (tx + 1) * span, (ty + 1) * span)
        candidates = tree.query(box, predicate="intersects")
        if candidates.size == 0:
            continue
        polygon = None
        rows, cols = np.nonzero(mask)
        for j in candidates.tolist():
            zone = projected[j]
            if shapely.contains_properly(zone, box):
                inside = np.ones(rows.size, dtype=bool)
            else:
                inside = shapely.contains_xy(zone, tx * span + (cols + 0.5) * cell,
                                             ty * span + (rows + 0.5) * cell)
            if not inside.any():
                continue
            covered[present[j]] += float(inside.sum()) * cell * cell
            polygon = _mask_polygon(mask, tx * span, ty * span, cell) if polygon is None else polygon
            shape = polygon if inside.all() else shapely.intersection(polygon, zone)
            if not shapely.is_empty(shape):
                shapes.append(shape)
                owners.append(present[j])
    inverse = functools.partial(_inverse, raster.transformer)
    out = np.empty(len(shapes), dtype=object)
    out[:] = shapes
    return (covered, shapely.transform(out, inverse) if len(out) else out,
            np.array(owners, dtype=np.int64))


def _mask_polygon(mask: npt.NDArray[np.bool_], x0: float, y0: float, cell: float) -> Any:
    """The cells of a mask as one (multi)polygon: row runs as boxes, united edge to edge."""
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    boxes = shapely.box(x0 + starts * cell, y0 + rows * cell, x0 + ends * cell,
                        y0 + (rows + 1) * cell)
    return shapely.coverage_union_all(boxes)


def _forward(transformer: Transformer, xy: FloatArray) -> FloatArray:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _inverse(transformer: Transformer, xy: FloatArray) -> FloatArray:
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
    return np.column_stack([lon, lat])


@functools.lru_cache(maxsize=64)
def _laea(lon_0: float, lat_0: float) -> Transformer:
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=laea +lat_0={lat_0:.4f} +lon_0={lon_0:.4f} +ellps=WGS84 +units=m",
        always_xy=True)
