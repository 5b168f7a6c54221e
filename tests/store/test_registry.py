"""The registry on a real SQLite file: WAL mode, lifecycle, history, filters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from stations.errors import InvalidInput, NotFound
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS


@pytest.fixture
def filled(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    import_ledger(registry, write_csv(GOOD_ROWS))
    return registry


def test_embedded_database_is_a_wal_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "reg.db"
    reg = Registry.open(f"sqlite:///{path}")
    assert path.is_file()
    with reg.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    reg.close()


def test_opening_twice_keeps_the_data(filled: Registry, db_url: str) -> None:
    again = Registry.open(db_url)
    assert again.count() == len(GOOD_ROWS)


def test_lifecycle_keeps_who_when_and_why(filled: Registry) -> None:
    st = filled.set_status("AH1", "suspended", reason="淋浴损坏", actor="inspector-1")
    assert st.status == "suspended" and st.status_reason == "淋浴损坏" and st.status_date
    filled.set_status("AH1", "revoked", reason="整改不合格", actor="admin")
    entries = filled.history("AH1")
    assert [(e.action, e.actor) for e in entries] == [
        ("create", "import"), ("status", "inspector-1"), ("status", "admin")]
    assert entries[-1].changes == {"status": ["suspended", "revoked"]}
    assert entries[-1].reason == "整改不合格"


@pytest.mark.parametrize(
    ("station", "status", "reason", "field"),
    [
        pytest.param("ZZ3", "suspended", "x", "status", id="planned-cannot-be-suspended"),
        pytest.param("ZZ1", "paused", "x", "status", id="unknown-status"),
        pytest.param("ZZ1", "suspended", " ", "reason", id="reason-required"),
    ],
)
def test_bad_status_changes_are_refused(filled: Registry, station: str, status: str, reason: str,
                                        field: str) -> None:
    before = filled.get(station)
    with pytest.raises(InvalidInput) as info:
        filled.set_status(station, status, reason=reason, actor="t")
    assert info.value.field == field
    assert filled.get(station) == before


def test_unknown_station_is_not_found(filled: Registry) -> None:
    with pytest.raises(NotFound):
        filled.get("nope")
    with pytest.raises(NotFound):
        filled.set_status("nope", "active", reason="x", actor="t")


def test_search_filters(filled: Registry) -> None:
    total, page = filled.search(kind="driver_home")
    assert total == 1 and page[0].id == "AH1"
    total, page = filled.search(services=["drinking_water", "first_aid"])
    assert [s.id for s in page] == ["ZZ2"]
    total, _ = filled.search(services=["parking"])  # truck_parking does not count as parking
    assert total == 0
    total, page = filled.search(bbox=(113.5, 34.7, 113.7, 34.8), status="active")
    assert sorted(s.id for s in page) == ["ZZ1", "ZZ2"]
    total, page = filled.search(limit=2, offset=2)
    assert total == 4 and [s.id for s in page] == ["ZZ2", "ZZ3"]
    total, _ = filled.search(adcode="410100")
    assert total == 3


def test_every_write_moves_the_revision(filled: Registry) -> None:
    before = filled.revision()
    filled.set_status("ZZ1", "suspended", reason="x", actor="t")
    assert filled.revision() == before + 1
