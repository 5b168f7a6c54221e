"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from stations.compliance.evidence import MAX_PHOTO_BYTES
from stations.config import Settings, get_settings
from stations.render.assets import VENDOR_DIR
from stations.services import build_services
from web import schemas
from web.errors import install_error_handlers
from web.metrics import AppMetrics
from web.middleware import MB, BodyLimit, BodyRule, NearestFastPath, RefreshAfterWrites, SecurityHeaders
from web.observe import RequestObserver
from web.ogc.routes import router as ogc_router
from web.routers import auth as auth_router
from web.routers import coverage as coverage_router
from web.routers import coverage_download as coverage_download_router
from web.routers import docs as docs_router
from web.routers import driver_app as driver_app_router
from web.routers import inspections as inspections_router
from web.routers import live as live_router
from web.routers import maps as maps_router
from web.routers import nearest as nearest_router
from web.routers import operations as operations_router
from web.routers import pages as pages_router
from web.routers import queues as queues_router
from web.routers import regions as regions_router
from web.routers import station_location as station_location_router
from web.routers import station_status as station_status_router
from web.routers import stations as stations_router
from web.worker_scripts import build_worker_scripts

STATIC_DIR = Path(__file__).resolve().parent / "static"  # the pages' scripts and styles

DEFAULT_BODY_LIMIT = 1 * MB
"""Every body not named in :data:`BODY_LIMITS` (JSON, login forms): 1 MB is far more
than any station, inspection or route a person sends."""
BODY_LIMITS: tuple[BodyRule, ...] = (
    # a demand file (CSV, XLSX or GeoJSON) plus the multipart framing
    ("POST", "/api/coverage/demand", coverage_router.MAX_UPLOAD_BYTES + MB),
    # the inspection's JSON and up to MAX_PHOTOS photos of MAX_PHOTO_BYTES each
    ("POST", "/api/inspections", inspections_router.MAX_PHOTOS * MAX_PHOTO_BYTES + MB),
)
"""Largest request body per route, enforced while the body streams
(:class:`web.middleware.BodyLimit`): larger is 413."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the lifespan builds the services (registry, search index, coverage,
    checklists, evidence store) once, from ``settings``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        services.evidence.remove_leftovers()  # photos staged when a crash stopped an upload
        try:
            services.token_secret  # noqa: B018 - a secret too short refuses to start, plainly
        except BaseException:
            services.close()
            raise
        # built in the background: /healthz answers at once, /readyz once the index is
        # ready, and searches wait for it meanwhile
        services.begin_index()
        app.state.services = services
        try:
            yield
        finally:
            services.close()

    app = FastAPI(
        title="stations 站点服务",
        description="户外劳动者服务站点与司机之家 / Outdoor-worker stations and driver homes",
        version="0.1.0",
        lifespan=lifespan,
        # Swagger UI is served from the app's own files (web.routers.docs), not a CDN
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    # pages, scripts and maps travel compressed (Leaflet 148 KB → 42 KB; a national
    # coverage map 2.2 MB → 0.5 MB); the nearest fast path sits outside, uncompressed
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(RefreshAfterWrites)
    app.add_middleware(NearestFastPath)  # ahead of FastAPI: the hot path
    # inside the observer, so a refused body is logged and counted like any answer
    app.add_middleware(BodyLimit, limits=BODY_LIMITS, default=DEFAULT_BODY_LIMIT)
    app.state.metrics = (AppMetrics(lambda: getattr(app.state, "services", None))
                         if settings.metrics else None)
    # request id, access log, metrics and unexpected errors, the fast path included
    app.add_middleware(RequestObserver, metrics=app.state.metrics, access_log=settings.access_log)
    app.add_middleware(SecurityHeaders, settings=settings)  # outermost: every response

    @app.get("/healthz", tags=["health"], response_model=schemas.Health)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(operations_router.router)
    app.include_router(stations_router.router)
    app.include_router(nearest_router.router)
    app.include_router(station_status_router.router)
    app.include_router(station_location_router.router)
    app.include_router(auth_router.router)
    app.include_router(inspections_router.router)
    app.include_router(queues_router.router)
    app.include_router(live_router.router)
    app.include_router(coverage_router.router)
    app.include_router(maps_router.router)
    app.include_router(coverage_download_router.router)
    app.include_router(regions_router.router)
    app.include_router(pages_router.router)
    app.include_router(driver_app_router.router)
    build_worker_scripts()  # /sw.js and /inspect-sw.js: each its own head and the one body
    app.include_router(docs_router.router)
    app.include_router(ogc_router)  # OGC API - Features under /ogc
    # vendored Leaflet lives with the map renderer (the CLI writes maps too)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR_DIR), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
