"""``stations nearest``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, open_services, user_errors


@app.command("nearest")
@user_errors
def nearest_cmd(
    lon: Annotated[float, typer.Argument(help="经度 / longitude")],
    lat: Annotated[float, typer.Argument(help="纬度 / latitude")],
    k: Annotated[int, typer.Option("-k", help="结果数 / how many (1-100)")] = 5,
    kind: Annotated[str | None, typer.Option(help="outdoor_worker_station | driver_home")] = None,
    service: Annotated[
        list[str] | None, typer.Option("--service", help="所需服务 / required service (repeatable)")
    ] = None,
    open_now: Annotated[bool, typer.Option("--open-now", help="仅限营业中 / open now only")] = False,
    compliant_only: Annotated[bool, typer.Option("--compliant-only", help="仅限达标 / compliant only")] = False,
    max_distance_m: Annotated[float | None, typer.Option(help="最大距离（米）/ max distance in metres")] = None,
    crs: Annotated[str, typer.Option(help="坐标系 / coordinate system of LON LAT: wgs84|gcj02|bd09")] = "wgs84",
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """查找最近的站点 / Find the nearest stations to a point."""
    from stations.network.nearest import annotate, candidates
    from stations.search.index import NearestIndex
    from stations.search.inputs import check_k, check_point
    from stations.search.live import LiveBoard

    with open_services(db) as services:
        board = LiveBoard(services.registry)
        board.reload()  # closures and reports in effect, as the app shows them
        index = NearestIndex.build(services.station_table(), board)
        networks = services.networks
        wanted = candidates(check_k(k)) if networks.catalogue() else k
        results = index.query(
            lon, lat, wanted, kind=kind, services=service or (), open_now=open_now,
            compliant_only=compliant_only, max_distance_m=max_distance_m, crs=crs,
        )
        if networks.active:
            results = annotate(results, *check_point(lon, lat, crs), k, networks.network_at)
        results = results[:k]
    if as_json:
        typer.echo(json.dumps({"results": [r.to_dict() for r in results]}, ensure_ascii=False))
        return
    if not results:
        typer.echo("附近没有符合条件的站点 / no matching station")
        return
    for i, r in enumerate(results, start=1):
        open_text = {True: "营业中 open", False: "已关闭 closed", None: "时间未知 hours unknown"}[r.open_now]
        distance = f"{r.distance_m / 1000:.1f} km" if r.distance_m >= 1000 else f"{r.distance_m:.0f} m"
        if r.road_distance_m is not None:
            road = (f"{r.road_distance_m / 1000:.1f} km" if r.road_distance_m >= 1000
                    else f"{r.road_distance_m:.0f} m")
            how = "驾车" if r.kind == "driver_home" else "步行"
            distance += f"（路程 {road}，{how} {r.travel_minutes:.0f} 分钟 / by road）"
        typer.echo(f"{i}. {r.name}  {distance}  {open_text}  [{r.id}]")
        if r.address:
            typer.echo(f"   {r.address}")
        typer.echo(f"   {', '.join(r.services)}")
        typer.echo(f"   {r.navigation['amap']}")
