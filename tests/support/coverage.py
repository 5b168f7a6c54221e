"""Hand-made station tables and demand points for coverage tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyproj import Geod

from geodata.regions import locate
from stations.coverage.demand import Demand

GEOD = Geod(ellps="WGS84")
# (lon, lat) of places the tests use, WGS-84
SANYA = (109.51, 18.25)
ZHENGZHOU = (113.68, 34.80)
MOHE = (122.54, 52.97)


def offset(origin: tuple[float, float], east_m: float = 0.0, north_m: float = 0.0
           ) -> tuple[float, float]:
    """The point ``east_m`` east then ``north_m`` north of ``origin`` (geodesic)."""
    x, y, _ = GEOD.fwd(origin[0], origin[1], 90.0, east_m)
    x, y, _ = GEOD.fwd(x, y, 0.0, north_m)
    return float(x), float(y)


def stations(points: Sequence[tuple[float, float]], *, kind: str = "outdoor_worker_station",
             status: str | Sequence[str] = "active", standing: str | Sequence[str] = "compliant",
             names: Sequence[str] | None = None) -> pd.DataFrame:
    """A station table like ``Registry.frame()`` for the given points."""
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    n = len(points)
    adcode = locate(lon, lat)["adcode"].to_numpy(object) if n else np.empty(0, dtype=object)
    return pd.DataFrame({
        "id": [f"T{i:04d}" for i in range(n)],
        "name": list(names) if names is not None else [f"测试驿站{i}" for i in range(n)],
        "kind": kind,
        "status": list(status) if not isinstance(status, str) else status,
        "standing": list(standing) if not isinstance(standing, str) else standing,
        "lon": lon,
        "lat": lat,
        "adcode": adcode,
    })


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    frame = pd.concat(frames, ignore_index=True)
    frame["id"] = [f"T{i:04d}" for i in range(len(frame))]
    return frame


def clustered_demand(spots: Sequence[tuple[tuple[float, float], float]], *, per_spot: int = 5,
                     spread_m: float = 30.0) -> Demand:
    """``per_spot`` points within ``spread_m`` of each spot sharing the spot's weight."""
    lon, lat, weight = [], [], []
    for (x, y), w in spots:
        for k in range(per_spot):
            px, py, _ = GEOD.fwd(x, y, 360.0 * k / per_spot, spread_m)
            lon.append(px)
            lat.append(py)
            weight.append(w / per_spot)
    return Demand(np.array(lon), np.array(lat), np.array(weight), source="test")
