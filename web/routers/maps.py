"""Map pages: ``GET /maps/coverage`` (scripts and styles served by the app)."""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from web.deps import CoverageDep, SettingsDep
from web.reach_params import ReachDep
from web.routers.coverage import GapsParam, QueryDep

router = APIRouter(prefix="/maps", tags=["maps"])
MAP_TITLE = "覆盖地图 / Coverage map"


def accessible_page(html: str, title: str = MAP_TITLE) -> str:
    """Folium writes ``<html>`` with no language and no ``<title>``: screen readers need both."""
    html = re.sub(r"<html(?![^>]*\blang=)", '<html lang="zh-CN"', html, count=1)
    if not re.search(r"<title>", html[:4000]):
        html = html.replace("<head>", f"<head>\n<title>{title}</title>", 1)
    return html


@router.get("/coverage", response_class=HTMLResponse,
            summary="覆盖地图 / Coverage map of a region (HTML)")
async def coverage_page(
    service: CoverageDep,
    settings: SettingsDep,
    query: QueryDep,
    reach: ReachDep,
    gaps: GapsParam = False,
) -> HTMLResponse:
    from stations.render import coverage_map

    def build() -> str:
        result = service.analyse(query, gaps=gaps, reach=reach)
        key = (result.revision, "map", query, gaps, settings.tile_url, settings.tile_crs, reach)
        return service.remember(key, lambda: coverage_map(  # type: ignore[no-any-return]
            result, tile_url=settings.tile_url, tile_attribution=settings.tile_attribution,
            tile_crs=settings.tile_crs).html())

    return HTMLResponse(accessible_page(await run_in_threadpool(build)))
