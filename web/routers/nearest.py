"""Nearest stations: ``GET /api/nearest`` and ``POST /api/route/stations``.

``GET /api/nearest`` is the hottest path of the service.
:class:`web.middleware.NearestFastPath` answers it as plain ASGI, ahead of FastAPI's parameter machinery (which costs
more than the search itself); the FastAPI route below documents it in OpenAPI
and answers the same way when the fast path is not installed. Both parse the
query with :func:`nearest_body`, the one place that does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from stations.errors import InvalidInput
from stations.network.nearest import annotate, candidates
from stations.search.inputs import check_k, check_point
from stations.search.reach import nearest_within_reach
from stations.search.route import stations_along_route
from stations.services import Services
from web import schemas
from web.deps import IndexDep, ServicesDep
from web.errors import status_and_body

router = APIRouter(prefix="/api", tags=["nearest"])
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _number(params: Mapping[str, Sequence[str]], name: str, *, required: bool = False) -> float | None:
    text = _one(params, name)
    if text is None or text == "":
        if required:
            raise InvalidInput(name, "缺少参数 / required parameter missing")
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(name, f"不是数字 / not a number: {text!r}") from None
    if not math.isfinite(value):
        raise InvalidInput(name, f"不是有限数字 / not a finite number: {text!r}")
    return value


def _required(params: Mapping[str, Sequence[str]], name: str) -> float:
    value = _number(params, name, required=True)
    assert value is not None  # _number raised otherwise
    return value


def _flag(params: Mapping[str, Sequence[str]], name: str) -> bool:
    text = (_one(params, name) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(name, f"应为 true 或 false / expected true or false: {text!r}")


def _statuses(params: Mapping[str, Sequence[str]]) -> tuple[str, ...] | None:
    """``status`` (repeatable): active by default; ``any`` allows every status."""
    values = [v for v in params.get("status", ()) if v]
    if not values:
        return ("active",)
    return None if "any" in values else tuple(values)


def nearest_body(services: Services, params: Mapping[str, Sequence[str]]) -> tuple[int, bytes]:
    """Answer a nearest query string: ``(status, JSON bytes)``; errors as 4xx bodies."""
    try:
        k_text = _one(params, "k")
        try:
            k = int(k_text) if k_text else 5
        except ValueError:
            raise InvalidInput("k", f"必须是 1 到 100 的整数 / must be an integer from 1 to 100: {k_text!r}") from None
        keeper = services.start_index()
        networks = services.networks
        networks.seen(keeper.revision)  # an int compare; a moved revision refreshes elsewhere
        index = keeper.live.current
        lon, lat = _required(params, "lon"), _required(params, "lat")
        query: dict[str, Any] = {
            "kind": _one(params, "kind") or None,
            "services": list(params.get("service", ())),
            "open_now": _flag(params, "open_now"),
            "compliant_only": _flag(params, "compliant_only"),
            "max_distance_m": _number(params, "max_distance_m"),
            "crs": _one(params, "crs") or "wgs84",
            "status": _statuses(params),
            "travel": _one(params, "travel") or "car",
        }
        # with road networks, more geodesic candidates are measured by road and re-ranked
        wanted = candidates(check_k(k)) if networks.active else k
        reach = _number(params, "reach_m")
        answer = nearest_within_reach(index, lon, lat, wanted, reach, **query) if reach is not None else None
        results = answer.results if answer is not None else index.query(lon, lat, wanted, **query)
        if networks.active:  # road distances where a loaded network covers the point
            results = annotate(results, *check_point(lon, lat, query["crs"]), k, networks.ready_network)
        body: dict[str, Any] = {"results": [r.to_dict() for r in results]}
        if answer is not None:
            body |= {"reach_m": answer.reach_m,
                     "beyond": None if answer.beyond is None else answer.beyond.to_dict()}
    except Exception as exc:  # noqa: BLE001 - mapped through the one error table
        status, body = status_and_body(exc)
        return status, orjson.dumps(body)
    return 200, orjson.dumps(body)


@router.get(
    "/nearest",
    response_model=schemas.NearestAnswer,
    summary="最近的站点 / Nearest stations",
    description="按 WGS-84 椭球面距离排序 / ordered by geodesic distance on WGS-84. "
    "Point in `crs` (wgs84, gcj02, bd09). Each result carries route-planning links "
    "(`navigation`: amap, baidu, apple, geo) for `travel` (car, ride, walk), `hours` "
    "(state always/open/closed/unknown, closes_at or opens_at, day_offset, weekday, minutes "
    "until the change, in China time) and `carriageway` (for expressway sites named after a "
    "direction). With `reach_m`, only stations within it are `results`; when none is, "
    "`beyond` is the nearest one farther away. Where a "
    "road network covers the point (`stations network import`), results carry "
    "`road_distance_m` and `travel_minutes` (walking to outdoor-worker stations, driving "
    "to driver homes) and are ranked by road distance among the geodesic candidates. "
    "`live` is what the station's host (a notice) or people there (agreeing reports) say "
    "now, or null; with `open_now`, a station a closure notice closes is left out.",
)
async def nearest(
    request: Request,
    services: ServicesDep,
    lon: Annotated[str, Query(description="经度 / longitude")],
    lat: Annotated[str, Query(description="纬度 / latitude")],
    k: Annotated[str, Query(description="1..100 (default 5)")] = "5",
    kind: Annotated[str | None, Query(description="outdoor_worker_station | driver_home")] = None,
    service: Annotated[list[str], Query(description="必须全部具备 / all required")] = [],  # noqa: B006
    open_now: Annotated[str, Query(description="true: 仅营业中 / open now only")] = "false",
    compliant_only: Annotated[str, Query(description="true: 仅达标 / compliant only")] = "false",
    max_distance_m: Annotated[str | None, Query(description="metres")] = None,
    crs: Annotated[str, Query(description="wgs84 | gcj02 | bd09")] = "wgs84",
    status: Annotated[list[str], Query(description="默认仅运营中 / default active; `any`: all")] = [],  # noqa: B006
    travel: Annotated[str, Query(description="car | ride | walk: 导航方式 / for the links")] = "car",
    reach_m: Annotated[str | None, Query(
        description="可到达距离（米）/ how far the person can go, metres: results stop there, "
                    "and `beyond` names the nearest station past it when none is within")] = None,
) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    code, body = nearest_body(services, params)
    return Response(body, status_code=code, media_type="application/json")


class RouteQuery(BaseModel):
    route: dict[str, Any] | list[Any] = Field(
        description="GeoJSON LineString (or a list of [lon, lat] positions)")
    corridor_m: float = 2000.0
    kind: str | None = None
    service: list[str] = []
    open_now: bool = False
    compliant_only: bool = False
    crs: str = "wgs84"
    travel: str = "car"


@router.post("/route/stations", response_model=schemas.RouteAnswer, summary="沿途站点 / Stations along a route")
async def route_stations(index: IndexDep, query: RouteQuery) -> Response:
    found = stations_along_route(
        index, query.route, query.corridor_m, kind=query.kind or None, services=query.service,
        open_now=query.open_now, compliant_only=query.compliant_only, crs=query.crs,
        travel=query.travel,
    )
    body = {"results": [r.to_dict() for r in found], "corridor_m": query.corridor_m}
    return Response(orjson.dumps(body), media_type="application/json")
