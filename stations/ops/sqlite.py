"""SQLite snapshots through the online backup API.

The backup API copies the database as one consistent snapshot while other connections
(the service, an import) keep writing: in WAL mode readers do not block writers, and the
copy is made in one step inside one read transaction, so it holds exactly the
transactions committed before it started. Restoring copies the other way, into the
target file through the same API (other connections see the whole new database or the
old one, never a mixture).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine

from stations.errors import InvalidInput, NotFound
from stations.ops.contents import Contents, describe


def snapshot(source: Path, target: Path) -> Contents:
    """Copy the database file ``source`` to ``target`` (a new file) and describe the copy."""
    if not source.is_file():
        raise NotFound(f"数据库文件不存在 / no database file at {source}")
    with closing(sqlite3.connect(source, timeout=30)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # pages=-1: all of it in one step, one snapshot
    return read_contents(target)


def read_contents(path: Path) -> Contents:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return describe(connection)
    finally:
        engine.dispose()


def check(path: Path) -> None:
    """Refuse a snapshot SQLite does not find intact."""
    try:
        with closing(sqlite3.connect(path)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidInput("FILE", f"备份中的数据库已损坏 / the database in the backup is damaged: {exc}") from None
    if result != "ok":
        raise InvalidInput("FILE", f"备份中的数据库已损坏 / the database in the backup is damaged: {result}")


def restore(snapshot_file: Path, target: Path) -> None:
    """Replace the database at ``target`` (created if missing) by the snapshot."""
    check(snapshot_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(snapshot_file)) as src, \
            closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)
