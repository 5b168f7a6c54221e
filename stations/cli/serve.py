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
) -> None:
    """启动网页与接口服务 / Run the web app and API."""
    import uvicorn

    from stations.config import get_settings
    from stations.io.demo import seed_demo
    from stations.services import build_services
    from web.app import create_app

    settings = get_settings()
    if db:
        settings = settings.model_copy(update={"db": db})
    # Build everything once before the server starts (create, migrate, seed, checklists),
    # so a bad database URL, an unreachable server or a broken checklist file is reported
    # plainly rather than as a startup traceback.
    services = build_services(settings, seed_demo=False)
    try:
        if settings.should_seed_demo():
            report = seed_demo(services.registry)
            if report is not None:
                typer.echo(f"已载入演示数据 {report.rows} 个站点 / loaded {report.rows} demo stations")
    finally:
        services.close()
    app_ = create_app(settings)
    uvicorn.run(app_, host=host or settings.host, port=port or settings.port, log_level="info")
