"""Station records: ``GET /api/stations``, ``GET|PATCH /api/stations/{id}`` and the
station's history (the public sees when and what changed; staff of the station's region
also who)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from stations.accounts.scope import may_touch
from stations.accounts.station_edits import ADMIN_FIELDS, HOST_FIELDS, edit_station
from stations.accounts.users import MAY, User
from stations.errors import InvalidInput
from stations.io.export import station_feature
from web import schemas
from web.deps import OptionalUser, RegistryDep, require_role
from web.params import Offset, StationId

router = APIRouter(prefix="/api/stations", tags=["stations"])
Editor = Annotated[User, Depends(require_role(*MAY["edit_station"]))]


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in WGS-84 degrees."""
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput(
            "bbox", "需要 west,south,east,north 四个数字 / expected four numbers west,south,east,north"
        ) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidInput("bbox", "范围无效 / bbox out of range or west > east / south > north")
    return west, south, east, north


@router.get(
    "",
    response_model=schemas.StationCollection,
    response_model_exclude_unset=True,
    summary="站点列表 / Stations as GeoJSON, paged and filtered",
)
def list_stations(
    registry: RegistryDep,
    bbox: Annotated[str | None, Query(description="west,south,east,north (WGS-84)")] = None,
    kind: str | None = None,
    service: Annotated[list[str], Query(description="必须全部具备 / required services")] = [],  # noqa: B006
    status: str | None = None,
    region: Annotated[str | None, Query(description="行政区划代码前缀 / adcode")] = None,
    q: Annotated[str | None, Query(max_length=100, description="名称包含 / name contains")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    total, page = registry.search(
        bbox=parse_bbox(bbox), kind=kind, services=service, status=status, adcode=region,
        name_contains=q or None,
        limit=limit, offset=offset,
    )
    return {
        "type": "FeatureCollection",
        "features": [station_feature(st) for st in page],
        "numberMatched": total,
        "numberReturned": len(page),
        "limit": limit,
        "offset": offset,
    }


@router.get(
    "/{station_id}",
    response_model=schemas.StationFeature,
    response_model_exclude_unset=True,
    summary="单个站点 / One station as a GeoJSON Feature",
)
def get_station(station_id: StationId, registry: RegistryDep) -> dict[str, Any]:
    return station_feature(registry.get(station_id))


@router.get(
    "/{station_id}/history",
    response_model=schemas.StationHistory,
    response_model_exclude_unset=True,
    summary="变更历史 / Change history",
)
def station_history(station_id: StationId, registry: RegistryDep, user: OptionalUser) -> dict[str, Any]:
    """Everyone sees when and what changed; who changed it only staff of the station's
    region (and its host)."""
    station = registry.get(station_id)
    staff = user is not None and user.may("read_history_actors") and may_touch(user, station)
    return {
        "station_id": station_id,
        "history": [
            {"at": h.at.isoformat(), "action": h.action, "changes": h.changes,
             "reason": h.reason} | ({"actor": h.actor} if staff else {})
            for h in registry.history(station_id)
        ],
    }


@router.patch(
    "/{station_id}",
    response_model=schemas.StationFeature,
    response_model_exclude_unset=True,
    summary="修改站点 / Change a station's fields (admin of its region; host: hours, "
            "services, phone of its own stations)",
)
def patch_station(
    station_id: StationId,
    user: Editor,
    registry: RegistryDep,
    changes: Annotated[dict[str, Any], Body(
        description=f"要修改的字段 / the fields to change: admin any of {', '.join(ADMIN_FIELDS)}; "
                    f"host {', '.join(HOST_FIELDS)}",
        examples=[{"opening_hours": "Mo-Fr 08:00-20:00", "services": ["drinking_water", "toilet"],
                   "phone": "0371-12345678"}],
    )],
) -> dict[str, Any]:
    """The history keeps every change with who made it."""
    return station_feature(edit_station(registry, user, station_id, changes))
