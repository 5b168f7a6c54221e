"""Many inspectors at once on the real server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import select

from stations.store.compliance_tables import InspectionRow
from stations.store.registry import Registry
from tests.support.compliance import (
    SIX_HAVE,
    bearer,
)
from tests.web.inspections.helpers import row_counts, visit

# -- reliability --


def test_forty_inspectors_at_once_lose_no_record(live_server: str, sqlite_db: str) -> None:
    db = sqlite_db
    n = 40
    barrier = threading.Barrier(n)
    stations = ["ZZ1", "ZZ2"]

    def submit(i: int) -> int:
        body = visit(station_id=stations[i % 2], notes=f"visit {i}")
        headers = bearer("inspector" if i % 2 else "inspector2")
        with httpx.Client(base_url=live_server, timeout=120) as http:
            barrier.wait()
            return http.post("/api/inspections", json=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        codes = list(pool.map(submit, range(n)))
    assert codes == [201] * n
    assert row_counts(db) == (n, n * len(SIX_HAVE), 0)
    registry = Registry.open(db)
    try:
        with registry.session() as s:
            notes = set(s.scalars(select(InspectionRow.notes)))
    finally:
        registry.close()
    assert notes == {f"visit {i}" for i in range(n)}
