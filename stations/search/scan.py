"""Exact k-nearest search on a :class:`stations.search.tree.Plan`.

The tree proposes candidates in chord order. A chord is never longer than the
geodesic between the same two points, so once the k-th geodesic distance of the
candidates taken is below the chord of the first candidate left out, no station
left out can be closer and the geodesic ranking of the candidates is the answer.
When the bound cannot vouch for it (near-ties, long distances), every station in
the chord ball of the k-th geodesic distance is measured. Distances come from
:mod:`geodata.geodesy` (Karney's geodesic via pyproj).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from geodata.geodesy import distance_m, inverse_from_point, to_ecef_m
from stations.search.tree import OpenNow, Plan, passes

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Point = tuple[float, float, float]

SLACK_M = 1e-6  # rounding allowed when comparing chords with geodesics
SCAN_AFTER = 4096  # candidates fetched before a filtered search checks every station
_CELL_DEG = 0.002  # batch queries are put in Z-order of cells this big (~200 m)
Found = tuple[IntArray, FloatArray, FloatArray]  # positions, distances_m, bearings_deg
_EMPTY: Found = (np.empty(0, dtype=np.int64), np.empty(0), np.empty(0))


def search_one(c: dict[str, Any], plan: Plan, x: Point, qlon: float, qlat: float, k: int,
               max_d: float | None, table: OpenNow | None,
               share: float) -> Found:
    """Up to ``k`` qualifying stations nearest to one point, nearest first.

    Parameters
    ----------
    c : dict
        The index columns.
    plan : Plan
        Tree and leftover checks for the filters.
    x : tuple of float
        The point in earth-centred metres; ``qlon``, ``qlat`` the same in degrees.
    k : int
        How many.
    max_d : float or None
        Distance limit in metres.
    table : OpenNow or None
        What open now means, when only open stations count.
    share : float
        Expected share of the tree that qualifies (sizes the first fetch).

    Returns
    -------
    positions, distances_m, bearings_deg : numpy.ndarray
        Row positions, geodesic distances and initial bearings from the point.
    """
    size = plan.positions.size
    checked = plan.has_checks or table is not None
    if size == 0 or share == 0.0:
        return _EMPTY
    upper = math.inf if max_d is None else max_d + SLACK_M
    m = min(size, math.ceil((k + 1) / share * 1.25) + 4 if checked else k + 1)
    if m >= SCAN_AFTER:
        return _scan(c, plan, x, qlon, qlat, k, upper, table)
    while True:
        chord, idx = plan.tree.query(x, k=m if m > 1 else [1], distance_upper_bound=upper)
        exhausted = m == size or idx[-1] == size
        if idx[-1] == size:
            chord, idx = chord[idx < size], idx[idx < size]
        rest = math.inf if exhausted else float(chord[-1])
        cand = plan.positions.take(idx)
        if not checked:
            break
        ok = passes(c, plan, cand, table)
        cand, chord = cand[ok], chord[ok]
        if cand.size >= k or exhausted:
            break
        m = min(size, max(4 * m, math.ceil(m * (k + 1) / max(cand.size, 1) * 1.25)))
        if m >= SCAN_AFTER:
            return _scan(c, plan, x, qlon, qlat, k, upper, table)
    if cand.size > k:
        rest = float(chord[k])
        cand = cand[:k]
    dist, bearing = _measure(c, qlon, qlat, cand)
    if cand.size and max(dist.tolist()) + SLACK_M >= rest:
        # the chord bound cannot vouch for the ranking: measure the whole ball
        radius = min(float(dist.max()) + 2 * SLACK_M, upper)
        cand = plan.positions.take(np.asarray(plan.tree.query_ball_point(x, radius), np.int64))
        if checked:
            cand = cand[passes(c, plan, cand, table)]
        dist, bearing = _measure(c, qlon, qlat, cand)
    return _finish(cand, dist, bearing, k, max_d)


def search_many(c: dict[str, Any], plan: Plan, qlon: FloatArray, qlat: FloatArray, k: int,
                max_d: float | None) -> tuple[IntArray, FloatArray]:
    """:func:`search_one` for many points on a plan with nothing left to check.

    Returns
    -------
    positions, distances_m : numpy.ndarray
        ``(n, k)``, nearest first; ``-1`` and NaN where fewer stations qualify.
    """
    n, size = qlon.size, plan.positions.size
    out_pos = np.full((n, k), -1, dtype=np.int64)
    out_dist = np.full((n, k), np.nan)
    if n == 0 or size == 0:
        return out_pos, out_dist
    order = _spatial_order(qlon, qlat)
    qlon, qlat = qlon[order], qlat[order]
    upper = math.inf if max_d is None else max_d + SLACK_M
    m = min(size, k + 1)
    xyz = to_ecef_m(qlon, qlat)
    chord, idx = plan.tree.query(xyz, k=m if m > 1 else [1], distance_upper_bound=upper)
    h = min(k, m)
    found = idx[:, :h] < size
    head = np.where(found, plan.positions.take(np.minimum(idx[:, :h], size - 1)), -1)
    dist = np.full((n, h), np.inf)
    pairs = np.broadcast_to(np.arange(n)[:, None], (n, h))[found]
    dist[found] = distance_m(qlon[pairs], qlat[pairs], c["lon"][head[found]],
                             c["lat"][head[found]])
    rest = chord[:, k] if m > k else np.full(n, np.inf)
    unsure = np.flatnonzero(np.where(found, dist, -np.inf).max(axis=1) + SLACK_M >= rest)
    # rows whose chord order already is the geodesic order (nearly all) stay as they are
    with np.errstate(invalid="ignore"):  # inf - inf where a row has fewer than k
        mixed = np.flatnonzero(~(np.diff(dist, axis=1) > 0).all(axis=1))
    if mixed.size:
        rank = np.lexsort((head[mixed], dist[mixed]), axis=-1)
        head[mixed] = np.take_along_axis(head[mixed], rank, axis=1)
        dist[mixed] = np.take_along_axis(dist[mixed], rank, axis=1)
    keep = np.isfinite(dist) if max_d is None else dist <= max_d
    out_pos[order, :h] = np.where(keep, head, -1)
    out_dist[order, :h] = np.where(keep, dist, np.nan)
    for i in unsure.tolist():
        pos, d, _ = search_one(c, plan, tuple(xyz[i].tolist()), float(qlon[i]),
                               float(qlat[i]), k, max_d, None, 1.0)
        row = order[i]
        out_pos[row], out_dist[row] = -1, np.nan
        out_pos[row, : pos.size], out_dist[row, : pos.size] = pos, d
    return out_pos, out_dist


def _scan(c: dict[str, Any], plan: Plan, x: Point, qlon: float, qlat: float, k: int,
          upper: float, table: OpenNow | None) -> Found:
    """The exact answer from every qualifying station (for very selective filters)."""
    cand = plan.positions[passes(c, plan, plan.positions, table)]
    chord = np.linalg.norm(c["xyz"][cand] - np.asarray(x), axis=1)
    cand, chord = cand[chord <= upper], chord[chord <= upper]
    head, rest = cand, math.inf
    if cand.size > k:
        first = np.argpartition(chord, k)[: k + 1]
        first = first[np.argsort(chord[first])]
        head, rest = cand[first[:k]], float(chord[first[k]])
    dist, bearing = _measure(c, qlon, qlat, head)
    if head.size and dist.max() + SLACK_M >= rest:
        head = cand[chord <= dist.max() + 2 * SLACK_M]
        dist, bearing = _measure(c, qlon, qlat, head)
    return _finish(head, dist, bearing, k, None if math.isinf(upper) else upper - SLACK_M)


def _measure(c: dict[str, Any], qlon: float, qlat: float,
             positions: IntArray) -> tuple[FloatArray, FloatArray]:
    return inverse_from_point(qlon, qlat, c["lon"].take(positions), c["lat"].take(positions))


def _finish(head: IntArray, dist: FloatArray, bearing: FloatArray, k: int,
            max_d: float | None) -> Found:
    """Geodesic order (ties: table order), at most ``k``, none beyond ``max_d``."""
    ds = dist.tolist()
    if 0 < len(ds) <= k and all(a < b for a, b in zip(ds, ds[1:], strict=False)) and (
            max_d is None or ds[-1] <= max_d):
        return head, dist, bearing  # the usual case: the tree's order was right already
    if head.size <= 16:  # Python sorts a handful faster than numpy sets up
        ranked = sorted(zip(dist.tolist(), head.tolist(), bearing.tolist(), strict=True))[:k]
        if max_d is not None:
            ranked = [found for found in ranked if found[0] <= max_d]
        if not ranked:
            return _EMPTY
        d, p, b = zip(*ranked, strict=True)
        return np.array(p, dtype=np.int64), np.array(d), np.array(b)
    order = np.lexsort((head, dist))[:k]
    if max_d is not None:
        order = order[dist[order] <= max_d]
    return head[order].astype(np.int64, copy=False), dist[order], bearing[order]


def _spatial_order(lon: FloatArray, lat: FloatArray) -> IntArray:
    """A Z-order over small cells: nearby points end up together, so the tree walks of
    consecutive queries share nodes already in the CPU cache."""
    row = np.floor((lat + 90.0) / _CELL_DEG).astype(np.uint64)
    col = np.floor((lon + 180.0) / _CELL_DEG).astype(np.uint64)
    return np.argsort(_spread_bits(row) | (_spread_bits(col) << np.uint64(1)))


def _spread_bits(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put a zero bit between each of the low 32 bits of ``x`` (Morton code half)."""
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF),
                        (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333),
                        (1, 0x5555555555555555)):
        x = (x | (x << np.uint64(shift))) & np.uint64(mask)
    return x
