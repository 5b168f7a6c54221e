"""Nearest stations answered by the database itself: the fallback path.

On PostgreSQL + PostGIS this is a KNN query (``ORDER BY geog <-> point``) on the
GiST index, re-ranked by the exact ellipsoidal distance; on SQLite a box around
the point grows until it holds ``k`` stations within its inscribed radius. The
service normally answers from the in-memory index (:mod:`stations.search.index`);
this path needs no start-up and is the anchor the benchmark measures it against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Select, select, text

from geodata.geodesy import distance_m
from stations.core.filters import check_filters
from stations.search.inputs import check_k, check_max_distance, check_point
from stations.store.registry import Registry
from stations.store.tables import StationRow

_START_RADIUS_M = 2_000.0
_EARTH_M_PER_DEG = 110_500.0  # at least, along a meridian; used for box sizes only
_SPHERE_ERROR = 0.006  # sphere vs WGS-84 ellipsoid distances differ by less than this


@dataclass(frozen=True)
class Found:
    id: str
    name: str
    distance_m: float


def nearest_in_database(
    registry: Registry,
    lon: float,
    lat: float,
    k: int = 5,
    *,
    kind: str | None = None,
    services: Sequence[str] = (),
    status: str | None = "active",
    max_distance_m: float | None = None,
    crs: str = "wgs84",
) -> list[Found]:
    """The ``k`` nearest stations by geodesic distance, asked of the database.

    Parameters are those of :meth:`stations.search.index.NearestIndex.query` (without
    the opening-hours and standing filters, which need the in-memory tables).
    """
    k = check_k(k)
    qlon, qlat = check_point(lon, lat, crs)
    limit_m = check_max_distance(max_distance_m)
    check_filters(kind=kind, services=services, status=status)
    # unlocated stations (no coordinates) are never found
    query = select(StationRow.id, StationRow.name, StationRow.lon, StationRow.lat).where(
        StationRow.lon.is_not(None), StationRow.lat.is_not(None))
    if kind:
        query = query.where(StationRow.kind == kind)
    if status:
        query = query.where(StationRow.status == status)
    for code in services:
        query = query.where(StationRow.services.contains(f";{code};"))
    if registry.engine.dialect.name == "postgresql":
        found = _knn_postgis(registry, query, qlon, qlat, k)
    else:
        found = _growing_box(registry, query, qlon, qlat, k, limit_m)
    if limit_m is not None:
        found = [f for f in found if f.distance_m <= limit_m]
    return found[:k]


def _measure(rows: Sequence[tuple[str, str, float, float]], qlon: float, qlat: float) -> list[Found]:
    if not rows:
        return []
    lons = np.array([r[2] for r in rows])
    lats = np.array([r[3] for r in rows])
    dist = np.atleast_1d(distance_m(qlon, qlat, lons, lats))
    order = np.lexsort((np.array([r[0] for r in rows]), dist))
    return [Found(rows[i][0], rows[i][1], round(float(dist[i]), 1)) for i in order]


def _knn_postgis(registry: Registry, query: Select, qlon: float, qlat: float, k: int) -> list[Found]:
    # ``<->`` on geography orders by distance on the sphere, which differs from the
    # ellipsoid by under 0.5 %: fetch candidates in that order, re-rank them
    # exactly, and accept when the k-th is closer than any station not fetched
    # can be; otherwise fetch more.
    point = "ST_SetSRID(ST_MakePoint(:qlon, :qlat), 4326)::geography"
    knn = query.add_columns(text(f"ST_Distance(geog, {point}, false)")).order_by(
        text(f"geog <-> {point}"))
    limit = k * 2 + 8
    while True:
        with registry.session() as s:
            rows = s.execute(knn.limit(limit), {"qlon": qlon, "qlat": qlat}).all()
        found = _measure([tuple(r[:4]) for r in rows], qlon, qlat)
        if len(rows) < limit:
            return found  # every qualifying station was fetched
        unseen_bound_m = float(rows[-1][4]) * (1 - _SPHERE_ERROR)
        if found[k - 1].distance_m <= unseen_bound_m:
            return found
        limit *= 4


def _growing_box(registry: Registry, query: Select, qlon: float, qlat: float, k: int,
                 limit_m: float | None) -> list[Found]:
    radius = _START_RADIUS_M
    while True:
        dlat = radius / _EARTH_M_PER_DEG * 1.01
        dlon = min(180.0, dlat / max(math.cos(math.radians(min(abs(qlat) + dlat, 89.9))), 1e-6))
        boxed = query.where(
            StationRow.lat.between(qlat - dlat, qlat + dlat),
            StationRow.lon.between(qlon - dlon, qlon + dlon),
        )
        with registry.session() as s:
            rows = [tuple(r) for r in s.execute(boxed).all()]
        found = _measure(rows, qlon, qlat)
        inside = [f for f in found if f.distance_m <= radius]
        if len(inside) >= k or dlon >= 180.0 or radius >= 20_100_000 or (
                limit_m is not None and radius >= limit_m):
            return inside if len(inside) >= k or limit_m is not None else found
        radius *= 4
