"""Work queues for inspectors and planners: ``/api/queues/overdue``, ``/failing``,
``/unlocated`` (stations without coordinates, to be located on site) and ``/review``
(inspections waiting for an admin).

Each covers the caller's region unless ``region`` narrows it; a region outside the
caller's is a 403. The answer's ``region`` says which region it covers, so a page learns
the account's region from its first queue.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from stations.accounts.scope import region_for
from stations.accounts.users import MAY, User
from stations.compliance import queue, review_queue
from web import schemas
from web.deps import RegistryDep, SettingsDep, require_role
from web.schemas_unlocated import UnlocatedQueue

router = APIRouter(prefix="/api/queues", tags=["inspections"])
QueueReader = Annotated[User, Depends(require_role(*MAY["read_queues"]))]
RegionQuery = Annotated[str | None, Query(
    description="行政区划代码 / 6-digit adcode (default: the account's region)")]


def _queue(
    which: str, registry: Any, settings: Any, user: User, region: str | None
) -> dict[str, Any]:
    region = region_for(user, region)
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
    registry: RegistryDep, settings: SettingsDep, user: QueueReader, region: RegionQuery = None
) -> dict[str, Any]:
    """Never inspected, or no passing inspection within the inspection period."""
    return _queue("overdue", registry, settings, user, region)


@router.get(
    "/failing",
    response_model=schemas.QueueAnswer,
    response_model_exclude_unset=True,
    summary="不合格站点 / Active stations whose last inspection failed",
)
def failing(
    registry: RegistryDep, settings: SettingsDep, user: QueueReader, region: RegionQuery = None
) -> dict[str, Any]:
    return _queue("failing", registry, settings, user, region)


@router.get("/unlocated", response_model=UnlocatedQueue,
            summary="无坐标站点 / Stations without coordinates, to be located on site")
def unlocated(registry: RegistryDep, user: QueueReader, region: RegionQuery = None) -> Any:
    """Stations imported with an address but no coordinates (not revoked or closed), by
    region: their address says where to go; ``POST /api/stations/{id}/location`` there."""
    region = region_for(user, region)
    stations = queue(registry, "unlocated", region=region, period_days=1)
    return {"queue": "unlocated", "region": region, "count": len(stations), "stations": stations}


@router.get(
    "/review",
    response_model=schemas.ReviewQueue,
    response_model_exclude_unset=True,
    summary="待审核检查记录 / Inspections waiting for an admin's review",
)
def review(registry: RegistryDep, user: QueueReader, region: RegionQuery = None) -> Any:
    """Corrections, visits logged off site and visits logged more than seven days late,
    in the caller's region, oldest first. They count toward a station's standing once an
    admin (never the inspector who logged them) approves them:
    ``POST /api/inspections/{id}/review``."""
    return review_queue(registry, user, region)
