"""PostGIS KNN beside the in-memory index, on the same 200,000 stations, same run.

    python benchmarks/bench_postgis.py [POSTGRES_URL] [N]

Default URL: postgresql://postgres@127.0.0.1:5432/stations_test (needs the postgis
extension). Loads N synthetic stations into a fresh schema, then times k=5 nearest
queries answered by ``ORDER BY geog <-> point`` on the GiST index
(:func:`stations.search.sql.nearest_in_database`) and by the in-memory index.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stations.io.ledger import import_ledger  # noqa: E402
from stations.io.synth import CITIES, write_synthetic_csv  # noqa: E402
from stations.search.index import NearestIndex  # noqa: E402
from stations.search.sql import nearest_in_database  # noqa: E402
from stations.store.registry import Registry  # noqa: E402


def _points(n: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(9)
    idx = rng.integers(0, len(CITIES), n)
    return [(CITIES[i][1] + rng.normal() * 0.2, CITIES[i][2] + rng.normal() * 0.2) for i in idx]


def _percentiles(times: list[float]) -> str:
    us = np.array(times) * 1e6
    return f"p50 {np.percentile(us, 50):8.1f} µs  p99 {np.percentile(us, 99):8.1f} µs"


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/stations_test"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        registry = Registry.open(f"{url}?options=-csearch_path%3D{schema},public")
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            import_ledger(registry, write_synthetic_csv(Path(tmp) / "s.csv", n=n, seed=5))
            t_load = time.perf_counter() - t0
        with registry.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE stations"))
        t0 = time.perf_counter()
        index = NearestIndex.build(registry.frame())
        t_build = time.perf_counter() - t0
        points = _points(500)
        sql_times, mem_times, agree = [], [], 0
        for lon, lat in points:
            t0 = time.perf_counter()
            got = nearest_in_database(registry, lon, lat, 5)
            sql_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pos, _ = index.query_positions(lon, lat, 5)
            mem_times.append(time.perf_counter() - t0)
            agree += [f.id for f in got] == [index.column("id")[p] for p in pos]
        registry.close()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    print(f"stations: {n:,} (import into PostGIS {t_load:.1f} s; index from DB {t_build:.1f} s)")
    print(f"PostGIS KNN (geog <-> point, GiST), k=5 : {_percentiles(sql_times)}")
    print(f"in-memory index, k=5                  : {_percentiles(mem_times)}")
    print(f"speed-up p50: {np.percentile(sql_times, 50) / np.percentile(mem_times, 50):.0f}x; "
          f"same answers: {agree}/{len(points)}")


if __name__ == "__main__":
    main()
