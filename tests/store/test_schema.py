"""The schema policy: new databases are created, older ones upgraded only when asked,
newer ones always refused; on both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from stations.config import Settings
from stations.errors import SchemaOutdated, SchemaTooNew
from stations.services import build_services
from stations.store.engine import make_engine
from stations.store.registry import Registry
from stations.store.schema import head_revision, migrate, schema_state
from tests.support.databases import PG_URL, postgis_schema_url

OLD = "0003"


def at_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    migrate(engine, revision)
    engine.dispose()


def set_version(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


def version(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return schema_state(engine).current
    finally:
        engine.dispose()


def test_a_new_database_is_created_at_the_newest_revision_whatever_the_policy(db_url: str) -> None:
    Registry.open(db_url, upgrade=False).close()
    assert version(db_url) == head_revision()


def test_an_older_database_is_upgraded_only_when_asked(db_url: str) -> None:
    at_revision(db_url, OLD)
    with pytest.raises(SchemaOutdated, match=f"revision {OLD}.*stations db upgrade.*--upgrade"):
        Registry.open(db_url, upgrade=False)
    assert version(db_url) == OLD  # untouched
    Registry.open(db_url, upgrade=True).close()
    assert version(db_url) == head_revision()


@pytest.mark.parametrize("upgrade", [False, True], ids=["plain", "upgrade"])
def test_a_database_written_by_a_newer_program_is_refused(db_url: str, upgrade: bool) -> None:
    Registry.open(db_url).close()
    set_version(db_url, "9001_future")
    with pytest.raises(SchemaTooNew, match="9001_future.*newer than this program"):
        Registry.open(db_url, upgrade=upgrade)
    assert version(db_url) == "9001_future"


def test_services_upgrade_by_the_setting_and_the_embedded_file_by_itself(db_url: str, tmp_path: Path) -> None:
    at_revision(db_url, OLD)
    with pytest.raises(SchemaOutdated):
        build_services(Settings(db=db_url, home=tmp_path))
    build_services(Settings(db=db_url, home=tmp_path, auto_upgrade=True)).close()
    assert version(db_url) == head_revision()
    embedded = tmp_path / "stations.db"
    at_revision(f"sqlite:///{embedded}", OLD)
    build_services(Settings(home=tmp_path, seed_demo=False)).close()
    assert version(f"sqlite:///{embedded}") == head_revision()


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("needs STATIONS_TEST_PG")
    yield from postgis_schema_url()


@pytest.mark.postgis
def test_instances_started_together_on_a_new_database_migrate_once(pg_url: str) -> None:
    head = head_revision()  # alembic imported once, as in a process that starts
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Registry.open(pg_url).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert version(pg_url) == head
