"""Circles of reach around stations and the area they cover, on the WGS-84 ellipsoid.

Each station's reach is a geodesic circle: its vertices are points at the radius from the
station (solved on the ellipsoid, not in degrees), pushed out slightly so that the polygon
has the area of the true circle. Circles are kept in longitude/latitude and measured with
geodesic areas, so the result is right anywhere in China, north or south.

Only circles that can overlap are merged: stations closer than the sum of their radii (a
KD-tree of earth-centred points; a chord is never longer than the geodesic, so no
overlapping pair is missed) form connected components, each unioned on its own. A lone
circle needs no union at all. Circles that lie inside a larger circle (a 1 km station next
to a 50 km driver home) are dropped first: they add no area.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geodata.geodesy import to_ecef_m

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_A = 6378137.0
_E2 = 0.0066943799901413165  # WGS-84 first eccentricity squared
VERTICES = 32
# Vertices sit this much beyond the radius so that the polygon's area is the circle's:
# a regular n-gon inscribed in radius r has area (n / 2) r^2 sin(2 pi / n).
_AREA_SCALE = math.sqrt(2 * math.pi / (VERTICES * math.sin(2 * math.pi / VERTICES)))
COARSE_BELOW_M = 10_000.0
"""Circles below this radius may be drawn with fewer vertices (``coverage_pieces``)."""
# Components are formed with a little slack for the pushed-out vertices.
_PAIR_SLACK = _AREA_SCALE * 1.001


def circle_polygons(
    lon: FloatArray, lat: FloatArray, radius_m: FloatArray, *, vertices: int = VERTICES
) -> npt.NDArray[np.object_]:
    """Polygons approximating geodesic circles, in WGS-84 longitude/latitude.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Centres in degrees.
    radius_m : numpy.ndarray
        Radius of each circle in metres (broadcast against the centres).
    vertices : int
        Vertices per circle.

    Returns
    -------
    numpy.ndarray of shapely.Polygon
        One polygon per centre whose geodesic area equals the circle's (to ~1e-4).
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    n = lon.size
    scale = math.sqrt(2 * math.pi / (vertices * math.sin(2 * math.pi / vertices)))
    distance = np.broadcast_to(np.asarray(radius_m, dtype=np.float64), (n,))[:, None] * scale
    azimuth = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)[None, :]
    lon_v, lat_v = direct_small(lon[:, None], lat[:, None], azimuth, distance)
    ring = np.stack([lon_v, lat_v], axis=-1)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)
    return shapely.polygons(ring)


def direct_small(
    lon: FloatArray, lat: FloatArray, azimuth_rad: FloatArray, distance_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Points at ``distance_m`` from ``(lon, lat)`` on WGS-84, for distances up to ~200 km.

    The mid-latitude solution of the direct problem: the step is taken with the radii of
    curvature at the middle of the line, which puts the point at the given geodesic
    distance to a few parts per million at 200 km. ``azimuth_rad`` is the mean azimuth
    of the line; for a circle only the distance matters. Inputs broadcast.
    """
    lat0 = np.radians(lat)
    cos_az, sin_az = np.cos(azimuth_rad), np.sin(azimuth_rad)
    mid = lat0
    for _ in range(3):
        w = 1.0 - _E2 * np.sin(mid) ** 2
        meridian = _A * (1.0 - _E2) / w**1.5
        dlat = distance_m * cos_az / meridian
        mid = lat0 + dlat / 2.0
    w = 1.0 - _E2 * np.sin(mid) ** 2
    meridian = _A * (1.0 - _E2) / w**1.5
    dlat = distance_m * cos_az / meridian
    normal = _A / np.sqrt(w)
    dlon = distance_m * sin_az / (normal * np.cos(mid))
    return lon + np.degrees(dlon), np.degrees(lat0 + dlat)


@dataclass(frozen=True)
class Pieces:
    """Disjoint covered shapes: lone circles and unions of overlapping ones.

    Attributes
    ----------
    geometries : numpy.ndarray of shapely geometries
        WGS-84 lon/lat polygons; no two overlap.
    area_m2 : numpy.ndarray
        Geodesic area of each piece.
    kept : numpy.ndarray
        Positions (into the stations given) of the circles that contribute; the others lie
        inside a larger circle.
    """

    geometries: npt.NDArray[np.object_]
    area_m2: FloatArray
    kept: IntArray


def coverage_pieces(
    lon: FloatArray, lat: FloatArray, radius_m: FloatArray, measure: AreaMeter, *,
    vertices: int = VERTICES,
) -> Pieces:
    """Union the circles around stations, merging only those that can overlap.

    Parameters
    ----------
    lon, lat, radius_m : numpy.ndarray
        Stations (WGS-84 degrees) and the radius of each, in metres.
    measure : AreaMeter
        Measures merged pieces (a lone circle's area is known: pi r^2).
    vertices : int
        Vertices of circles smaller than :data:`COARSE_BELOW_M` (larger ones always have
        :data:`VERTICES`): 32 by default; 12 for the country's shapes (their unions about
        twice as fast; see ``benchmarks/bench_coverage.py`` for the difference). At least
        12: the slack of neighbour searches and nested circles assumes no coarser.

    Returns
    -------
    Pieces
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    radius = np.broadcast_to(np.asarray(radius_m, dtype=np.float64), lon.shape).copy()
    if lon.size == 0:
        return Pieces(np.empty(0, dtype=object), np.empty(0), np.empty(0, dtype=np.int64))
    xyz = to_ecef_m(lon, lat)
    kept = _outside_larger_circles(xyz, radius)
    xyz, radius = xyz[kept], radius[kept]
    fewest = min(vertices, VERTICES)
    scale = math.sqrt(2 * math.pi / (fewest * math.sin(2 * math.pi / fewest)))
    labels = _components(xyz, radius, slack=scale * 1.001)
    # fewer vertices only for small circles: their many unions are the cost, while a large
    # circle's vertices decide how much of it falls each side of a border
    coarse = (radius < COARSE_BELOW_M) if vertices != VERTICES else np.zeros(len(radius), bool)
    circles = np.empty(len(radius), dtype=object)
    for mask, count in ((~coarse, VERTICES), (coarse, vertices)):
        if mask.any():
            circles[mask] = circle_polygons(lon[kept][mask], lat[kept][mask], radius[mask],
                                            vertices=count)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    geometries = np.empty(len(starts), dtype=object)
    area = np.empty(len(starts))
    lone = sizes == 1
    geometries[lone] = circles[order[starts[lone]]]
    area[lone] = math.pi * radius[order[starts[lone]]] ** 2
    pair = sizes == 2  # the commonest merge, done in one vectorised call
    geometries[pair] = shapely.union(circles[order[starts[pair]]], circles[order[starts[pair] + 1]])
    larger = np.flatnonzero(sizes > 2)
    groups = [order[starts[i] : starts[i] + sizes[i]] for i in larger.tolist()]
    geometries[larger] = _union_groups(circles, groups)
    merged = ~lone
    area[merged] = measure.area_m2(geometries[merged])
    return Pieces(geometries, area, kept)


def _union_groups(circles: npt.NDArray[np.object_], groups: list[IntArray]
                  ) -> list[shapely.Geometry]:
    """The union of each group of circles; on all cores (GEOS runs without the GIL)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1 or sum(len(g) for g in groups) < 2_000:
        return [shapely.union_all(circles[g]) for g in groups]
    # the largest groups first, so that one big union does not finish last alone
    by_size = sorted(range(len(groups)), key=lambda i: -len(groups[i]))
    out: list[shapely.Geometry] = [None] * len(groups)
    with ThreadPoolExecutor(workers) as pool:
        for i, union in zip(by_size, pool.map(lambda i: shapely.union_all(circles[groups[i]]),
                                               by_size), strict=True):
            out[i] = union
    return out


def _outside_larger_circles(xyz: FloatArray, radius: FloatArray) -> IntArray:
    """Positions of circles not inside a circle of a larger radius class."""
    keep = np.ones(len(radius), dtype=bool)
    classes = np.unique(radius)
    for small in classes[:-1]:
        is_small = np.flatnonzero(radius == small)
        for large in classes[classes > small]:
            is_large = np.flatnonzero(radius == large)
            # a chord is shorter than its geodesic by d^3 / (24 R^2): 0.1 m at 50 km, 8 m at
            # 200 km, well inside the 1% of the large radius kept for that and the polygons
            margin = (large - small) - 0.01 * large
            if margin <= 0:
                continue
            chord, _ = cKDTree(xyz[is_large]).query(xyz[is_small], distance_upper_bound=margin)
            keep[is_small[chord <= margin * 0.999]] = False
    return np.flatnonzero(keep)


def _components(xyz: FloatArray, radius: FloatArray, slack: float = _PAIR_SLACK) -> IntArray:
    """Connected components of circles whose centres are closer than their radii's sum."""
    n = len(radius)
    classes = np.unique(radius)
    members = [np.flatnonzero(radius == r) for r in classes]
    trees = [cKDTree(xyz[m]) for m in members]
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    for a, (r_a, m_a, t_a) in enumerate(zip(classes, members, trees, strict=True)):
        pairs = t_a.query_pairs(2 * r_a * slack, output_type="ndarray")
        rows.append(m_a[pairs[:, 0]])
        cols.append(m_a[pairs[:, 1]])
        for r_b, m_b, t_b in zip(classes[a + 1 :], members[a + 1 :], trees[a + 1 :], strict=True):
            near = t_a.sparse_distance_matrix(t_b, (r_a + r_b) * slack, output_type="ndarray")
            rows.append(m_a[near["i"]])
            cols.append(m_b[near["j"]])
    row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(row), dtype=np.int8), (row, col)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


@dataclass(frozen=True)
class RegionCover:
    """Covered area per region, and the covered shapes clipped to the regions.

    Attributes
    ----------
    covered_m2 : numpy.ndarray
        Covered area of each region, in m².
    shapes : numpy.ndarray of shapely geometries
        The covered shapes inside the regions (for maps), each inside one region.
    shape_region : numpy.ndarray
        Index of the region of each shape.
    """

    covered_m2: FloatArray
    shapes: npt.NDArray[np.object_]
    shape_region: IntArray


def cover_regions(
    pieces: Pieces, regions: npt.NDArray[np.object_], measure: AreaMeter
) -> RegionCover:
    """Intersect covered pieces with regions and measure the covered area of each region.

    Pieces lying wholly inside one region count with their own area; only pieces that
    cross a boundary are intersected (with the region clipped to the piece's bounds first,
    which keeps the overlay small), and the intersections are measured with ``measure``.

    Parameters
    ----------
    pieces : Pieces
    regions : numpy.ndarray of shapely geometries
        Non-overlapping regions, WGS-84 lon/lat.
    measure : AreaMeter
        Measures the areas of the intersections.

    Returns
    -------
    RegionCover
    """
    covered = np.zeros(len(regions))
    if len(pieces.geometries) == 0 or len(regions) == 0:
        return RegionCover(covered, np.empty(0, dtype=object), np.empty(0, dtype=np.int64))
    piece_idx, region_idx = shapely.STRtree(regions).query(pieces.geometries)
    shapely.prepare(regions)
    inside = shapely.contains_properly(regions[region_idx], pieces.geometries[piece_idx])
    np.add.at(covered, region_idx[inside], pieces.area_m2[piece_idx[inside]])
    crossing = ~inside
    crossing[crossing] = shapely.intersects(
        regions[region_idx[crossing]], pieces.geometries[piece_idx[crossing]]
    )
    clipped = [
        shapely.intersection(piece, shapely.clip_by_rect(regions[r], *piece.bounds))
        for piece, r in zip(
            pieces.geometries[piece_idx[crossing]], region_idx[crossing].tolist(), strict=True
        )
    ]
    polygonal = [_polygonal(g) for g in clipped]
    found = np.array([g is not None for g in polygonal], dtype=bool)
    clipped_shapes = _object_array([g for g in polygonal if g is not None])
    clipped_region = region_idx[crossing][found]
    np.add.at(covered, clipped_region, measure.area_m2(clipped_shapes))
    shapes = np.concatenate([pieces.geometries[piece_idx[inside]], clipped_shapes])
    shape_region = np.concatenate([region_idx[inside], clipped_region]).astype(np.int64)
    return RegionCover(covered, shapes, shape_region)


class AreaMeter:
    """Areas of lon/lat polygons in a Lambert azimuthal equal-area projection.

    The projection is exactly equal-area on the ellipsoid, so the area of a projected
    polygon is its area on WGS-84; only the edges differ (straight in the projection rather
    than geodesics), which for edges of a few kilometres changes areas by parts per
    million. One projection call for all vertices of all polygons: thousands of pieces are
    measured in milliseconds, where one geodesic call per polygon costs ~100 µs.

    Parameters
    ----------
    lon_0, lat_0 : float
        Centre of the projection, degrees (the middle of the region looked at).
    """

    def __init__(self, lon_0: float, lat_0: float) -> None:
        self._transformer = laea_transformer(lon_0, lat_0)

    def area_m2(self, geometries: npt.NDArray[np.object_]) -> FloatArray:
        """Area in m² of each (multi)polygon, 0 for empty or missing ones."""
        if len(geometries) == 0:
            return np.empty(0)
        projected = shapely.transform(geometries, self._forward)
        return np.nan_to_num(shapely.area(projected))

    def _forward(self, xy: FloatArray) -> FloatArray:
        x, y = self._transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])


@functools.lru_cache(maxsize=64)
def laea_transformer(lon_0: float, lat_0: float) -> Transformer:
    """Transformer from WGS-84 lon/lat to a Lambert azimuthal equal-area projection (m)."""
    return Transformer.from_crs(
        "EPSG:4326",
        f"+proj=laea +lat_0={lat_0:.4f} +lon_0={lon_0:.4f} +ellps=WGS84 +units=m",
        always_xy=True,
    )


def _object_array(items: list[shapely.Geometry]) -> npt.NDArray[np.object_]:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of an intersection (dropping touching lines and points), or None."""
    if geometry is None or geometry.is_empty:
        return None
    if isinstance(geometry, shapely.Polygon | shapely.MultiPolygon):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon)]
    if not parts:
        return None
    return shapely.MultiPolygon(parts)
