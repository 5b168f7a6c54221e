"""Commands on the registry: import, export, history, set-status, synth."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, err, open_services, progress_bar, user_errors


@app.command("import")
@user_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV / XLSX / GeoJSON / GPKG 台账文件 / ledger file")],
    db: DbOption = None,
    crs: Annotated[str, typer.Option(help="文件坐标系 / coordinate system of the file: wgs84|gcj02|bd09")] = "wgs84",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验不写入 / validate only")] = False,
    sheet: Annotated[str | None, typer.Option(help="工作表名称 / XLSX sheet to read "
                                                   "(default: the one that looks like a ledger)")] = None,
    kind: Annotated[str | None, typer.Option(help="没有类型列时每行的类型 / kind of rows without one: "
                                                  "outdoor_worker_station|driver_home")] = None,
    region: Annotated[str | None, typer.Option(help="台账所属区域（行政区划代码或名称），用于读地址 / "
                                                    "the ledger's region (adcode or name), to read addresses")] = None,
    report: Annotated[Path | None, typer.Option(help="把所有问题和警告写入 XLSX / write every problem "
                                                     "and warning to this .xlsx file")] = None,
) -> None:
    """导入台账 / Import a ledger: all rows or none; warnings do not stop it."""
    from stations.io.ledger import import_ledger
    from stations.io.report import ignored_note
    from stations.store.jobs import record_job

    with open_services(db) as services:
        registry = services.registry
        started = time.monotonic()
        with progress_bar() as progress:
            result = import_ledger(registry, file, crs=crs, dry_run=dry_run, on_progress=progress,
                                   sheet=sheet, kind=kind, region=region, report_to=report)
        if not result.dry_run:  # seen on every instance's /metrics
            record_job(registry.engine, "import", duration_seconds=time.monotonic() - started,
                       size_bytes=file.stat().st_size)
        for dup in result.duplicates:
            err(str(dup))
        for warning in result.warnings:
            err(f"{result.path}:{warning.row}: {warning.field}: 警告 / warning: {warning.reason}")
        for line in ignored_note(result.unknown_columns):
            err(line)
        if report is not None:
            err(f"报告已写入 / report written to {report}")
        for line in result.summary():
            typer.echo(line)


@app.command("export")
@user_errors
def export_cmd(
    file: Annotated[Path, typer.Argument(help="输出文件 / output: .geojson .gpkg .csv .xlsx")],
    db: DbOption = None,
) -> None:
    """导出登记册 / Export the registry (imports back unchanged)."""
    from stations.io.export import export_stations

    with open_services(db) as services:
        registry = services.registry
        stations = registry.all()
        with progress_bar() as progress:
            count = export_stations(stations, file, on_progress=progress)
        typer.echo(f"已导出 {count} 个站点到 {file} / exported {count} stations to {file}")


@app.command("synth")
@user_errors
def synth_cmd(
    file: Annotated[Path, typer.Argument(help="输出 CSV / output CSV")],
    n: Annotated[int, typer.Option("-n", help="站点数 / number of stations")] = 200_000,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 42,
) -> None:
    """生成合成登记册（基准测试用）/ Write a synthetic registry for benchmarks."""
    from stations.io.synth import write_synthetic_csv

    write_synthetic_csv(file, n=n, seed=seed)
    typer.echo(f"已生成 {n} 个站点 / wrote {n} stations to {file}")


@app.command("history")
@user_errors
def history_cmd(
    station_id: Annotated[str, typer.Argument(help="站点编号 / station id")],
    db: DbOption = None,
) -> None:
    """站点变更历史 / A station's change history (who, when, what)."""
    with open_services(db) as services:
        registry = services.registry
        for entry in registry.history(station_id):
            typer.echo(json.dumps(
                {"at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action,
                 "changes": entry.changes, "reason": entry.reason},
                ensure_ascii=False,
            ))


@app.command("set-status")
@user_errors
def set_status_cmd(
    station_id: Annotated[str, typer.Argument(help="站点编号 / station id")],
    status: Annotated[str, typer.Argument(help="planned|active|suspended|revoked|closed")],
    reason: Annotated[str, typer.Option(help="原因 / reason (required)")],
    actor: Annotated[str, typer.Option(help="操作人 / who")] = "cli",
    db: DbOption = None,
) -> None:
    """变更站点状态 / Move a station along its lifecycle, with a reason."""
    with open_services(db) as services:
        registry = services.registry
        st = registry.set_status(station_id, status, reason=reason, actor=actor)
        typer.echo(f"{st.id}: {st.status} ({st.status_date})")
