"""``stations serve``: the one command that imports the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from stations.cli.common import DbOption, app, user_errors


@app.command("serve")
@user_errors
def serve_cmd(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="监听地址 / host")] = None,
    port: Annotated[int | None, typer.Option(help="端口 / port")] = None,
    upgrade: Annotated[bool, typer.Option(
        "--upgrade", help="先升级旧的数据库结构 / migrate an older database schema first "
                          "(STATIONS_AUTO_UPGRADE=1)")] = False,
) -> None:
    """启动网页与接口服务 / Run the web app and API."""
    from stations.config import get_settings
    from stations.io.demo import seed_demo
    from stations.services import build_services
    from web.app import create_app
    from web.server import run

    settings = get_settings()
    if db:
        settings = settings.model_copy(update={"db": db})
    if upgrade:
        settings = settings.model_copy(update={"auto_upgrade": True})
    # Build everything once before the server starts (create, migrate, seed, checklists),
    # so a bad database URL, an unreachable server, a schema newer than this program or a
    # broken checklist file or a secret key under 32 bytes is reported plainly rather than
    # as a startup traceback.
    services = build_services(settings, seed_demo=False)
    try:
        services.token_secret  # noqa: B018 - refuses a STATIONS_SECRET_KEY under 32 bytes
        if settings.should_seed_demo():
            report = seed_demo(services.registry)
            if report is not None:
                typer.echo(f"已载入演示数据 {report.rows} 个站点 / loaded {report.rows} demo stations")
    finally:
        services.close()
    run(create_app(settings), settings, host=host or settings.host, port=port or settings.port)
