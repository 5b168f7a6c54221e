"""When the last backup or import finished, how long it took, how big it was.

Backups and imports run as commands (a cron job, a systemd timer), not in the server,
yet every instance's ``/metrics`` should tell an operator that last night's backup ran:
so they are kept in the database, as rows of ``registry_meta`` named ``job.NAME.FIELD``
(the table holds integers: the time in minutes since 1970, the duration in
milliseconds, the size in KiB). Writing them does not move the registry's revision.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from stations.store.tables import MetaRow

PREFIX = "job."
JOBS = ("backup", "import")


@dataclass(frozen=True)
class JobRecord:
    """The last successful run of a job."""

    name: str
    finished_at: float
    """Unix time, to the minute."""
    duration_seconds: float
    size_bytes: int | None


def record_job(engine: Engine, name: str, *, duration_seconds: float,
               size_bytes: int | None = None, finished_at: float | None = None) -> None:
    """Keep the figures of a job that just succeeded (replacing the previous run's)."""
    finished = time.time() if finished_at is None else finished_at
    values = {"finished_min": int(finished // 60), "duration_ms": round(duration_seconds * 1000)}
    if size_bytes is not None:
        values["size_kib"] = -(-size_bytes // 1024)
    with Session(engine) as session, session.begin():
        for field, value in values.items():
            key = f"{PREFIX}{name}.{field}"
            row = session.get(MetaRow, key)
            if row is None:
                session.add(MetaRow(key=key, value=value))
            else:
                row.value = value


def read_jobs(engine: Engine) -> dict[str, JobRecord]:
    """The last run of every job recorded, by name."""
    with Session(engine) as session:
        rows = session.execute(
            select(MetaRow.key, MetaRow.value).where(MetaRow.key.startswith(PREFIX))).all()
    fields: dict[str, dict[str, int]] = {}
    for key, value in rows:
        name, _, field = key.removeprefix(PREFIX).rpartition(".")
        fields.setdefault(name, {})[field] = int(value)
    return {
        name: JobRecord(name, f["finished_min"] * 60.0, f.get("duration_ms", 0) / 1000,
                        f["size_kib"] * 1024 if "size_kib" in f else None)
        for name, f in fields.items() if "finished_min" in f
    }
