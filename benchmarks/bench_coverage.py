"""Time coverage analysis against a naive union of all buffers, and the national map.

Usage (from the repository root)::

    python benchmarks/bench_coverage.py [--stations 20000] [--radius-m 500] [--repeat 3]
                                         [--national 200000]

1. Province: ``--stations`` synthetic stations in Henan (410000): a third around Zhengzhou,
   the rest around every county seat, all inside the province; covered area per county
   at ``--radius-m``. Ours (``stations.coverage.analysis.analyse``: only overlapping circles
   merged) cold, i.e. stations never seen before (region boundaries already loaded, as in
   a running server), then a repeated request through ``CoverageService`` (cached by
   registry revision). Next to it, measured in the same run: ``shapely.union_all`` of all
   the same circles, then intersected with each county and measured.
2. National: ``--national`` synthetic stations (``stations.io.synth``) over China at the
   default radii (1 km for outdoor-worker stations, 50 km for driver homes), today's exact
   path (``analyse``) and the service's fast path side by side: the country by province
   cold (a fresh process), every province, the country warm, the largest difference in
   covered area between the two; then the country's gaps and its map page.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.regions import region  # noqa: E402
from stations.coverage.analysis import analyse  # noqa: E402
from stations.coverage.geometry import AreaMeter, circle_polygons  # noqa: E402
from stations.coverage.query import parse_query, subregions  # noqa: E402
from stations.coverage.service import CoverageService  # noqa: E402
from stations.io.synth import synthetic_frame  # noqa: E402
from stations.render import coverage_map  # noqa: E402

GEOD = Geod(ellps="WGS84")


def province_frame(n: int, adcode: str = "410000", seed: int = 7, layout: str = "clustered"
                   ) -> pd.DataFrame:
    """``n`` active stations inside a province: ``clustered`` around its county seats (a
    third around the capital) or ``spread`` evenly over it."""
    rng = np.random.default_rng(seed)
    province = region(adcode)
    counties = [c for city in province.children() for c in (city.children() or [city])]
    seats = np.array([c.geometry.representative_point().coords[0] for c in counties])
    capital = np.array(province.children()[0].geometry.representative_point().coords[0])
    lon, lat, adcodes = [], [], []
    shapely.prepare(province.geometry)
    while len(lon) < n:
        m = 2 * (n - len(lon))
        around_capital = rng.random(m) < 1 / 3
        pick = rng.integers(len(counties), size=m)
        centre = np.where(around_capital[:, None], capital, seats[pick])
        spread_m = np.where(around_capital, 9_000.0, 4_000.0)
        x, y, _ = GEOD.fwd(centre[:, 0], centre[:, 1], rng.uniform(0, 360, m),
                           np.abs(rng.normal(size=m)) * spread_m)
        if layout == "spread":
            west, south, east, north = province.geometry.bounds
            x, y = rng.uniform(west, east, m), rng.uniform(south, north, m)
        inside = shapely.contains_xy(province.geometry, x, y)
        lon.extend(x[inside].tolist())
        lat.extend(y[inside].tolist())
    lon, lat = np.array(lon[:n]), np.array(lat[:n])
    from geodata.regions import locate

    adcodes = locate(lon, lat)["adcode"].to_numpy(object)
    return pd.DataFrame({
        "id": [f"HN{i:06d}" for i in range(n)], "name": [f"驿站{i}" for i in range(n)],
        "kind": "outdoor_worker_station", "status": "active", "standing": "compliant",
        "lon": lon, "lat": lat, "adcode": adcodes,
    })


class FrameRegistry:
    """Just enough of a Registry for CoverageService: a fixed table and revision."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self.rev = 1

    def revision(self) -> int:
        return self.rev

    def frame(self) -> pd.DataFrame:
        return self._frame


def naive(frame: pd.DataFrame, radius_m: float, counties: np.ndarray, meter: AreaMeter
          ) -> tuple[float, float]:
    """Seconds for union_all of every circle, and the total (with per-county areas)."""
    circles = circle_polygons(frame["lon"].to_numpy(), frame["lat"].to_numpy(),
                              np.full(len(frame), radius_m))
    start = time.perf_counter()
    union = shapely.union_all(circles)
    union_s = time.perf_counter() - start
    parts = shapely.intersection(union, counties)
    meter.area_m2(parts)
    return union_s, time.perf_counter() - start


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def line(label: str, seconds: list[float] | float) -> None:
    values = seconds if isinstance(seconds, list) else [seconds]
    print(f"{label:<58} best {min(values):7.3f} s   median {statistics.median(values):7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=20_000)
    parser.add_argument("--radius-m", type=float, default=500.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--national", type=int, default=200_000)
    args = parser.parse_args()

    query = parse_query("410000", radius_m=args.radius_m, by="county")
    counties = np.array([s.geometry for s in subregions(query)], dtype=object)
    centre = region("410000").geometry.envelope.centroid
    meter = AreaMeter(round(centre.x, 1), round(centre.y, 1))
    analyse(province_frame(50), query)  # load boundaries and per-county areas once
    for layout in ("clustered", "spread") if args.stations else ():
        print(f"Henan 410000: {args.stations:,} stations {layout}, radius {args.radius_m:g} m, "
              f"{len(counties)} counties")
        frames = [province_frame(args.stations, seed=7 + i, layout=layout)
                  for i in range(args.repeat)]
        cold = []
        for frame in frames:  # each a registry never seen: nothing cached but the boundaries
            start = time.perf_counter()
            result = analyse(frame, query)
            cold.append(time.perf_counter() - start)
        line("ours, cold (only overlapping circles merged)", cold)
        service = CoverageService(FrameRegistry(frames[0]),  # type: ignore[arg-type]
                                  load=frames[0].copy)
        service.analyse(query)
        line("ours, repeated request (cache, same revision)",
             timed(lambda s=service: s.analyse(query), args.repeat))
        naive_runs = [naive(frame, args.radius_m, counties, meter) for frame in frames]
        line("naive: shapely.union_all of all circles", [u for u, _ in naive_runs])
        line("naive: union_all + intersect counties + areas", [t for _, t in naive_runs])
        totals = result.totals()
        print(f"  covered {totals['covered_km2']:,.1f} km² of {totals['area_km2']:,.1f} km² "
              f"({totals['coverage_ratio']:.2%})\n")

    if args.national:
        national_scale(args.national, args.repeat)


COLD = """
import sys, time, pickle
sys.path.insert(0, {root!r})
frame = pickle.load(open({frame!r}, "rb"))
from stations.coverage.analysis import analyse
from stations.coverage.query import parse_query
from stations.coverage.service import CoverageService
class R:
    def revision(self): return 1
start = time.perf_counter()
if {new!r}:
    CoverageService(R(), load=lambda: frame).analyse(parse_query(None))
else:
    analyse(frame, parse_query(None))
print(time.perf_counter() - start)
"""


def cold_seconds(frame_file: Path, new: bool) -> float:
    """The first question in a fresh process (boundaries not loaded yet), as after a start."""
    import subprocess

    code = COLD.format(root=str(ROOT), frame=str(frame_file), new=new)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip().splitlines()[-1])


def national_scale(n: int, repeat: int) -> None:
    """Today's exact path (``analyse``: 32-vertex circles unioned per question) beside the
    service's fast path (the country's 16-vertex shapes computed once, shared by every
    region), for the targets: country by province cold <= 3 s, any province <= 1 s, warm
    <= 50 ms, coverage within 0.5% of today's figures."""
    import pickle
    import tempfile

    from geodata.regions import locate

    print(f"China: {n:,} synthetic stations, default radii "
          "(1 km outdoor-worker stations, 50 km driver homes)")
    frame = synthetic_frame(n, seed=42)
    frame["adcode"] = locate(frame["lon"], frame["lat"])["adcode"]
    frame["standing"] = "never_inspected"
    with tempfile.TemporaryDirectory() as folder:
        frame_file = Path(folder) / "frame.pkl"
        with frame_file.open("wb") as fh:
            pickle.dump(frame, fh)
        old_cold = [cold_seconds(frame_file, new=False) for _ in range(repeat)]
        new_cold = [cold_seconds(frame_file, new=True) for _ in range(repeat)]
    print(f"{'':<46}{'today (exact)':>18}{'fast path':>16}{'target':>10}")
    row("country by province, cold (fresh process)", old_cold, new_cold, "3 s")
    national = parse_query(None)
    service = CoverageService(FrameRegistry(frame), load=frame.copy)  # type: ignore[arg-type]
    old_country = analyse(frame, national)
    new_country = service.analyse(national)
    old_s, new_s, worst = [], [], 0.0
    for province in region(None).children():
        q = parse_query(province.adcode)
        start = time.perf_counter()
        old = analyse(frame, q)
        old_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        new = service.analyse(q)
        new_s.append(time.perf_counter() - start)
        worst = max(worst, _worst_difference(old.table, new.table))
    row("any province (34), worst", [max(old_s)], [max(new_s)], "1 s")
    row("any province (34), median", [statistics.median(old_s)],
        [statistics.median(new_s)], "")
    warm = timed(lambda: service.analyse(national), max(repeat, 5))
    start = time.perf_counter()
    analyse(frame, national)
    row("country again (warm: cache)", [time.perf_counter() - start], warm, "0.05 s")
    worst = max(worst, _worst_difference(old_country.table, new_country.table))
    # outdoor-worker stations alone: 1 km circles, no driver home's circle to hide them in
    riders = parse_query(None, kind="outdoor_worker_station")
    start = time.perf_counter()
    old_riders = analyse(frame, riders)
    old_r = time.perf_counter() - start
    start = time.perf_counter()
    new_riders = service.analyse(riders)
    row("country, outdoor-worker stations only", [old_r], [time.perf_counter() - start], "3 s")
    worst = max(worst, _worst_difference(old_riders.table, new_riders.table))
    for province in region(None).children():
        q = parse_query(province.adcode, kind="outdoor_worker_station")
        worst = max(worst, _worst_difference(analyse(frame, q).table, service.analyse(q).table))
    print(f"  largest difference in covered area, any province or city row: {worst:.4%} "
          "(target 0.5%)")
    start = time.perf_counter()
    result = service.analyse(national, gaps=True)
    line("  gaps of the country (service, after the analysis)", time.perf_counter() - start)
    builds = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = coverage_map(result).html()
        builds.append(time.perf_counter() - start)
    line("  coverage map page of the country built", builds)
    packed = len(gzip.compress(page.encode()))
    print(f"  page {len(page.encode()) / 1e6:.2f} MB, gzipped {packed / 1e6:.2f} MB "
          f"(limits 3 MB / 1 MB)")


def row(label: str, old: list[float], new: list[float], target: str) -> None:
    print(f"{label:<46}{min(old):>16.3f} s{min(new):>14.3f} s{target:>10}")


def _worst_difference(old: pd.DataFrame, new: pd.DataFrame) -> float:
    """Largest relative difference in covered km² over rows covering at least 1 km²."""
    a = old.set_index("adcode")["covered_km2"]
    b = new.set_index("adcode")["covered_km2"].reindex(a.index)
    big = a >= 1.0
    if not big.any():
        return 0.0
    return float(((b[big] - a[big]).abs() / a[big]).max())


if __name__ == "__main__":
    main()
