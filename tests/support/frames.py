"""Station tables for search tests: random but reproducible, clustered like cities."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Geod

from stations.core.hours import parse_hours
from stations.core.vocab import SERVICE_CODES

GEOD = Geod(ellps="WGS84")
# (lon, lat, spread in km): Beijing, Shanghai, Zhengzhou, Urumqi
CITIES = ((116.40, 39.90, 6.0), (121.47, 31.23, 8.0), (113.63, 34.75, 4.0), (87.62, 43.83, 3.0))
HOURS = ("24/7", "08:00-20:00", "Mo-Fr 08:00-18:00", "Sa,Su 09:00-17:00", "22:00-06:00", None)
STANDINGS = ("compliant", "failing", "never_inspected", "overdue", None)
STATUSES = ("active", "active", "active", "active", "planned", "suspended", "revoked")


def station_frame(n: int = 3000, seed: int = 0, *, standing: bool = True) -> pd.DataFrame:
    """``n`` stations around a few cities with every column the search reads."""
    rng = np.random.default_rng(seed)
    city = rng.integers(len(CITIES), size=n)
    lon0, lat0, spread = (np.array(v)[city] for v in zip(*CITIES, strict=True))
    distance = np.abs(rng.normal(size=n)) * spread * 1000.0
    lon, lat, _ = GEOD.fwd(lon0, lat0, rng.uniform(0, 360, n), distance)
    # most stations offer common services; "shower" and "lodging" are rare
    share = np.where(np.isin(SERVICE_CODES, ("shower", "lodging")), 0.05, 0.5)
    has = rng.random((n, len(SERVICE_CODES))) < share
    frame = pd.DataFrame({
        "id": [f"S{i:05d}" for i in range(n)],
        "name": [f"测试驿站{i}" for i in range(n)],
        "kind": np.where(rng.random(n) < 0.1, "driver_home", "outdoor_worker_station"),
        "status": np.array(STATUSES)[rng.integers(len(STATUSES), size=n)],
        "lon": lon,
        "lat": lat,
        "address": [f"测试路{i}号" for i in range(n)],
        "phone": [None if i % 3 else f"010-{i:08d}" for i in range(n)],
        "host": "测试总工会",
        "services": [tuple(c for c, h in zip(SERVICE_CODES, row, strict=True) if h) for row in has],
        "opening_hours": np.array(HOURS, dtype=object)[rng.integers(len(HOURS), size=n)],
        "adcode": "110101",
        "province": "北京市",
        "city": "北京市",
        "county": "东城区",
    })
    if standing:
        frame["standing"] = np.array(STANDINGS, dtype=object)[rng.integers(len(STANDINGS), size=n)]
    return frame


def brute_force(frame: pd.DataFrame, lon: float, lat: float, k: int, *, kind=None, services=(),
                open_at=None, status=("active",), compliant_only=False,
                max_distance_m=None) -> tuple[list[str], np.ndarray]:
    """Ids and geodesic distances of the ``k`` nearest qualifying stations, by measuring all."""
    n = len(frame)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), frame["lon"].to_numpy(),
                          frame["lat"].to_numpy())
    ok = np.ones(n, dtype=bool)
    if kind is not None:
        ok &= (frame["kind"] == kind).to_numpy()
    for code in services:
        ok &= np.array([code in s for s in frame["services"]])
    if open_at is not None:
        ok &= np.array([isinstance(h, str) and parse_hours(h).is_open(open_at)
                        for h in frame["opening_hours"]])
    if status is not None:
        ok &= frame["status"].isin(status).to_numpy()
    if compliant_only:
        ok &= (frame.get("standing") == "compliant").to_numpy()
    if max_distance_m is not None:
        ok &= dist <= max_distance_m
    dist = np.where(ok, dist, np.inf)
    order = np.lexsort((np.arange(n), dist))[:k]
    order = order[np.isfinite(dist[order])]
    return frame["id"].to_numpy()[order].tolist(), dist[order]
