"""The database's schema version and the upgrade policy.

Alembic keeps the revision a database is at in its own ``alembic_version`` table; this
program knows the revisions under ``migrations/versions`` up to its *head*. A database is

- ``empty``: no revision yet; it is created at head, whatever the policy (nothing to lose);
- ``current``: at head;
- ``older``: at a revision before head; migrated only when upgrading was asked for
  (``stations db upgrade``, ``stations serve --upgrade``, ``STATIONS_AUTO_UPGRADE=1``, or
  the embedded default database, which upgrades by itself);
- ``newer``: at a revision this program does not know, written by a newer version:
  always refused, since old code writing to a newer schema corrupts it quietly.

On PostgreSQL, migrations run under an advisory lock on the schema, so instances started
together with ``--upgrade`` migrate once, one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from stations.errors import DatabaseUnavailable, SchemaOutdated, SchemaTooNew
from stations.store.engine import MIGRATIONS_DIR
from stations.store.engine import migrate as run_migrations

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

SchemaStatus = Literal["empty", "current", "older", "newer"]


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against this program's migrations."""

    current: str | None
    """The database's revision (``None``: no schema yet)."""
    head: str
    """The newest revision this program knows."""
    status: SchemaStatus
    pending: tuple[str, ...] = field(default=())
    """Revisions an upgrade would apply, oldest first."""


def _config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The newest revision this program's migrations know."""
    head = scripts().get_current_head()
    assert head is not None, "no migrations"
    return head


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _state_of(connection: Connection) -> SchemaState:
    from alembic.util.exc import CommandError

    head = head_revision()
    current = _current(connection)
    if current is None:
        return SchemaState(None, head, "empty", _pending(None, head))
    if current == head:
        return SchemaState(current, head, "current")
    try:
        scripts().get_revision(current)
    except CommandError:
        return SchemaState(current, head, "newer")
    return SchemaState(current, head, "older", _pending(current, head))


def _pending(current: str | None, head: str) -> tuple[str, ...]:
    steps = scripts().iterate_revisions(head, current or "base")
    return tuple(reversed([s.revision for s in steps]))


def _unreachable(engine: Engine, exc: OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"无法连接数据库 / cannot reach the database {engine.url.render_as_string()}: {exc.orig}"
    )


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision and compare it with this program's head.

    Raises
    ------
    stations.errors.DatabaseUnavailable
    """
    try:
        with engine.connect() as connection:
            return _state_of(connection)
    except OperationalError as exc:
        raise _unreachable(engine, exc) from exc


def too_new(state: SchemaState) -> SchemaTooNew:
    return SchemaTooNew(
        f"数据库结构版本 {state.current} 比本程序所知的 {state.head} 新，请先升级程序 / "
        f"the database schema is at revision {state.current}, newer than this program knows "
        f"(head {state.head}): it was upgraded by a newer version of stations; install that "
        "version (or newer) to use this database"
    )


def outdated(state: SchemaState) -> SchemaOutdated:
    return SchemaOutdated(
        f"数据库结构需要升级 ({state.current} → {state.head}) / the database schema is at "
        f"revision {state.current}, this program needs {state.head}: back it up "
        "(stations backup FILE), then run `stations db upgrade`, or start the service with "
        "--upgrade (STATIONS_AUTO_UPGRADE=1)"
    )


def prepare(engine: Engine, *, upgrade: bool) -> SchemaState:
    """Make the schema usable by this program, by the policy in the module docstring.

    Returns the state found before anything was done.

    Raises
    ------
    stations.errors.SchemaTooNew
        For a database written by a newer program.
    stations.errors.SchemaOutdated
        For an older database when ``upgrade`` is false.
    stations.errors.DatabaseUnavailable
    """
    state = schema_state(engine)
    if state.status == "newer":
        raise too_new(state)
    if state.status == "older" and not upgrade:
        raise outdated(state)
    if state.status != "current":
        return migrate(engine)
    return state


def migrate(engine: Engine, target: str = "head") -> SchemaState:
    """Apply the migrations up to ``target`` (under a lock on PostgreSQL).

    Returns the state found (inside the lock) before migrating.

    Raises
    ------
    stations.errors.SchemaTooNew
        When the database is at a revision this program does not know.
    stations.errors.DatabaseUnavailable
    """
    found: list[SchemaState] = []

    def check(connection: Connection) -> None:
        state = _state_of(connection)
        if state.status == "newer":
            raise too_new(state)
        found.append(state)

    run_migrations(engine, target, before=check)
    return found[0]
