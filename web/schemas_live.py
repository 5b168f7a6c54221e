"""Request and response models of live status: notices, reports, the feed, the queue."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from web.schemas import LiveOut, Open


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="closed | full | free_spaces | service_unavailable")
    starts_at: datetime | None = Field(default=None, description="default now; naive: China time")
    ends_at: datetime | None = Field(
        default=None, description="default by kind: closed 24 h, full 3 h, free_spaces 1 h, "
                                  "service_unavailable 24 h")
    free_spaces: int | None = Field(default=None, description="free truck spaces (free_spaces)")
    service: str | None = Field(default=None, description="service code (service_unavailable)")
    reason: str | None = Field(default=None, description="shown to drivers")


class NoticeOut(Open):
    id: int
    station_id: str
    kind: str
    starts_at: str
    ends_at: str
    free_spaces: int | None = None
    service: str | None = None
    reason: str | None = None
    created_at: str | None = None
    author_role: str | None = None


class NoticeList(Open):
    station_id: str
    notices: list[NoticeOut] = Field(description="in effect or to come, by start")
    live: LiveOut | None = Field(description="what drivers are shown now")


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: str = Field(description="open | closed | full | service_missing")
    service: str | None = Field(default=None, description="service code (service_missing)")
    lon: float = Field(description="where you are, in crs")
    lat: float = Field(description="where you are, in crs")
    crs: str = Field(default="wgs84", description="wgs84 | gcj02 | bd09")
    device_id: str | None = Field(
        default=None, description="the id the page keeps (or header X-Device-Id)")


class ReportOut(Open):
    id: int
    station_id: str
    state: str
    service: str | None = None
    distance_m: float = Field(description="from the station, metres")
    live: LiveOut | None = Field(description="what drivers are shown now (one report alone: "
                                             "nothing changes)")


class ReportedStation(Open):
    station_id: str
    name: str
    adcode: str | None
    county: str | None
    opening_hours: str | None
    reports: int
    clients: int = Field(description="distinct addresses reporting")
    first_at: str
    last_at: str


class ReportedQueue(Open):
    queue: str
    region: str
    days: int
    count: int
    stations: list[ReportedStation]


class FeedStation(Open):
    id: str
    name: str | None = None
    lon: float | None = None
    lat: float | None = None
    state: str
    since: str
    until: str | None
    free_spaces: int | None
    source: str
    reports: int
    services_unavailable: list[str]


class LiveFeed(Open):
    as_of: str = Field(description="ISO 8601 (UTC): the moment the states hold for")
    revision: int = Field(description="live revision of the records the feed comes from")
    stations: list[FeedStation]
