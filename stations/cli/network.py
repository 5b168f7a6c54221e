"""``stations network``: road networks from OpenStreetMap extracts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, err, open_services, progress_bar, user_errors
from stations.errors import InvalidInput

network_app = typer.Typer(help="路网（OpenStreetMap）/ road networks from OpenStreetMap extracts",
                          no_args_is_help=True)
app.add_typer(network_app, name="network")


def _offset(text: str | None) -> tuple[float, float]:
    if not text:
        return (0.0, 0.0)
    try:
        dlon, dlat = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput("offset", f"应为 经度差,纬度差 / expected DLON,DLAT: {text!r}") from None
    return dlon, dlat


@network_app.command("import")
@user_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="OSM 文件 / an .osm.pbf extract")],
    profile: Annotated[str, typer.Option(help="出行方式 / walk|bike|drive")] = "walk",
    region: Annotated[str | None, typer.Option(
        help="路网服务的行政区（代码或名称），默认为完整落在路网范围内的区县 / the region it "
             "serves (default: the counties inside its extent)")] = None,
    offset: Annotated[str | None, typer.Option(
        help="坐标平移 经度差,纬度差（试用境外数据）/ shift every coordinate by DLON,DLAT "
             "(to try a foreign extract)")] = None,
    db: DbOption = None,
) -> None:
    """导入路网 / Read the roads of an OSM extract for a profile and store them."""
    from stations.network.importer import import_network

    shift = _offset(offset)
    with open_services(db) as services, progress_bar() as progress:
        report = import_network(services.registry.engine, file, profile=profile,
                                region_key=region, offset=shift, progress=progress)
    where = (f"服务 {report.counties} 个区县 / serves {report.counties} count"
             f"{'y' if report.counties == 1 else 'ies'}")
    typer.echo(f"路网 #{report.network_id} ({report.profile}): {report.nodes:,} 个节点 / nodes, "
               f"{report.segments:,} 段 / segments, {report.length_km:,.1f} km; {where}; "
               f"读取 {report.read_seconds:.1f} s, 写入 {report.write_seconds:.1f} s")
    if report.replaced:
        typer.echo("替换了 / replaced: " + ", ".join(f"#{i}" for i in report.replaced))
    if not report.counties:
        err("注意：路网没有完整覆盖任何区县，覆盖分析仍用圆；用 --region 指定它服务的行政区 / "
            "note: the network covers no whole county, so coverage keeps to circles; say which "
            "region it serves with --region")


@network_app.command("list")
@user_errors
def list_cmd(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """列出路网 / The stored road networks."""
    with open_services(db) as services:
        found = services.networks.catalogue()
    if as_json:
        typer.echo(json.dumps({"networks": [n.to_json() for n in found]}, ensure_ascii=False))
        return
    if not found:
        typer.echo("没有路网 / no road networks; stations network import FILE.osm.pbf")
    for n in found:
        typer.echo(f"#{n.id}\t{n.profile}\t{n.region or '-'}\t{len(n.counties)} 区县/counties\t"
                   f"{n.node_count:,} nodes\t{n.length_km:,.1f} km\t{n.source}\t"
                   f"{n.imported_at:%Y-%m-%d %H:%M}")


@network_app.command("remove")
@user_errors
def remove_cmd(network_id: Annotated[int, typer.Argument(help="路网编号 / network id")],
               db: DbOption = None) -> None:
    """删除路网 / Remove a stored road network."""
    from stations.network.store import remove_network

    with open_services(db) as services:
        remove_network(services.registry.engine, network_id)
    typer.echo(f"已删除路网 / removed network #{network_id}")
