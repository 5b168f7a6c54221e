"""Engines and migrations: the embedded SQLite file and PostgreSQL + PostGIS alike.

SQLite files get WAL mode, foreign keys and a busy timeout; PostgreSQL gets a pool that
checks connections before use. Migrations are Alembic revisions under ``migrations/``;
:mod:`stations.store.schema` decides when to apply them.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
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
    """Insert many rows with one DBAPI ``executemany``.

    Types' bind processors are applied here once per value; SQLAlchemy's own
    executemany path spends several times longer per row on parameter handling,
    which matters for a 200,000-row ledger.
    """
    if not rows:
        return
    dialect = connection.dialect
    columns = [c for c in table.columns if c.name in rows[0]]
    compiled = table.insert().values({c.name: bindparam(c.name) for c in columns}).compile(
        dialect=dialect
    )
    processors = {
        c.name: c.type._cached_bind_processor(dialect)  # noqa: SLF001 - public enough, stable in 2.x
        for c in columns
    }
    names = list(compiled.positiontup or []) if compiled.positional else [c.name for c in columns]

    # Plain tuples straight from the dicts, then the few typed columns converted in place:
    # a per-value Python call for every column costs more than the insert itself.
    pick = operator.itemgetter(*names)
    converted = [(i, proc) for i, n in enumerate(names) if (proc := processors[n]) is not None]
    table_rows = [list(pick(r)) if len(names) > 1 else [r[names[0]]] for r in rows]
    for i, proc in converted:
        seen: dict[Any, Any] = {}  # timestamps repeat (one "now" per import): convert once
        for values in table_rows:
            value = values[i]
            if value is None:
                continue
            try:
                values[i] = seen[value]
            except KeyError:
                values[i] = seen[value] = proc(value)
            except TypeError:  # unhashable (JSON): convert every time
                values[i] = proc(value)
    params: list[Any]
    if compiled.positional:
        params = [tuple(v) for v in table_rows]
    else:
        params = [dict(zip(names, v, strict=True)) for v in table_rows]
    connection.exec_driver_sql(compiled.string, params)


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
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
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
