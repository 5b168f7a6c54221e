"""Backups taken while the registry is being written, restored, compared with what the
source looked like at one instant; restores refused on a database that holds data."""

from __future__ import annotations

import tarfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stations.accounts.users import get_user
from stations.compliance.checklists import load_checklists
from stations.compliance.evidence import EvidenceStore, check_photo
from stations.compliance.inspections import record_inspection
from stations.compliance.submission import Submission
from stations.errors import Conflict, InvalidInput, ToolMissing
from stations.ops import postgres, sqlite
from stations.ops.backup import backup, restore
from stations.store.jobs import read_jobs
from stations.store.registry import Registry
from tests.support.compliance import add_role_users, all_pass, jpeg_bytes, seed
from tests.support.databases import PG_URL
from tests.support.twins import empty_twin, registry_state


@pytest.fixture
def source(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    seed(registry, write_csv)
    add_role_users(registry)
    return registry


class Writer:
    """Writes to the registry step after step (station edits, inspections with photos,
    status changes), keeping what the registry looked like after each step."""

    def __init__(self, registry: Registry, evidence: EvidenceStore) -> None:
        self.registry = registry
        self.evidence = evidence
        self.checklists = load_checklists()
        self.inspector = get_user(registry, "inspector")
        self.states: dict[int, dict[str, Any]] = {}
        self.steps = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.keep()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def keep(self) -> None:
        state = registry_state(self.registry, self.evidence.root)
        self.states[state["revision"]] = state

    def step(self, i: int) -> None:
        if i % 3 == 0:  # two stations changed in one transaction
            changed = [replace(self.registry.get(sid), phone=f"0371-{i:08d}") for sid in ("ZZ1", "ZZ3")]
            self.registry.save_many(changed, actor="writer", action="update")
        elif i % 3 == 1:  # an inspection with its criteria and two photos
            photos = [check_photo(jpeg_bytes(2048 + 2 * i)), check_photo(jpeg_bytes(2049 + 2 * i))]
            sub = Submission(station_id="ZZ1", results=all_pass(on_map=i % 2 == 0),
                             notes=f"visit {i}", photos=photos)
            record_inspection(self.registry, self.inspector, sub, checklists=self.checklists,
                              evidence=self.evidence)
        else:
            status = self.registry.get("ZZ2").status
            self.registry.set_status("ZZ2", "suspended" if status == "active" else "active",
                                     reason=f"step {i}", actor="writer")

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.step(self.steps)
                self.steps += 1
                self.keep()
        except BaseException as exc:  # handed to the test
            self.error = exc

    def wait_for(self, steps: int) -> None:
        target = self.steps + steps
        while self.steps < target and self.error is None:
            threading.Event().wait(0.02)
        assert self.error is None, self.error


def test_a_backup_taken_during_a_burst_of_writes_restores_one_instant(
    source: Registry, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    writer = Writer(source, EvidenceStore(tmp_path / "evidence"))
    # The writes must overlap the backup however busy the machine: once the database is
    # copied, let three more steps (a station change among them) land before the backup
    # collects the evidence files.
    for module, name in ((sqlite, "snapshot"), (postgres, "dump")):
        real = getattr(module, name)

        def overlapped(*args: Any, _real: Any = real) -> Any:
            result = _real(*args)
            writer.wait_for(3)
            return result

        monkeypatch.setattr(module, name, overlapped)
    writer.thread.start()
    try:
        writer.wait_for(4)
        before = source.revision()
        report = backup(db_url, tmp_path / "backup.tar.gz", evidence_root=writer.evidence.root)
        after = source.revision()
        writer.wait_for(4)
    finally:
        writer.stop.set()
        writer.thread.join(timeout=60)
    assert writer.error is None, writer.error
    assert before < after, "the writes did not go on during the backup"
    assert report.manifest.missing_evidence == []
    with empty_twin(db_url, tmp_path) as target:
        restore(report.file, target, evidence_root=tmp_path / "restored-evidence")
        restored = Registry.open(target)
        try:
            state = registry_state(restored, tmp_path / "restored-evidence")
        finally:
            restored.close()
    assert before <= state["revision"] <= after
    assert state == writer.states[state["revision"]]
    assert state["inspections"] and all(state["photos"].values())  # photos came back too
    assert read_jobs(source.engine)["backup"].size_bytes == -(-report.size_bytes // 1024) * 1024


def test_restore_refuses_a_database_that_holds_data_and_force_replaces_it(
    source: Registry, db_url: str, tmp_path: Path, write_csv: Callable[..., Path],
) -> None:
    evidence = tmp_path / "evidence"
    file = backup(db_url, tmp_path / "b.tar", evidence_root=evidence).file
    with empty_twin(db_url, tmp_path) as target:
        other = Registry.open(target)
        try:
            from stations.io.ledger import import_ledger

            import_ledger(other, write_csv([["X1", "另一个驿站", "outdoor_worker_station", "113.7",
                                             "34.8", "", "", "", "", "active", ""]], name="x.csv"))
            with pytest.raises(Conflict, match="not empty.*stations: 1"):
                restore(file, target, evidence_root=evidence)
            assert [s.id for s in other.all()] == ["X1"]  # nothing changed
            restore(file, target, evidence_root=evidence, force=True)
            assert sorted(s.id for s in other.all()) == ["AH1", "ZZ1", "ZZ2", "ZZ3"]
        finally:
            other.close()


def test_a_migrated_but_empty_database_counts_as_empty(source: Registry, db_url: str, tmp_path: Path) -> None:
    file = backup(db_url, tmp_path / "b.tar", evidence_root=tmp_path / "e").file
    with empty_twin(db_url, tmp_path) as target:
        Registry.open(target).close()  # created at head: tables, no rows
        restore(file, target, evidence_root=tmp_path / "e")
        restored = Registry.open(target)
        assert restored.count() == 4
        restored.close()


def test_a_file_that_is_not_a_backup_is_refused_plainly(registry: Registry, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(InvalidInput, match="not a backup file"):
        restore(junk, f"sqlite:///{tmp_path / 'x.db'}", evidence_root=tmp_path)
    empty_tar = tmp_path / "empty.tar"
    with tarfile.open(empty_tar, "w"):
        pass
    with pytest.raises(InvalidInput, match="not a stations backup"):
        restore(empty_tar, f"sqlite:///{tmp_path / 'x.db'}", evidence_root=tmp_path)
    assert not (tmp_path / "x.db").exists()


@pytest.mark.skipif(not PG_URL, reason="needs STATIONS_TEST_PG")
def test_a_sqlite_backup_does_not_go_into_postgresql(tmp_path: Path) -> None:
    src = f"sqlite:///{tmp_path / 's.db'}"
    Registry.open(src).close()
    file = backup(src, tmp_path / "b.tar", evidence_root=tmp_path / "e").file
    assert PG_URL
    with pytest.raises(InvalidInput, match="backup of a sqlite database"):
        restore(file, PG_URL, evidence_root=tmp_path / "e")


def test_without_pg_dump_the_message_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    with pytest.raises(ToolMissing, match="pg_dump not found.*postgresql-client"):
        backup("postgresql://nobody@127.0.0.1:1/none", tmp_path / "b.tar", evidence_root=tmp_path)
    assert not (tmp_path / "b.tar").exists()
