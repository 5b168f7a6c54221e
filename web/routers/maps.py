"""Map pages: ``GET /maps/coverage`` (scripts and styles served by the app)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from web.deps import CoverageDep, SettingsDep
from web.reach_params import ReachDep
from web.routers.coverage import GapsParam, QueryDep

router = APIRouter(prefix="/maps", tags=["maps"])
LangParam = Annotated[Literal["zh", "en"], Query(
    description="地图文字的语言 / language of the map's words: zh (default) | en")]


@router.get("/coverage", response_class=HTMLResponse,
            summary="覆盖地图 / Coverage map of a region (HTML)")
async def coverage_page(
    service: CoverageDep,
    settings: SettingsDep,
    query: QueryDep,
    reach: ReachDep,
    gaps: GapsParam = False,
    lang: LangParam = "zh",
) -> HTMLResponse:
    from stations.render import coverage_map

    def build() -> str:
        result = service.analyse(query, gaps=gaps, reach=reach)
        key = (result.revision, "map", query, gaps, settings.tile_url, settings.tile_crs, reach,
               lang)
        return service.remember(key, lambda: coverage_map(  # type: ignore[no-any-return]
            result, tile_url=settings.tile_url, tile_attribution=settings.tile_attribution,
            tile_crs=settings.tile_crs, lang=lang).html())

    return HTMLResponse(await run_in_threadpool(build))
