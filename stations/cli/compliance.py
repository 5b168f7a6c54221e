"""``stations queue ...``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, open_services, user_errors


@app.command("queue")
@user_errors
def queue_cmd(
    which: Annotated[str, typer.Argument(help="overdue（待检查）| failing（不合格）| unlocated（无坐标，待现场定位）"
                                              "| review（待审核的检查记录）"
                                              "| reported（应开放时被报告关闭）")],
    region: Annotated[str | None, typer.Option(help="行政区划代码 / 6-digit adcode")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """检查工作队列 / Active stations overdue for inspection, failing, without coordinates, or
    reported closed by drivers while they should have been open; inspections waiting for an
    admin's review."""
    from stations.compliance import queue
    from stations.compliance.review import waiting_for_review
    from stations.live.queue import reported_queue

    if which == "review":
        with open_services(db) as services:
            waiting = waiting_for_review(services.registry, region)
        if as_json:
            typer.echo(json.dumps({"queue": which, "region": region, "inspections": waiting},
                                  ensure_ascii=False))
            return
        for i in waiting:
            typer.echo("\t".join(str(v) for v in (i["id"], i["station_id"], i["inspector"],
                                                   i["inspected_at"][:10], i["result"],
                                                   ",".join(i["review_reasons"]))))
        typer.echo(f"共 {len(waiting)} 条待审核 / {len(waiting)} waiting for review", err=True)
        return
    with open_services(db) as services:
        if which == "reported":
            stations = reported_queue(services.registry, region)
        else:
            stations = queue(services.registry, which, region=region,
                             period_days=services.period_days)
    if as_json:
        typer.echo(json.dumps({"queue": which, "region": region, "stations": stations},
                              ensure_ascii=False))
        return
    keys = (("id", "name", "county", "address") if which == "unlocated"
            else ("station_id", "name", "county", "clients", "last_at") if which == "reported"
            else ("id", "name", "standing", "last_verified", "county"))
    for st in stations:
        typer.echo("\t".join(str(st[k] or "-") for k in keys))
    typer.echo(f"共 {len(stations)} 个站点 / {len(stations)} stations", err=True)
