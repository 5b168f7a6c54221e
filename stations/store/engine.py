"""Engines and migrations: the embedded SQLite file and PostgreSQL + PostGIS alike.

SQLite files get WAL mode, foreign keys and a busy timeout; PostgreSQL gets a pool that
checks connections before use. Migrations are Alembic revisions under ``migrations/``;
:mod:`stations.store.schema` decides when to apply them.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Table,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from stations.errors import DatabaseUnavailable, InvalidInput

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (dicts of column values) with one DBAPI ``executemany``."""
    if not rows:
        return
    names = [c.name for c in table.columns if c.name in rows[0]]
    insert_columns(connection, table, {n: [r[n] for r in rows] for n in names})


@dataclass(frozen=True)
class Same:
    """One value for every row of a column (an import's time, its actor)."""

    value: Any


def insert_columns(connection: Connection, table: Table, columns: dict[str, list[Any] | Same]) -> None:
    """Insert rows given column by column, with one DBAPI ``executemany``.

    Types' bind processors are applied once per distinct value (a column given as
    :class:`Same` once in all), and the rows are zipped from the columns in C:
    SQLAlchemy's own executemany path spends several times longer per row on parameter
    handling, which matters for a 200,000-row ledger.
    """
    lengths = {len(v) for v in columns.values() if isinstance(v, list)}
    if not lengths or lengths == {0}:
        return
    (n,) = lengths
    dialect = connection.dialect
    types = {c.name: c.type for c in table.columns}
    compiled = table.insert().values({name: bindparam(name) for name in columns}).compile(dialect=dialect)
    ready: dict[str, Iterable[Any]] = {}
    for name, values in columns.items():
        proc = types[name]._cached_bind_processor(dialect)  # noqa: SLF001 - stable in 2.x
        if proc is not None and isinstance(types[name], Float) and isinstance(values, list) and (
                {type(v) for v in values} <= {float, type(None)}):
            proc = None  # already floats: the driver's own conversion is the identity
        if isinstance(values, Same):
            ready[name] = itertools.repeat(proc(values.value) if proc else values.value, n)
        else:
            ready[name] = _converted(values, proc) if proc else values
    params: list[Any]
    if compiled.positional:
        params = list(zip(*(ready[name] for name in compiled.positiontup or []), strict=False))
    else:
        names = list(ready)
        params = [dict(zip(names, row, strict=True)) for row in zip(*ready.values(), strict=False)]
    connection.exec_driver_sql(compiled.string, params)


def _converted(values: list[Any], proc: Callable[[Any], Any]) -> list[Any]:
    if values.count(None) == len(values):
        return values
    seen: dict[Any, Any] = {None: None}
    same: dict[int, tuple[Any, Any]] = {}  # unhashable values (JSON) by identity, kept alive
    out = []
    for value in values:
        try:
            out.append(seen[value])
        except KeyError:
            out.append(seen.setdefault(value, proc(value)))
        except TypeError:
            key = id(value)
            if key not in same:
                same[key] = (value, proc(value))
            out.append(same[key][1])
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work that only allocates.

    A large import creates millions of objects and no cycles; with the collector
    running, repeated full collections over the growing heap triple its time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (``None`` for other databases and memory)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve()
    return None


def sqlite_file_of(url: str) -> Path | None:
    """The database file a URL or path names (``None`` for other databases and memory)."""
    try:
        parsed = make_url(resolve_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Path(parsed.database).resolve()
    return None


def resolve_url(url: str) -> str:
    """A full SQLAlchemy URL: a plain path means a SQLite file; ``postgresql://`` uses psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def private_file(path: Path) -> None:
    """Make ``path`` readable by this user only (0600), creating it (empty) if missing, so
    SQLite, which gives its WAL and shared-memory files the database file's mode, never
    writes a world-readable database. A new parent directory is 0700."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    with contextlib.suppress(OSError):  # a file of another owner: leave it to them
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get WAL mode, foreign keys and a busy timeout."""
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise InvalidInput("db", f"数据库地址无效 / invalid database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:":
            private_file(Path(path))
        engine = create_engine(resolved, connect_args={"timeout": 30},
                               json_serializer=_json_text)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(
            resolved,
            pool_size=5,
            max_overflow=10,
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args={"connect_timeout": 5},
            json_serializer=_json_text,
        )
    except Exception as exc:  # noqa: BLE001 - a missing driver is a user's setup problem
        raise DatabaseUnavailable(f"无法使用数据库 / cannot use database {parsed.render_as_string()}: {exc}") from exc


def _json_text(value: Any) -> str:
    """JSON columns as text, with orjson: a 200,000-row import writes as many history
    entries, and :func:`json.dumps` alone would take seconds of it."""
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_default(value: Any) -> Any:
    """What orjson does not know: numpy scalars, decimals, sets; anything else as text."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # A new file gets 16 KiB pages (a station row is about 350 bytes: fewer, fuller pages
    # make storing a national ledger about a tenth faster); an existing file keeps its own.
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # up to 64 MiB, used only as needed
    cursor.close()


def migrate(engine: Engine, target: str = "head", *,
            before: Callable[[Connection], None] | None = None) -> None:
    """Bring the schema to the Alembic revision ``target`` (the newest by default).

    Use :func:`stations.store.schema.migrate`, which refuses a database newer than this
    program (through ``before``, called in the migration's transaction) and says what it
    found. On PostgreSQL an advisory lock on the schema, held until the transaction ends,
    lets one process migrate at a time.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"))
            if before is not None:
                before(connection)
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, target)
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"无法连接数据库 / cannot reach the database {engine.url.render_as_string()}: "
            f"{exc.orig}"
        ) from exc
