"""Response models of the JSON routes, so ``/openapi.json`` documents what comes back.

Each route declares one as ``response_model``. The models name every field a client can
rely on; they allow extra fields (``extra="allow"``) so that an answer may grow without a
client breaking and without a field being dropped silently on the way out.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A documented object that may carry more fields than it names."""

    model_config = ConfigDict(extra="allow")


# -- health ---------------------------------------------------------------------------------


class Health(Open):
    status: str = Field(description="ok")


# -- stations -------------------------------------------------------------------------------


class PointGeometry(Open):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[lon, lat], WGS-84")


class StationProperties(Open):
    """The export columns of a station (see the README's table of columns)."""

    id: str
    name: str
    kind: str = Field(description="outdoor_worker_station | driver_home")
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    services: str | None = Field(default=None, description="codes separated by ';'")
    opening_hours: str | None = None
    phone: str | None = None
    status: str = Field(description="planned | active | suspended | revoked | closed")
    host: str | None = None
    status_date: str | None = None
    status_reason: str | None = None
    adcode: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None


class StationFeature(Open):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry | None = Field(description="null for a station not yet located")
    properties: StationProperties


class StationCollection(Open):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[StationFeature]
    numberMatched: int  # noqa: N815 - the OGC / GeoJSON name
    numberReturned: int  # noqa: N815
    limit: int
    offset: int


class HistoryEntry(Open):
    at: str
    action: str = Field(description="create | import | update | status | ...")
    changes: dict[str, Any] = Field(description="{field: [old, new]}")
    reason: str | None = None
    actor: str | None = Field(default=None, description="who (staff only)")


class StationHistory(Open):
    station_id: str
    history: list[HistoryEntry]


# -- nearest --------------------------------------------------------------------------------


class LiveOut(Open):
    """What the station's host or people there say now (issue 19)."""

    state: str = Field(description="closed | full | open | service_unavailable")
    since: str = Field(description="ISO 8601: the notice's start, or the first agreeing report")
    until: str | None = Field(description="ISO 8601: when it ends (a notice) or fades (reports)")
    source: str = Field(description="notice | reports")
    free_spaces: int | None = Field(default=None, description="free truck spaces (notice)")
    reports: int = Field(default=0, description="independent clients whose reports agree")
    services_unavailable: list[str] = Field(default=[], description="service codes")
    reason: str | None = None


class NearestResult(Open):
    id: str
    name: str
    kind: str
    status: str
    lon: float = Field(description="WGS-84")
    lat: float = Field(description="WGS-84")
    distance_m: float = Field(description="geodesic distance on WGS-84, metres")
    bearing_deg: float = Field(description="from the query point to the station, degrees from north")
    services: list[str]
    opening_hours: str | None = None
    open_now: bool | None = Field(default=None, description="null when the hours are unknown")
    standing: str = Field(description="compliant | failing | overdue | never_inspected")
    address: str | None = None
    phone: str | None = None
    host: str | None = None
    adcode: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    navigation: dict[str, str] = Field(description="links for Amap, Baidu, Apple Maps and geo:")
    road_distance_m: float | None = Field(
        default=None, description="by road, where a road network covers the point (else null)")
    travel_minutes: float | None = Field(
        default=None, description="walking (stations) or driving (driver homes) time by road")
    live: LiveOut | None = Field(default=None, description="live status; null: nothing known")


class NearestAnswer(Open):
    results: list[NearestResult] = Field(description="ordered by distance")


class RouteResult(NearestResult):
    along_m: float = Field(description="distance along the route to the closest point, metres")
    offset_m: float = Field(description="distance from the route, metres")


class RouteAnswer(Open):
    results: list[RouteResult] = Field(description="ordered by along_m")
    corridor_m: float


# -- accounts -------------------------------------------------------------------------------


class Token(Open):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds")
    role: str


class UserOut(Open):
    name: str
    role: str
    active: bool
    region: str | None = Field(default=None, description="adcode where the account acts")
    stations: list[str] | None = Field(default=None, description="a host's stations")


class UserList(Open):
    users: list[UserOut]


# -- inspections ----------------------------------------------------------------------------


class ChecklistRef(Open):
    id: str
    version: int


class ReviewOut(Open):
    decision: Literal["approved", "rejected"]
    note: str | None = None
    reviewed_at: str
    reviewer: str | None = None


class EvidenceOut(Open):
    id: int
    media_type: str
    size_bytes: int
    sha256: str
    original_name: str | None = None
    metadata: dict[str, Any] | None = Field(
        default=None, description="EXIF taken_at, gps {lon, lat}, camera, orientation (of a photo "
                                  "kept as taken; viewers turn it upright)")


class InspectionOut(Open):
    """A whole inspection record: for staff (inspector, planner, admin) of the station's
    region only."""

    id: int
    station_id: str
    client_id: str | None = Field(default=None, description="the draft's UUID")
    repeat: bool | None = Field(
        default=None,
        description="true: this draft (client_id) was stored before; nothing new was stored",
    )
    review_status: Literal["not_required", "pending_review", "approved", "rejected"] = Field(
        default="not_required",
        description="pending_review: does not count toward the standing until an admin approves",
    )
    review_reasons: list[Literal["correction", "off_site", "late"]] = []
    checklist: ChecklistRef
    inspected_at: str
    result: Literal["pass", "fail"]
    passed: bool
    results: dict[str, bool] = Field(description="{criterion code: passed}")
    criterion_notes: dict[str, str] = {}
    notes: str | None = None
    corrects_id: int | None = None
    corrected_by: int | None = None
    superseded: bool = False
    review: ReviewOut | None = None
    on_site: bool | None = None
    evidence: list[EvidenceOut] = []
    inspector: str | None = None
    recorded_at: str | None = Field(default=None, description="when the server received it")
    lon: float | None = Field(default=None, description="where the inspector stood")
    lat: float | None = None
    distance_m: float | None = None


class InspectionPublic(Open):
    """What anyone may see of an inspection: when, the result, whether it counts."""

    id: int
    inspected_at: str
    result: Literal["pass", "fail"]
    passed: bool
    superseded: bool = False
    review_status: Literal["not_required", "pending_review", "approved", "rejected"] = (
        "not_required")


class StationInspections(Open):
    """The public sees ``standing``, ``last_verified`` and each inspection's date and
    result; staff of the station's region the last inspection's date and result and every
    inspection whole."""

    station_id: str
    standing: str = Field(description="compliant | failing | overdue | never_inspected")
    last_verified: str | None = None
    last_inspected: str | None = Field(default=None, description="staff only")
    last_result: str | None = Field(default=None, description="staff only")
    inspections: list[InspectionOut | InspectionPublic] | None = Field(
        default=None, description="whole records for staff of the station's region; "
                                  "date and result for everyone else")


class ReviewWaiting(Open):
    id: int
    station_id: str
    adcode: str | None = None
    inspector: str
    inspected_at: str
    recorded_at: str
    result: Literal["pass", "fail"]
    corrects_id: int | None = None
    on_site: bool | None = None
    distance_m: float | None = None
    review_reasons: list[str]


class ReviewQueue(Open):
    queue: Literal["review"]
    region: str = Field(description="the region covered: the caller's own unless narrowed")
    count: int
    inspections: list[ReviewWaiting] = Field(description="oldest received first")


class CriterionOut(Open):
    code: str
    zh: str
    en: str
    how_judged: Literal["inspector", "data"]
    required_services: list[str] = []
    min_neighbour_m: float | None = None
    urban_max_neighbour_m: float | None = None


class ChecklistOut(Open):
    id: str
    version: int
    kind: str
    region: str | None = None
    valid_from: str
    title: dict[str, str] = Field(description="{zh, en}")
    source: str | None = None
    criteria: list[CriterionOut]


class Judgement(Open):
    value: bool | None = Field(description="null: the inspector judges on site")
    explanation: str


class StationChecklist(Open):
    station_id: str
    checklist: ChecklistOut
    prefill: dict[str, Judgement] = Field(description="{criterion code: judgement}, in order")


class QueueStation(Open):
    id: str
    name: str
    kind: str
    status: str
    lon: float | None = None
    lat: float | None = None
    adcode: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    standing: str | None = None
    last_verified: str | None = None
    last_inspected: str | None = None
    last_result: str | None = None


class QueueAnswer(Open):
    queue: str
    region: str | None = None
    period_days: int
    count: int
    stations: list[QueueStation]


# -- coverage -------------------------------------------------------------------------------


class CoverageRow(Open):
    adcode: str
    name: str
    level: str
    stations: int
    area_km2: float
    covered_km2: float
    coverage_ratio: float = Field(description="covered_km2 / area_km2, 0 to 1")
    method: str | None = Field(default=None, description="along roads only: network | circle | mixed")
    circle_covered_km2: float | None = Field(
        default=None, description="along roads only: what circles of the same reach cover")
    circle_coverage_ratio: float | None = None


class Reach(Open):
    network: str = Field(description="walk | bike | drive")
    minutes: float | None = None
    reach_m: float | None = None
    buffer_m: float
    circle_radius_m: float = Field(description="radius of the circles compared with, metres")
    method: str = Field(description="network | circle | mixed")
    networks: list[dict[str, Any]] = Field(description="the road networks used")


class GapOut(Open):
    h3: str
    resolution: int
    lon: float
    lat: float
    uncovered_weight: float
    points: int
    adcode: str
    name: str
    county_adcode: str | None = None
    county_name: str | None = None
    basis: str | None = Field(default=None, description="demand | stations_nearby | empty_region")
    reason: str | None = Field(default=None, description="why it ranks here, 中文 / English")
    nearest_station_id: str | None = None
    nearest_station_m: float | None = Field(
        default=None, description="distance to the nearest station that counts, metres")


class EmptyOut(Open):
    code: str = Field(description="no_stations | no_match | no_compliant | no_gaps")
    message: str = Field(description="中文 / English")
    zh: str
    en: str


class SuggestionOut(Open):
    rank: int
    lon: float
    lat: float


class CoverageAnswer(Open):
    region: CoverageRow = Field(description="the region's own totals")
    regions: list[CoverageRow] = Field(description="one row per sub-region")
    by: str
    radius_m: float | None = None
    radii_m: dict[str, float] = Field(description="reach per kind, metres")
    kind: str | None = None
    compliant_only: bool
    statuses: list[str]
    revision: int | None = None
    computed_at: str | None = Field(default=None, description="when computed, China time, ISO 8601")
    gaps_basis: str | None = None
    gaps: list[GapOut] | None = None
    suggestions: list[SuggestionOut] | None = None
    suggested_coverage: dict[str, Any] | None = None
    notes: list[str] | None = None
    empty: list[EmptyOut] = Field(
        default=[], description="what is not there (no stations, none matching, no gaps), said "
                                "plainly; empty when everything asked for was found")
    reach: Reach | None = Field(default=None, description="present when measured along roads")


class GapList(Open):
    region: CoverageRow = Field(description="the region's own totals")
    by: str
    radius_m: float | None = None
    radii_m: dict[str, float]
    kind: str | None = None
    compliant_only: bool
    statuses: list[str]
    revision: int | None = None
    computed_at: str | None = None
    limit: int
    gaps_basis: str | None = Field(default=None, description="demand | stations_nearby")
    gaps: list[GapOut] = Field(description="heaviest first")
    empty: list[EmptyOut] = []
    notes: list[str] = []


# -- regions --------------------------------------------------------------------------------


class RegionSummary(Open):
    adcode: str
    name: str
    level: str = Field(description="country | province | city | county")
    parent_adcode: str | None = None
    has_children: bool


class RegionDetail(RegionSummary):
    center: list[float] = Field(description="[lon, lat] of a point inside the region")
    bbox: list[float] = Field(description="[west, south, east, north]")


class RegionChildren(Open):
    region: RegionSummary
    regions: list[RegionSummary]
