"""OGC API download speed: 200,000 stations pulled by GDAL page by page, against
``stations export x.geojson`` on the same registry, in the same run.

    python benchmarks/bench_ogc.py [N] [DB_FILE]

(``DB_FILE``: keep the registry there and reuse it on the next run.)

The server runs as ``stations serve`` in its own process (as in production); GDAL reads
``OAPIF:http://…/ogc`` layer ``stations`` following ``next`` links. Measured:

- ``stations export x.geojson`` (the command, start to end): the baseline;
- GDAL 3.12 of the pyogrio wheel, page size taken from the API (1,000), into a GeoDataFrame;
- Debian's ``ogr2ogr`` (GDAL 3.6, which does not read the page size from the API) with
  ``-oo PAGE_SIZE=1000`` and ``10000``, into a GeoJSON file.

Target: GDAL's paged download ≤ 2× the export.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyogrio  # noqa: E402

from stations.io.ledger import import_ledger  # noqa: E402
from stations.io.synth import write_synthetic_csv  # noqa: E402
from stations.store.registry import Registry  # noqa: E402
from tests.support.live_server import free_port  # noqa: E402

ENV = os.environ | {"PYTHONPATH": str(ROOT), "STATIONS_SEED_DEMO": "false"}


def timed(args: list[str], **kwargs: object) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, env=ENV, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        db_file = Path(sys.argv[2]) if len(sys.argv) > 2 else tmp / "bench.db"
        db = f"sqlite:///{db_file}"
        registry = Registry.open(db)
        if registry.count() != n:
            import_ledger(registry, write_synthetic_csv(tmp / "ledger.csv", n=n, seed=7))
        published = sum(1 for st in registry.all() if st.status in ("planned", "active", "suspended"))
        registry.close()

        t_export = timed([sys.executable, "-m", "stations", "export", str(tmp / "x.geojson"), "--db", db])

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "stations", "serve", "--db", db, "--port", str(port)],
            env=ENV | {"STATIONS_HOME": str(tmp)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/ogc"
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    time.sleep(0.2)
            t0 = time.perf_counter()
            frame = pyogrio.read_dataframe(f"OAPIF:{url}", layer="stations")
            t_pyogrio = time.perf_counter() - t0
            assert len(frame) == published, (len(frame), published)
            debian: dict[int, float] = {}
            if shutil.which("ogr2ogr"):
                for page in (1000, 10_000):
                    out = tmp / f"gdal{page}.geojson"
                    debian[page] = timed(["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{url}",
                                          "stations", "-oo", f"PAGE_SIZE={page}"])
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"registry: {n:,} stations, {published:,} published (planned, active, suspended)")
    print(f"stations export x.geojson (baseline)        : {t_export:6.2f} s")
    print(f"GDAL 3.12 (pyogrio), API page size 1,000     : {t_pyogrio:6.2f} s  "
          f"({t_pyogrio / t_export:.2f}x export; target ≤ 2x: "
          f"{'met' if t_pyogrio <= 2 * t_export else 'MISSED'})")
    for page, seconds in debian.items():
        print(f"ogr2ogr GDAL 3.6 (Debian), PAGE_SIZE={page:<6,}: {seconds:6.2f} s  "
              f"({seconds / t_export:.2f}x export)")


if __name__ == "__main__":
    main()
