"""Large, realistic synthetic registries for benchmarks and load tests.

Stations cluster around Chinese cities in proportion to their population;
driver homes spread along the corridors between them. Same seed, same registry.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geodata.china import in_china
from stations.core.model import format_services
from stations.io.tabular import COLUMNS

# (name, lon, lat, population in millions) — WGS-84, rounded city centres.
CITIES: tuple[tuple[str, float, float, float], ...] = (
    ("北京", 116.40, 39.90, 21.9), ("上海", 121.47, 31.23, 24.9), ("广州", 113.26, 23.13, 18.8),
    ("深圳", 114.06, 22.54, 17.7), ("重庆", 106.55, 29.56, 16.0), ("成都", 104.07, 30.57, 21.4),
    ("天津", 117.20, 39.08, 13.7), ("武汉", 114.31, 30.59, 13.7), ("西安", 108.94, 34.34, 13.0),
    ("杭州", 120.16, 30.27, 12.4), ("郑州", 113.63, 34.75, 12.8), ("南京", 118.80, 32.06, 9.5),
    ("长沙", 112.94, 28.23, 10.4), ("沈阳", 123.43, 41.80, 9.1), ("青岛", 120.38, 36.07, 10.3),
    ("哈尔滨", 126.53, 45.80, 9.9), ("济南", 117.12, 36.65, 9.4), ("合肥", 117.23, 31.82, 9.6),
    ("昆明", 102.83, 24.88, 8.5), ("福州", 119.30, 26.08, 8.4), ("石家庄", 114.51, 38.04, 11.2),
    ("长春", 125.32, 43.82, 9.1), ("南昌", 115.86, 28.68, 6.4), ("贵阳", 106.63, 26.65, 6.0),
    ("南宁", 108.37, 22.82, 8.8), ("太原", 112.55, 37.87, 5.4), ("乌鲁木齐", 87.62, 43.83, 4.1),
    ("兰州", 103.83, 36.06, 4.4), ("呼和浩特", 111.75, 40.84, 3.4), ("银川", 106.23, 38.49, 2.9),
    ("西宁", 101.78, 36.62, 2.5), ("拉萨", 91.13, 29.65, 0.9), ("海口", 110.20, 20.04, 2.9),
    ("大连", 121.61, 38.91, 7.5), ("厦门", 118.09, 24.48, 5.3), ("宁波", 121.55, 29.87, 9.5),
    ("苏州", 120.59, 31.30, 12.7), ("无锡", 120.31, 31.49, 7.5), ("东莞", 113.75, 23.02, 10.5),
    ("佛山", 113.12, 23.02, 9.5), ("温州", 120.70, 28.00, 9.6), ("徐州", 117.28, 34.20, 9.0),
    ("洛阳", 112.45, 34.62, 7.1), ("潍坊", 119.16, 36.71, 9.4), ("临沂", 118.36, 35.10, 11.0),
    ("赣州", 114.93, 25.83, 9.0), ("南阳", 112.53, 33.00, 9.7), ("泉州", 118.68, 24.87, 8.8),
    ("唐山", 118.18, 39.63, 7.7), ("包头", 109.84, 40.66, 2.7), ("喀什", 75.99, 39.47, 0.7),
    ("漠河", 122.54, 52.97, 0.1), ("三亚", 109.51, 18.25, 1.0), ("格尔木", 94.90, 36.40, 0.2),
)
_SERVICE_P = {
    "drinking_water": 0.95, "hot_water": 0.75, "food_heating": 0.6, "toilet": 0.7,
    "rest_area": 0.9, "air_conditioning": 0.8, "heating": 0.5, "first_aid": 0.7,
    "phone_charging": 0.85, "wifi": 0.6, "reading": 0.4, "parking": 0.2,
    "truck_parking": 0.03, "shower": 0.08, "laundry": 0.05, "meals": 0.1,
    "lodging": 0.03, "security": 0.1, "repair": 0.05,
}
_DRIVER_SERVICE_P = _SERVICE_P | {
    "truck_parking": 0.95, "parking": 0.95, "shower": 0.8, "laundry": 0.7, "meals": 0.8,
    "lodging": 0.5, "security": 0.8, "repair": 0.3, "hot_water": 0.95, "toilet": 0.98,
}
_HOURS = ("24/7", "08:00-20:00", "Mo-Fr 08:00-18:00", "Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00",
          "07:00-22:00")
_HOURS_P = (0.25, 0.35, 0.2, 0.1, 0.1)
_STATUS = ("active", "planned", "suspended", "revoked")
_STATUS_P = (0.92, 0.03, 0.03, 0.02)
_BRANDS = ("爱心驿站", "工会驿站", "暖心驿站", "劳动者港湾", "户外劳动者服务站")


def synthetic_frame(n: int, seed: int = 42) -> pd.DataFrame:
    """``n`` synthetic stations with the ledger columns (services as tuples)."""
    rng = np.random.default_rng(seed)
    names, lons, lats, pops = (np.array(x) for x in zip(*CITIES, strict=True))
    weights = pops.astype(float) / pops.sum()
    city = rng.choice(len(CITIES), size=n, p=weights)
    driver = rng.random(n) < 0.08
    # urban spread ~ a few km (more in bigger cities); driver homes along 20-150 km corridors
    sigma_km = np.where(driver, rng.uniform(20, 150, n), 2.0 + 1.5 * np.sqrt(pops[city].astype(float)))
    dx_km, dy_km = rng.normal(size=(2, n)) * sigma_km
    lat = lats[city].astype(float) + dy_km / 111.0
    lon = lons[city].astype(float) + dx_km / (111.0 * np.cos(np.radians(lat)))
    # stations spread past a border or coastline are pulled back towards their city
    for _ in range(20):
        outside = ~in_china(lon, lat)
        if not outside.any():
            break
        lon[outside] = (lon[outside] + lons[city[outside]]) / 2
        lat[outside] = (lat[outside] + lats[city[outside]]) / 2
    codes = list(_SERVICE_P)
    p_out = np.array([_SERVICE_P[c] for c in codes])
    p_drv = np.array([_DRIVER_SERVICE_P[c] for c in codes])
    has = rng.random((n, len(codes))) < np.where(driver[:, None], p_drv, p_out)
    capacity = rng.integers(10, 200, n)
    hours = rng.choice(len(_HOURS), size=n, p=_HOURS_P)
    status = rng.choice(len(_STATUS), size=n, p=_STATUS_P)
    brand = rng.choice(len(_BRANDS), size=n)
    services = [tuple(c for c, h in zip(codes, row, strict=True) if h) for row in has]
    return pd.DataFrame({
        "id": [f"SYN{i:07d}" for i in range(n)],
        "name": [
            f"{names[c]}{'司机之家' if d else _BRANDS[b]}{i}"
            for i, (c, d, b) in enumerate(zip(city, driver, brand, strict=True))
        ],
        "kind": np.where(driver, "driver_home", "outdoor_worker_station"),
        "lon": np.round(lon, 6),
        "lat": np.round(lat, 6),
        "address": [f"{names[c]}市第{i % 97 + 1}街{i % 301 + 1}号" for i, c in enumerate(city)],
        "services": services,
        "truck_parking_capacity": np.where(driver, capacity, 0),
        "opening_hours": np.where(driver, "24/7", np.array(_HOURS)[hours]),
        "phone": [f"0{rng_digit}-{i % 10_000_000:07d}" for rng_digit, i in zip(city % 9 + 1, range(n), strict=True)],
        "status": np.array(_STATUS)[status],
        "host": [f"{names[c]}市总工会" for c in city],
    })


def write_synthetic_csv(path: str | Path, n: int, seed: int = 42) -> Path:
    """Write a synthetic ledger CSV (WGS-84) that ``stations import`` accepts."""
    frame = synthetic_frame(n, seed)
    frame["services"] = [
        format_services(s, int(c) if "truck_parking" in s and c else None)
        for s, c in zip(frame["services"], frame["truck_parking_capacity"], strict=True)
    ]
    path = Path(path)
    frame[list(COLUMNS)].to_csv(path, index=False, encoding="utf-8")
    return path
