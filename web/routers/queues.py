"""Work queues for inspectors and planners: ``/api/queues/overdue``, ``/failing`` and
``/unlocated`` (stations without coordinates, to be located on site).

A queue covers the account's region unless a region inside it is asked for; a region
outside it is a 403 naming the account's region."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from stations.accounts.scope import region_for
from stations.accounts.users import MAY, User
from stations.compliance import queue
from web import schemas
from web.deps import RegistryDep, SettingsDep, require_role
from web.schemas_unlocated import UnlocatedQueue

router = APIRouter(prefix="/api/queues", tags=["inspections"])
QueueReader = Annotated[User, Depends(require_role(*MAY["read_queues"]))]
RegionQuery = Annotated[str | None, Query(
    description="行政区划代码 / 6-digit adcode (default: the account's region)")]


def _queue(which: str, registry: Any, settings: Any, region: str) -> dict[str, Any]:
    stations = queue(registry, which, region=region, period_days=settings.inspection_period_days)
    return {
        "queue": which,
        "region": region,
        "period_days": settings.inspection_period_days,
        "count": len(stations),
        "stations": stations,
    }


@router.get(
    "/overdue",
    response_model=schemas.QueueAnswer,
    response_model_exclude_unset=True,
    summary="待检查站点 / Active stations due for inspection",
)
def overdue(
    registry: RegistryDep, settings: SettingsDep, _user: QueueReader, region: RegionQuery = None
) -> dict[str, Any]:
    """Never inspected, or no passing inspection within the inspection period."""
    return _queue("overdue", registry, settings, region_for(_user, region))


@router.get(
    "/failing",
    response_model=schemas.QueueAnswer,
    response_model_exclude_unset=True,
    summary="不合格站点 / Active stations whose last inspection failed",
)
def failing(
    registry: RegistryDep, settings: SettingsDep, _user: QueueReader, region: RegionQuery = None
) -> dict[str, Any]:
    return _queue("failing", registry, settings, region_for(_user, region))


@router.get("/unlocated", response_model=UnlocatedQueue,
            summary="无坐标站点 / Stations without coordinates, to be located on site")
def unlocated(registry: RegistryDep, _user: QueueReader, region: RegionQuery = None) -> Any:
    """Stations imported with an address but no coordinates (not revoked or closed), by
    region: their address says where to go; ``POST /api/stations/{id}/location`` there."""
    region = region_for(_user, region)
    stations = queue(registry, "unlocated", region=region, period_days=1)
    return {"queue": "unlocated", "region": region, "count": len(stations), "stations": stations}
