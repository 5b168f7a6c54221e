"""Commands for running the service: backup, restore, and ``db status|upgrade``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, cli_settings, err, user_errors

db_app = typer.Typer(help="数据库结构版本 / The database schema: status and upgrades.",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


@app.command("backup")
@user_errors
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件 / backup file (.tar, or .tar.gz to compress)")],
    db: DbOption = None,
) -> None:
    """备份数据库与检查照片 / Back up the database and evidence photos while the service runs."""
    from stations.ops.backup import backup
    from stations.services import evidence_dir

    settings = cli_settings(db)
    url = settings.database_url()
    report = backup(url, file, evidence_root=evidence_dir(settings, url))
    m = report.manifest
    rows = sum(n for name, n in m.tables.items() if name not in ("alembic_version", "registry_meta"))
    if m.missing_evidence:
        err(f"警告 / warning: {len(m.missing_evidence)} 个照片文件缺失 / evidence files cited by "
            f"inspections are missing: {', '.join(m.missing_evidence[:5])}")
    typer.echo(
        f"已备份到 {file}：{m.tables.get('stations', 0)} 个站点，{rows} 行，{m.evidence_files} 张照片，"
        f"{_size(report.size_bytes)}，用时 {report.seconds:.1f} 秒 / backed up to {file}: "
        f"{m.tables.get('stations', 0)} stations, {rows} rows, {m.evidence_files} photos, "
        f"{_size(report.size_bytes)} in {report.seconds:.1f} s (schema {m.schema_revision}, "
        f"revision {m.registry_revision})"
    )


@app.command("restore")
@user_errors
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件 / backup file")],
    db: Annotated[str, typer.Option("--db", help="恢复到的数据库 / database to restore into (empty)")],
    force: Annotated[bool, typer.Option("--force", help="替换非空数据库 / replace a database that holds data")] = False,
) -> None:
    """恢复备份到空数据库 / Restore a backup into an empty database (stop the service first)."""
    from stations.ops.backup import restore
    from stations.services import evidence_dir

    settings = cli_settings(db)
    report = restore(file, db, evidence_root=evidence_dir(settings, db), force=force)
    m = report.manifest
    typer.echo(
        f"已恢复 {m.tables.get('stations', 0)} 个站点与 {report.evidence_files} 张照片（备份于 "
        f"{m.created_at}）/ restored {m.tables.get('stations', 0)} stations and "
        f"{report.evidence_files} photos backed up at {m.created_at} (revision {m.registry_revision})"
    )
    if report.schema.status == "older":
        typer.echo(f"数据库结构为 {report.schema.current}，本程序为 {report.schema.head}：请运行 "
                   f"stations db upgrade / the schema is at {report.schema.current}, this program "
                   f"needs {report.schema.head}: run `stations db upgrade --db URL`")
    elif report.schema.status == "newer":
        err(f"警告 / warning: 备份来自更新的程序 / the backup's schema ({report.schema.current}) "
            f"is newer than this program ({report.schema.head}): serve it with that version")


@db_app.command("status")
@user_errors
def db_status_cmd(db: DbOption = None) -> None:
    """数据库结构版本 / Show the database's schema revision against this program's."""
    from stations.store.engine import make_engine
    from stations.store.schema import schema_state

    engine = make_engine(cli_settings(db).database_url())
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    words = {"empty": "空 / empty (created on first use)", "current": "最新 / up to date",
             "older": "需要升级 / needs `stations db upgrade`",
             "newer": "比本程序新 / newer than this program: upgrade stations"}
    typer.echo(f"database {state.current or '-'} · program {state.head} · {words[state.status]}")
    if state.pending:
        typer.echo("pending: " + " ".join(state.pending))
    if state.status == "newer":
        raise typer.Exit(1)


@db_app.command("upgrade")
@user_errors
def db_upgrade_cmd(db: DbOption = None) -> None:
    """升级数据库结构 / Apply pending migrations (back up first: stations backup FILE)."""
    from stations.store.engine import make_engine
    from stations.store.schema import head_revision, migrate

    engine = make_engine(cli_settings(db).database_url())
    try:
        before = migrate(engine)
    finally:
        engine.dispose()
    if before.status == "current":
        typer.echo(f"已是最新 {before.head} / already at {before.head}")
    else:
        typer.echo(f"已升级 {before.current or '-'} → {head_revision()} / upgraded "
                   f"{before.current or 'an empty database'} to {head_revision()} "
                   f"({len(before.pending)} migrations)")
