"""PostgreSQL dumps with ``pg_dump`` (custom format) and ``pg_restore``.

The backup opens a repeatable-read transaction, exports its snapshot and hands it to
``pg_dump --snapshot``, then reads the manifest's figures and the evidence list in that
same transaction: the dump, the figures and the photos all describe one instant, however
many instances keep writing meanwhile.

Only the registry's schema is dumped (``current_schema()``, ``public`` unless the URL's
search path says otherwise); extensions it uses (PostGIS) are created in the target
before restoring, in the schema they had. A restore goes into one transaction
(``--single-transaction``): all of the backup or nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from stations.errors import DatabaseUnavailable, InvalidInput, ToolMissing
from stations.ops.contents import Contents, describe

INSTALL_HINT = ("安装 PostgreSQL 客户端 / install the PostgreSQL client tools, the server's major "
                "version or newer (Debian: apt-get install postgresql-client)")


def tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, or a clear error when it is not installed."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"找不到 {name} / {name} not found on PATH: {INSTALL_HINT}")
    return found


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` (no password in it) and the environment that
    carries the password (``PGPASSWORD``), so it never shows in a process list."""
    user = quote(url.username or "", safe="")
    host = url.host or ""
    netloc = f"{user}@{host}" if user else host
    if url.port:
        netloc += f":{url.port}"
    query = urlencode({k: v for k, v in url.query.items()}, doseq=True)
    uri = f"postgresql://{netloc}/{quote(url.database or '', safe='')}" + (f"?{query}" if query else "")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return uri, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseUnavailable(f"{what} 失败 / {what} failed: {done.stderr.strip()}")
    return done.stdout


def schemas(connection: Connection) -> tuple[str, str | None]:
    """The registry's schema and the schema of the postgis extension (if installed)."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    postgis = connection.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'")).scalar()
    return schema, postgis


def dump(engine: Engine, target: Path) -> tuple[Contents, str, str | None]:
    """Dump the registry's schema to ``target``; returns what the dump holds, the schema
    and the postgis schema, all read in the dump's own snapshot."""
    pg_dump = tool("pg_dump")
    uri, env = libpq(engine.url)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema, postgis = schemas(connection)
            contents = describe(connection)
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  f"--schema={schema}", f"--snapshot={snapshot_id}", f"--file={target}",
                  f"--dbname={uri}"], env, "pg_dump")
    return contents, schema, postgis


_OWN_OBJECTS = """
SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                             ELSE 'TABLE' END, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = :schema
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = :schema AND t.typtype IN ('e', 'd')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e')
"""


def clear_schema(connection: Connection, schema: str) -> None:
    """Drop everything of ours in ``schema`` (extensions' objects stay)."""
    for statement in connection.execute(text(_OWN_OBJECTS), {"schema": schema}).scalars().all():
        connection.execute(text(statement))


def restore(dump_file: Path, engine: Engine, *, schema: str, postgis_schema: str | None,
            workdir: Path) -> None:
    """Restore a dump of ``schema`` into the database of ``engine`` (already checked to be
    empty, or to be replaced), in one transaction."""
    pg_restore = tool("pg_restore")
    uri, env = libpq(engine.url)
    # read the dump's table of contents before touching the target: a dump this
    # pg_restore cannot read fails here, with the target as it was
    listing = _run([pg_restore, "--list", str(dump_file)], env, "pg_restore --list")
    with engine.begin() as connection:
        target_schema, _ = schemas(connection)
        if target_schema != schema:
            raise InvalidInput(
                "--db", f"备份的表在模式 {schema!r} 中，目标的是 {target_schema!r} / the backup's "
                f"tables are in schema {schema!r} but the target URL's search path starts at "
                f"{target_schema!r}: restore into a database whose search path starts at {schema!r}")
        exists = connection.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).scalar()
        _, target_postgis = schemas(connection)
        if postgis_schema is not None and target_postgis not in (None, postgis_schema):
            raise InvalidInput(
                "--db", f"目标的 PostGIS 在模式 {target_postgis!r} 中，备份的在 {postgis_schema!r} / "
                f"PostGIS is installed in schema {target_postgis!r} of the target but was in "
                f"{postgis_schema!r} where the backup was taken: restore into a database with "
                f"PostGIS in {postgis_schema!r} (CREATE EXTENSION postgis SCHEMA {postgis_schema})")
        if postgis_schema is not None:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_ident(postgis_schema)}"))
            connection.execute(text(f"CREATE EXTENSION IF NOT EXISTS postgis SCHEMA {_ident(postgis_schema)}"))
        if exists:
            clear_schema(connection, schema)
    keep = [line for line in listing.splitlines()
            if not (exists and _creates_schema(line, schema))]
    use_list = workdir / "restore.list"
    use_list.write_text("\n".join(keep) + "\n", encoding="utf-8")
    _run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--use-list={use_list}", f"--dbname={uri}", str(dump_file)], env, "pg_restore")


def _creates_schema(line: str, schema: str) -> bool:
    """A listing line that creates (or comments on) the schema itself:
    ``5; 2615 2200 SCHEMA - public owner``, ``4248; 0 0 COMMENT - SCHEMA public owner``."""
    return re.match(rf"\d+; \d+ \d+ (SCHEMA|COMMENT) - (SCHEMA )?{re.escape(schema)}( |$)", line) is not None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
