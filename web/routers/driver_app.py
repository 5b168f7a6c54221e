"""What makes the driver page an app that works without signal.

- ``GET /api/offline/stations``: the stations around a point that a phone keeps, so a
  search without signal still answers (see :func:`stations.search.reach.stations_around`);
- ``GET /manifest.webmanifest``: the web app manifest (installable, opens on ``/``);
- ``GET /sw.js``: the service worker, served from the root so that its scope is ``/``.
  It keeps the page's shell (the page, its scripts, styles and Leaflet) and answers from
  it when the network does not; data stays the page's business (``offline.js``). The
  script is built by :mod:`web.worker_scripts`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from stations.search.reach import MAX_AREA_STATIONS, stations_around
from web.deps import IndexDep
from web.schemas_driver import OfflineStations
from web.worker_scripts import worker_response

THEME = "#0a5c36"

router = APIRouter()


@router.get("/api/offline/stations", response_model=OfflineStations, tags=["nearest"],
            summary="离线用的站点 / Stations to keep for searching without signal")
def offline_stations(
    index: IndexDep,
    lon: Annotated[float, Query(description="经度 / longitude")],
    lat: Annotated[float, Query(description="纬度 / latitude")],
    radius_m: Annotated[float, Query(description="米，最多 300 km / metres, at most 300 km")] = 20_000,
    limit: Annotated[int, Query(ge=1, le=MAX_AREA_STATIONS,
                                description="最多多少个（最近的）/ at most this many, nearest")] = 2_000,
    crs: Annotated[str, Query(description="wgs84 | gcj02 | bd09")] = "wgs84",
    travel: Annotated[str, Query(description="car | ride | walk: 导航方式 / for the links")] = "car",
    kind: Annotated[list[str] | None, Query(description="只要这些类型 / only these kinds")] = None,
) -> dict[str, Any]:
    return stations_around(index, lon, lat, radius_m, limit=limit, crs=crs, travel=travel,
                           kinds=kind or None)


MANIFEST: dict[str, Any] = {
    "name": "找站点 · 驿站和司机之家",
    "short_name": "找站点",
    "description": "附近的户外劳动者服务站点和司机之家 / Rest stations for riders and truck drivers",
    "lang": "zh-CN",
    "start_url": "/",
    "scope": "/",
    "id": "/",
    "display": "standalone",
    "orientation": "any",
    "background_color": "#ffffff",
    "theme_color": THEME,
    "icons": [
        {"src": f"/static/pages/icons/icon-{size}.png", "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": purpose}
        for size in (192, 512) for purpose in ("any", "maskable")
    ],
    "shortcuts": [
        {"name": "骑手 · 附近的驿站", "short_name": "驿站", "url": "/?mode=rider"},
        {"name": "货车司机 · 附近的司机之家", "short_name": "司机之家", "url": "/?mode=driver"},
    ],
}


@router.get("/manifest.webmanifest", include_in_schema=False)
def manifest() -> JSONResponse:
    return JSONResponse(MANIFEST, media_type="application/manifest+json",
                        headers={"Cache-Control": "no-cache"})


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    return worker_response("driver", {"Service-Worker-Allowed": "/"})
