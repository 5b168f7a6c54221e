"""Bodies of the routes for stations without coordinates (issue 17): the unlocated
queue and setting a station's location on site."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LocationIn(BaseModel):
    """Where the station is, as the inspector standing at it reads it from their phone."""

    model_config = ConfigDict(extra="forbid")

    lon: float = Field(description="经度 / longitude, in crs")
    lat: float = Field(description="纬度 / latitude, in crs")
    crs: str = Field(default="wgs84", description="wgs84 | gcj02 | bd09")


class UnlocatedStation(BaseModel):
    id: str
    name: str
    kind: str
    status: str
    address: str | None
    host: str | None
    phone: str | None
    adcode: str | None
    province: str | None
    city: str | None
    county: str | None


class UnlocatedQueue(BaseModel):
    queue: str = "unlocated"
    region: str | None
    count: int
    stations: list[UnlocatedStation]
