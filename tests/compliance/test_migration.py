"""Migration 0005 on a database that already holds inspections: old rows keep counting."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from stations.accounts.users import get_user
from stations.compliance import (
    EvidenceStore,
    Submission,
    get_inspection,
    load_checklists,
    log_inspection,
    station_standing,
)
from stations.store.engine import make_engine
from stations.store.registry import Registry
from stations.store.schema import migrate
from tests.support.compliance import SIX_HAVE, all_pass

YESTERDAY = datetime.now(UTC) - timedelta(days=1)


def _before_0005(url: str) -> None:
    """A database at revision 0004 (accounts with a region and a stable id) with one station, an inspector and a passing
    correction of a failing inspection, as the code before client ids wrote them."""
    engine = make_engine(url)
    migrate(engine, "0004")
    now = YESTERDAY
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO stations (id, name, kind, lon, lat, services, status, adcode, "
            "created_at, updated_at) VALUES ('OLD1', '老驿站', 'outdoor_worker_station', "
            "113.66, 34.78, '', 'active', '410105', :t, :t)"), {"t": now})
        conn.execute(sa.text(
            "INSERT INTO users (name, role, password_hash, active, created_at, uid) "
            "VALUES ('old-inspector', 'inspector', 'x', true, :t, 'old-inspector-uid')"),
            {"t": now})
        corrects = None
        for passed in (False, True):
            id_ = conn.execute(sa.text(
                "INSERT INTO inspections (station_id, checklist_id, checklist_version, "
                "inspector_id, inspected_at, recorded_at, passed, corrects_id) VALUES "
                "('OLD1', 'six_have', 1, 1, :t, :t, :p, :c) RETURNING id"),
                {"t": now, "p": passed, "c": corrects}).scalar_one()
            for code in SIX_HAVE:
                conn.execute(sa.text(
                    "INSERT INTO inspection_results (inspection_id, criterion, passed) "
                    "VALUES (:id, :c, :p)"), {"id": id_, "c": code, "p": passed})
            corrects = id_
    engine.dispose()


def test_rows_from_before_0005_count_as_they_did(db_url: str, tmp_path: object) -> None:
    _before_0005(db_url)
    registry = Registry.open(db_url, upgrade=True)
    try:
        old = get_inspection(registry, 2)
        assert old.corrects_id == 1
        assert (old.client_id, old.review_status) == (None, "not_required")
        # the unreviewed correction of before still supersedes: the station stays compliant
        assert station_standing(registry, "OLD1", period_days=365).standing == "compliant"
        user = get_user(registry, "old-inspector")
        kw = {"checklists": load_checklists(), "evidence": EvidenceStore(f"{tmp_path}/ev")}
        sub = Submission(station_id="OLD1", results=all_pass(), client_id=str(uuid.uuid4()))
        first, _ = log_inspection(registry, user, sub, **kw)  # type: ignore[arg-type]
        again, repeat = log_inspection(registry, user, sub, **kw)  # type: ignore[arg-type]
        assert (again.id, repeat) == (first.id, True)
        assert first.id == 3
    finally:
        registry.close()
