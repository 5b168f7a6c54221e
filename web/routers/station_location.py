"""Locating a station on site: ``POST /api/stations/{id}/location`` (inspector, admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from stations.accounts.users import MAY, User
from stations.compliance.location import locate_on_site
from stations.io.export import station_feature
from web import schemas
from web.deps import RegistryDep, require_role
from web.params import StationId
from web.schemas_unlocated import LocationIn

router = APIRouter(prefix="/api/stations", tags=["stations"])
Locator = Annotated[User, Depends(require_role(*MAY["set_location"]))]


@router.post(
    "/{station_id}/location",
    response_model=schemas.StationFeature,
    summary="现场定位 / Set a station's location where you stand (inspector, admin)",
)
def set_location(station_id: StationId, body: LocationIn, user: Locator, registry: RegistryDep) -> Any:
    """For a station imported without coordinates (or found misplaced): the point, in
    ``crs``, becomes its location and gives it its region; the history keeps who and how.
    The station then appears in nearest search and coverage."""
    station = locate_on_site(registry, user, station_id, body.lon, body.lat, crs=body.crs,
                             how="POST /api/stations/{id}/location")
    return station_feature(station)
