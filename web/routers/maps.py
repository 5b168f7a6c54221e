"""Map pages: ``GET /maps/coverage`` (scripts and styles served by the app)."""

from __future__ import annotations

import html
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from stations.errors import Overloaded, StationsError
from web.deps import CoverageDep, SettingsDep
from web.errors import status_and_body
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

    try:
        return HTMLResponse(await run_in_threadpool(build))
    except StationsError as exc:  # the map pane shows a sentence, not a JSON body
        status, body = status_and_body(exc)
        headers = ({"Retry-After": str(exc.retry_after_s)} if isinstance(exc, Overloaded)
                   else None)
        detail = body["detail"]
        message = str(detail.get("message", exc)) if isinstance(detail, dict) else str(exc)
        return HTMLResponse(message_page(message, lang), status_code=status, headers=headers)


def message_page(message: str, lang: str) -> str:
    """A small page saying what went wrong, in place of the map."""
    title = "覆盖地图" if lang != "en" else "Coverage map"
    return (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{title}</title></head><body style="font: 16px/1.5 '
            'sans-serif; margin: 1rem"><p role="alert">'
            f"{html.escape(message)}</p></body></html>")
