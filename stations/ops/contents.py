"""What a database holds, read generically: every table's row count, the schema and
registry revisions, and the evidence files the inspections cite.

Backups describe their snapshot with this (the manifest), restores check the target is
empty and the result complete with it. Nothing here names a table but the ones it reads
figures from, so tables added by later migrations are counted like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, inspect, text

# Bookkeeping, present (with a row) in every migrated database, even an empty one; and
# the sign-in throttle's counts, which a failed sign-in to a new database leaves behind.
BOOKKEEPING = frozenset({"alembic_version", "registry_meta", "login_attempts"})
EVIDENCE_TABLE = "inspection_evidence"


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    """Relative to the evidence directory (``ab/abcdef….jpg``)."""
    sha256: str


@dataclass(frozen=True)
class Contents:
    tables: dict[str, int]
    """Rows per table (extensions' own tables left out)."""
    schema_revision: str | None
    registry_revision: int | None
    evidence: list[EvidenceFile] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No rows but bookkeeping: a new or freshly migrated database."""
        return not any(n for name, n in self.tables.items() if name not in BOOKKEEPING)

    def filled_tables(self) -> dict[str, int]:
        return {name: n for name, n in self.tables.items() if n and name not in BOOKKEEPING}


def _extension_tables(connection: Connection) -> set[str]:
    if connection.dialect.name != "postgresql":
        return set()
    rows = connection.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_depend d ON d.objid = c.oid "
        "AND d.classid = 'pg_class'::regclass AND d.deptype = 'e' "
        "WHERE c.relnamespace = current_schema()::regnamespace"))
    return {r[0] for r in rows}


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def describe(connection: Connection) -> Contents:
    """Read the contents of the database (its default schema) on ``connection``."""
    schema = None
    if connection.dialect.name == "postgresql":
        # exactly this schema: unqualified, PostgreSQL lists every table the search path sees
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    names = sorted(set(inspect(connection).get_table_names(schema=schema)) - _extension_tables(connection))
    prefix = f"{_quote(connection, schema)}." if schema else ""
    tables = {
        name: int(connection.execute(
            text(f"SELECT count(*) FROM {prefix}{_quote(connection, name)}")).scalar_one())
        for name in names
    }
    schema_revision = None
    if "alembic_version" in tables:
        schema_revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    registry_revision = None
    if "registry_meta" in tables:
        value = connection.execute(
            text("SELECT value FROM registry_meta WHERE key = 'revision'")).scalar()
        registry_revision = None if value is None else int(value)
    evidence: list[EvidenceFile] = []
    if EVIDENCE_TABLE in tables:
        rows = connection.execute(text(
            f"SELECT DISTINCT path, sha256 FROM {EVIDENCE_TABLE} ORDER BY path"))
        evidence = [EvidenceFile(r[0], r[1]) for r in rows]
    return Contents(tables, schema_revision, registry_revision, evidence)
