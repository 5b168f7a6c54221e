"""What one report costs with 200,000 stations, beside a full rebuild of the index.

    python benchmarks/bench_live.py [N] [ACTIVE]

Fills a fresh SQLite registry with N synthetic stations (default 200,000) and ACTIVE live
records already in effect (default 2,000 reports and 200 notices spread over stations),
builds the search index as the app does (:class:`stations.search.keeper.IndexKeeper`),
then times, per report:

- storing it (:func:`stations.live.reports.submit_report`: checks, limits, insert and the
  ``live_revision`` bump);
- applying it here (``LiveBoard.reload``: reading the records in effect, no rebuild);
- the poll another instance makes (``LiveBoard.refresh`` when nothing moved);
- a nearest query with ``open_now`` that then shows it;

and, for comparison, one full rebuild of the index (what a registry revision bump costs).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stations.compliance.standing import station_table  # noqa: E402
from stations.core.clock import utcnow  # noqa: E402
from stations.io.synth import synthetic_frame  # noqa: E402
from stations.live.reports import Client, submit_report  # noqa: E402
from stations.search.keeper import IndexKeeper  # noqa: E402
from stations.store.live import bump_live_revision  # noqa: E402
from stations.store.live_tables import NoticeRow, ReportRow  # noqa: E402
from stations.store.registry import Registry  # noqa: E402
from stations.store.tables import StationRow  # noqa: E402


def _fill(registry: Registry, n: int, active: int) -> list[dict]:
    frame = synthetic_frame(n, seed=19)
    now = utcnow()
    rows = [{"id": r.id, "name": r.name, "kind": r.kind, "lon": r.lon, "lat": r.lat,
             "services": ";".join(r.services), "opening_hours": r.opening_hours,
             "status": "active", "created_at": now, "updated_at": now}
            for r in frame.itertuples()]
    with registry.session() as s:
        for i in range(0, n, 20_000):
            s.execute(insert(StationRow), rows[i:i + 20_000])
        rng = np.random.default_rng(1)
        picks = rng.choice(n, size=active, replace=False)
        if not active:
            bump_live_revision(s)
            return rows
        s.execute(insert(ReportRow), [
            {"station_id": rows[p]["id"], "state": "full", "lon": rows[p]["lon"],
             "lat": rows[p]["lat"], "distance_m": 5.0, "device_key": f"d{i}",
             "address_key": f"a{i}", "created_at": now - timedelta(minutes=int(i % 50))}
            for i, p in enumerate(picks)])
        s.execute(insert(NoticeRow), [
            {"station_id": rows[p]["id"], "kind": "closed", "starts_at": now,
             "ends_at": now + timedelta(hours=5), "author": "bench", "author_role": "admin",
             "created_at": now} for p in picks[: active // 10]])
        bump_live_revision(s)
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    active = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    with tempfile.TemporaryDirectory() as tmp:
        registry = Registry.open(f"sqlite:///{Path(tmp) / 'live.db'}")
        rows = _fill(registry, n, active)
        keeper = IndexKeeper(registry, load=lambda: station_table(registry, period_days=365))
        board, index = keeper.board, keeper.live.current
        print(f"{len(index):,} stations, {len(board.current.reports):,} stations with reports, "
              f"{len(board.current.notices):,} with notices in effect")
        t0 = time.perf_counter()
        keeper.live.rebuild(keeper.load())  # what a registry revision bump costs
        rebuild = time.perf_counter() - t0
        index = keeper.live.current
        store, apply, poll, query = [], [], [], []
        for i in range(50):
            target = rows[(i * 3_989) % n]
            for device in (f"bench-device-{i:04d}a", f"bench-device-{i:04d}b"):
                client = Client.of(f"192.0.2.{i}-{device}", device, "bench-secret")
                t0 = time.perf_counter()
                submit_report(registry, target["id"], state="full", lon=target["lon"],
                              lat=target["lat"], client=client)
                t1 = time.perf_counter()
                board.reload()
                t2 = time.perf_counter()
                store.append(t1 - t0)
                apply.append(t2 - t1)
            t0 = time.perf_counter()
            board.refresh()
            poll.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.query(float(target["lon"]), float(target["lat"]), 5, open_now=True)
            query.append(time.perf_counter() - t0)
            found = index.query(float(target["lon"]), float(target["lat"]), 5)
            shown = next(r for r in found if r.id == target["id"])
            assert shown.live is not None and shown.live.state == "full", shown.live
        assert registry.revision() == keeper.revision  # reports never call for a rebuild

        def ms(xs: list[float]) -> str:
            return f"median {statistics.median(xs) * 1e3:7.2f} ms  max {max(xs) * 1e3:7.2f} ms"

        print(f"full rebuild (read+index) {rebuild:8.2f} s")
        print(f"store a report            {ms(store)}")
        print(f"apply it (board reload)   {ms(apply)}")
        print(f"poll, nothing moved       {ms(poll)}")
        print(f"nearest k=5 open_now      {ms(query)}")
        registry.close()


if __name__ == "__main__":
    main()
