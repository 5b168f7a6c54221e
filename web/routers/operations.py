"""For those who run the service: ``/readyz`` and ``/metrics`` (``/healthz`` is in the app).

``/healthz`` says the process is alive and costs nothing; ``/readyz`` says whether this
instance should get traffic: its database answers, its search index is built and not
lagging the registry by more than ``STATIONS_READY_MAX_LAG_SECONDS``.
"""

from __future__ import annotations

import hmac
import logging
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from stations.errors import Forbidden, NotFound, Unauthorized
from web.deps import ServicesDep
from web.schemas_ops import Readiness

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get(
    "/readyz", response_model=Readiness, responses={503: {"model": Readiness}},
    summary="就绪检查 / Readiness: 200 when this instance can serve, 503 with the reasons",
)
def readyz(services: ServicesDep) -> JSONResponse:
    reasons: list[str] = []
    registry_revision: int | None = None
    try:
        registry_revision = services.registry.revision()
    except Exception as exc:  # noqa: BLE001 - any failure to answer means "not ready"
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        reasons.append("数据库不可达 / database unreachable")
    keeper = services.keeper
    body = Readiness(status="ready", registry_revision=registry_revision)
    if keeper is None:
        why = "搜索索引尚未建立 / search index not built yet"
        if services.index_error is not None:
            why += f" ({type(services.index_error).__name__})"
        reasons.append(why)
    else:
        body.index_revision = keeper.revision
        body.index_stations = keeper.stations
        body.index_lag_seconds = round(keeper.lag_seconds(), 3)
        limit = services.settings.ready_max_lag_seconds
        if body.index_lag_seconds > limit:
            reasons.append(f"搜索索引落后于登记册 {body.index_lag_seconds:.0f} 秒 / search index "
                           f"{body.index_lag_seconds:.0f} s behind the registry (limit {limit:g} s)")
    if reasons:
        body.status = "not ready"
        body.reasons = reasons
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})
    return JSONResponse(body.model_dump())


def _allowed(request: Request, services: ServicesDep) -> None:
    """Let the request read the metrics, or raise 401/403 (by the settings)."""
    settings = services.settings
    networks = settings.metrics_networks()
    token = settings.metrics_token
    if not networks and not token:
        return
    client = request.client.host if request.client else None
    if networks and client:
        try:
            address = ip_address(client)
        except ValueError:
            address = None
        if address is not None and any(address in net for net in networks):
            return
    if token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return
        raise Unauthorized("读取指标需要令牌 / a bearer token is needed to read the metrics")
    raise Forbidden("此地址不能读取指标 / metrics are not served to this address")


@router.get(
    "/metrics", response_class=Response,
    summary="Prometheus 指标 / Metrics in the Prometheus text format",
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request, services: ServicesDep) -> Response:
    app_metrics = getattr(request.app.state, "metrics", None)
    if app_metrics is None:
        raise NotFound("指标未启用 / metrics are switched off (STATIONS_METRICS)")
    _allowed(request, services)
    return Response(generate_latest(app_metrics.registry), media_type=CONTENT_TYPE_LATEST)
