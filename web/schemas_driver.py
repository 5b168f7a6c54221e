"""Response models of the driver page's own routes (the offline station set)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Carriageway(BaseModel):
    toward: str = Field(description="名称里的方向 / the direction the name gives (芜湖, 东)")
    bearing_deg: float | None = Field(
        description="从站点指向该方向的方位角 / bearing from the site towards it; null if unknown")


class OfflineStation(BaseModel):
    id: str
    name: str
    kind: str
    lon: float
    lat: float
    services: list[str]
    opening_hours: str | None
    week: list[list[int]] | None = Field(
        description="营业时段，一周内的分钟（周一 00:00 为 0，中国时间）/ open intervals as "
                    "[start, end) minutes of the week, Monday 00:00 = 0, China time; null: unknown")
    address: str | None
    phone: str | None
    standing: str
    navigation: dict[str, str]
    carriageway: Carriageway | None


class OfflineStations(BaseModel):
    center: list[float] = Field(description="[lon, lat] WGS-84")
    radius_m: float = Field(description="完整覆盖的半径 / radius within which the list is complete")
    as_of: str = Field(description="中国时间 / China time, ISO 8601")
    truncated: bool
    stations: list[OfflineStation]

    model_config = {"json_schema_extra": {"description": "离线用的站点 / stations kept on a "
                                                          "phone for searching without signal"}}
