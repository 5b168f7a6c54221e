"""``stations coverage``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, err, open_services, user_errors


@app.command("coverage")
@user_errors
def coverage_cmd(
    region: Annotated[str | None, typer.Option(
        help="行政区划代码或名称，默认全国 / adcode or name")] = None,
    radius_m: Annotated[float | None, typer.Option(
        "--radius-m",
        help="覆盖半径（米）/ reach in metres (default 1000, driver homes 50000)")] = None,
    kind: Annotated[str | None, typer.Option(
        help="outdoor_worker_station | driver_home")] = None,
    compliant_only: Annotated[bool, typer.Option(
        "--compliant-only", help="只计检查合格的站点 / compliant stations only")] = False,
    by: Annotated[str | None, typer.Option(
        help="分区级别 / rows by: province|city|county")] = None,
    demand: Annotated[Path | None, typer.Option(
        help="需求点文件 / demand points: CSV (lon,lat,weight / 经度,纬度,权重), "
             "XLSX, GeoJSON")] = None,
    crs: Annotated[str, typer.Option(
        help="需求点坐标系 / demand file: wgs84|gcj02|bd09")] = "wgs84",
    gaps: Annotated[bool, typer.Option(
        "--gaps", help="列出覆盖空白 / list uncovered hexagons")] = False,
    limit: Annotated[int, typer.Option(
        help="最多列出的空白数 / most gaps listed (with --gaps)", min=1, max=500)] = 50,
    suggest: Annotated[int, typer.Option(
        help="建议新站点数（需 --demand）/ new sites to suggest")] = 0,
    network: Annotated[str | None, typer.Option(
        help="沿路网计算覆盖 / reach along roads: walk|bike|drive (see `stations network`)")] = None,
    minutes: Annotated[float | None, typer.Option(
        help="路网可达时间（分钟，默认 15）/ reach in minutes of travel (default 15)")] = None,
    reach_m: Annotated[float | None, typer.Option(
        "--reach-m", help="路网可达距离（米）/ reach in metres along roads")] = None,
    buffer_m: Annotated[float | None, typer.Option(
        "--buffer-m", help="道路两侧覆盖宽度（米，默认 50）/ covered width each side of a "
                           "road (default 50)")] = None,
    out: Annotated[Path | None, typer.Option(
        help="地图输出 / write a map: FILE.html or FILE.png")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """覆盖分析 / Covered area (and demand) per sub-region; gaps, suggested sites, maps."""
    from stations.coverage.analysis import analyse
    from stations.coverage.demand import read_demand
    from stations.coverage.query import check_suggest, parse_query
    from stations.coverage.reach import parse_reach
    from stations.render.output import check_output, write_map

    query = parse_query(region, radius_m=radius_m, kind=kind, compliant_only=compliant_only, by=by)
    reach = parse_reach(network, minutes=minutes, reach_m=reach_m, buffer_m=buffer_m)
    sites = check_suggest(suggest)
    if out is not None:
        check_output(out)
    points = read_demand(demand, crs=crs) if demand is not None else None
    with open_services(db) as services:
        revision = services.registry.revision()
        result = analyse(services.station_table(), query, demand=points, gaps=gaps, suggest=sites,
                         revision=revision, reach=reach, networks=services.networks,
                         gap_limit=limit)
        settings = services.settings
    if out is not None:
        write_map(result, out, settings)
        err(f"已写入地图 / wrote the map to {out}")
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    from stations.coverage.report import format_report

    typer.echo(format_report(result))
