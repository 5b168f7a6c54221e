"""Suspend, revoke or reinstate a station: ``POST /api/stations/{id}/status`` (admin of
the station's region)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from stations.accounts.scope import require_station_access
from stations.accounts.users import MAY, User
from stations.core.text import LIMITS as TEXT_LIMITS
from stations.io.export import station_feature
from web import schemas
from web.deps import RegistryDep, require_role
from web.params import StationId

router = APIRouter(prefix="/api/stations", tags=["stations"])
Admin = Annotated[User, Depends(require_role(*MAY["set_station_status"]))]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="planned | active | suspended | revoked | closed")
    reason: str = Field(min_length=1, max_length=TEXT_LIMITS["reason"],
                        description="why (kept in the station's history)")
    status_date: date | None = Field(default=None, description="effective date (default: today)")


@router.post(
    "/{station_id}/status",
    response_model=schemas.StationFeature,
    response_model_exclude_unset=True,
    summary="变更站点状态 / Change a station's status (admin)",
)
def set_status(
    station_id: StationId, body: StatusIn, user: Admin, registry: RegistryDep
) -> dict[str, Any]:
    require_station_access(user, registry.get(station_id))
    station = registry.set_status(
        station_id, body.status, reason=body.reason, actor=user.name, when=body.status_date
    )
    return station_feature(station)
