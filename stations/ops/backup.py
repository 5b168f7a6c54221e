"""``stations backup`` and ``stations restore``: one consistent copy of everything.

A backup is a snapshot of the database taken while the service keeps writing (see
:mod:`stations.ops.sqlite` and :mod:`stations.ops.postgres`), plus exactly the evidence
photos the inspections in that snapshot cite, in one file (:mod:`stations.ops.archive`).
Photos are written to their final name only after their inspection commits, so a photo
a snapshot cites may still be on its way when the snapshot is taken: the backup waits
a moment for it before calling it missing.

A restore goes into an empty database (a new SQLite file, a new PostgreSQL database or
schema, or one that was only migrated), or replaces everything with ``force``; it checks
that every table came back with the rows the backup counted.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from stations.errors import Conflict, InvalidInput, StationsError
from stations.ops import postgres, sqlite
from stations.ops.archive import (
    DATABASE,
    Manifest,
    add_evidence,
    add_file,
    add_manifest,
    extract_database,
    open_backup,
    read_manifest,
    restore_evidence,
    writing,
)
from stations.ops.contents import Contents, EvidenceFile, describe
from stations.store.engine import make_engine, sqlite_file
from stations.store.jobs import record_job
from stations.store.schema import SchemaState, schema_state

log = logging.getLogger(__name__)
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class BackupReport:
    file: Path
    manifest: Manifest
    size_bytes: int
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    evidence_files: int
    schema: SchemaState
    """The restored database's schema against this program's migrations."""
    seconds: float


def _backend(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in BACKENDS:
        raise InvalidInput("--db", f"不支持的数据库 / cannot back up a {name} database")
    return name


def _wait_for(root: Path, files: list[EvidenceFile], seconds: float) -> list[str]:
    """The files not under ``root`` after waiting up to ``seconds`` for them to appear."""
    deadline = time.monotonic() + seconds
    missing = [f.path for f in files if not (root / f.path).is_file()]
    while missing and time.monotonic() < deadline:
        time.sleep(0.1)
        missing = [p for p in missing if not (root / p).is_file()]
    return missing


def backup(url: str, file: Path, *, evidence_root: Path, wait_for_evidence_s: float = 5.0) -> BackupReport:
    """Write a backup of the database at ``url`` and its evidence photos to ``file``.

    Raises
    ------
    stations.errors.ToolMissing
        For PostgreSQL when ``pg_dump`` is not installed.
    stations.errors.NotFound
        For a SQLite file that does not exist.
    stations.errors.DatabaseUnavailable
    """
    started = time.monotonic()
    engine = make_engine(url)
    try:
        backend = _backend(engine)
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=file.parent, prefix=".stations-backup-") as tmp:
            snapshot_file = Path(tmp) / DATABASE[backend]
            extra: dict[str, str | None] = {}
            if backend == "sqlite":
                db_file = sqlite_file(engine)
                if db_file is None:
                    raise InvalidInput("--db", "内存数据库无法备份 / an in-memory database cannot be backed up")
                contents = sqlite.snapshot(db_file, snapshot_file)
            else:
                contents, schema, postgis_schema = postgres.dump(engine, snapshot_file)
                extra = {"pg_schema": schema, "postgis_schema": postgis_schema}
            missing = _wait_for(evidence_root, contents.evidence, wait_for_evidence_s)
            if missing:
                log.warning("%d evidence files cited by inspections are missing from %s",
                            len(missing), evidence_root)
            manifest = Manifest.of(backend, datetime.now(UTC).isoformat(timespec="seconds"),
                                   contents, missing_evidence=missing, **extra)
            with writing(file) as tar:
                add_manifest(tar, manifest)
                add_file(tar, snapshot_file, DATABASE[backend])
                add_evidence(tar, evidence_root, contents.evidence)
        seconds = time.monotonic() - started
        size = file.stat().st_size
        try:
            record_job(engine, "backup", duration_seconds=seconds, size_bytes=size)
        except SQLAlchemyError as exc:  # a read-only replica, an unmigrated database
            log.warning("backup written, but not recorded in the database: %s", exc)
        return BackupReport(file, manifest, size, seconds)
    finally:
        engine.dispose()


def _contents(engine: Engine) -> Contents:
    with engine.connect() as connection:
        return describe(connection)


def _target_contents(engine: Engine) -> Contents:
    db_file = sqlite_file(engine)
    if db_file is not None and not db_file.exists():
        return Contents({}, None, None)
    return _contents(engine)


def _not_empty(contents: Contents) -> Conflict:
    filled = ", ".join(f"{name}: {n}" for name, n in contents.filled_tables().items())
    return Conflict(
        f"目标数据库不为空 ({filled}) / the target database is not empty ({filled} rows): "
        "restore into an empty database, or add --force to replace everything in it"
    )


def restore(file: Path, url: str, *, evidence_root: Path, force: bool = False) -> RestoreReport:
    """Restore the backup ``file`` into the database at ``url`` and its photos under
    ``evidence_root``.

    Raises
    ------
    stations.errors.Conflict
        When the target holds data and ``force`` is false (nothing is changed).
    stations.errors.InvalidInput
        For a file that is not a backup, or a backup of the other kind of database.
    stations.errors.ToolMissing
        For PostgreSQL when ``pg_restore`` is not installed.
    """
    started = time.monotonic()
    with open_backup(file) as tar:
        manifest = read_manifest(tar, file)
        engine = make_engine(url)
        try:
            backend = _backend(engine)
            if backend != manifest.backend:
                raise InvalidInput(
                    "--db", f"这是 {manifest.backend} 备份，不能恢复到 {backend} / this is a backup "
                    f"of a {manifest.backend} database; restore it into a {manifest.backend} database")
            current = _target_contents(engine)
            if not current.empty and not force:
                raise _not_empty(current)
            with tempfile.TemporaryDirectory(prefix="stations-restore-") as tmp:
                snapshot_file = extract_database(tar, manifest, Path(tmp))
                if backend == "sqlite":
                    target = sqlite_file(engine)
                    if target is None:
                        raise InvalidInput("--db", "不能恢复到内存数据库 / cannot restore into an in-memory database")
                    engine.dispose()  # no pooled connection of ours holds the old pages
                    sqlite.restore(snapshot_file, target)
                else:
                    postgres.restore(snapshot_file, engine, schema=manifest.pg_schema or "public",
                                     postgis_schema=manifest.postgis_schema, workdir=Path(tmp))
            restored = _contents(engine)
            if restored.tables != manifest.tables:
                raise StationsError(
                    f"恢复不完整 / the restore is incomplete: expected rows {manifest.tables}, "
                    f"found {restored.tables}")
            files = restore_evidence(tar, evidence_root, restored.evidence)
            state = schema_state(engine)
        finally:
            engine.dispose()
    return RestoreReport(manifest, files, state, time.monotonic() - started)
