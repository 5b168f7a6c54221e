"""Inspections: log a visit, list a station's, review, photo evidence, checklists.

``POST /api/inspections`` takes JSON, or ``multipart/form-data`` with the same JSON in
a ``data`` part and photos in ``photos`` parts (JPEG/PNG/WebP, at most 5 MB each). With a
``client_id`` (the draft's UUID) a draft sent again answers 200 with the inspection stored
the first time and ``"repeat": true``; a new one is 201.

Who sees what: whole records (notes, criterion notes, evidence, who inspected, where they
stood) are for staff (inspector, planner, admin) whose region covers the station.
``GET /api/inspections/{id}`` without a token is 401, outside the region 403;
``GET /api/stations/{id}/inspections`` answers anyone, but the public gets the station's
standing and last verified date only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from starlette.datastructures import UploadFile

from stations.accounts.users import MAY, User
from stations.compliance import (
    Photo,
    Submission,
    check_photo,
    get_inspection,
    list_inspections,
    log_inspection,
    neighbours_frame,
    prefill,
    review_inspection,
    station_standing,
)
from stations.compliance.evidence import MAX_PHOTO_BYTES
from stations.compliance.inspections import evidence_file
from stations.compliance.records import may_read, require_inspection_access
from web import schemas
from web.deps import ChecklistsDep, EvidenceDep, OptionalUser, RegistryDep, SettingsDep, require_role
from web.params import MAX_RECORD_ID, EvidenceId, InspectionId, StationId

router = APIRouter(tags=["inspections"])
Inspector = Annotated[User, Depends(require_role(*MAY["log_inspection"]))]
Reviewer = Annotated[User, Depends(require_role(*MAY["review_inspection"]))]
Reader = Annotated[User, Depends(require_role(*MAY["read_inspections"]))]
MAX_PHOTOS = 10


class InspectionIn(BaseModel):
    """One visit, as an inspector submits it."""

    model_config = ConfigDict(extra="forbid")

    station_id: str = Field(min_length=1, max_length=64)
    results: dict[str, StrictBool] = Field(
        description="{criterion code: true | false}, every criterion"
    )
    notes: str | None = None
    criterion_notes: dict[str, str] = Field(default_factory=dict)
    lon: float | None = Field(default=None, description="inspector's position")
    lat: float | None = None
    crs: str = Field(default="wgs84", description="wgs84 | gcj02 | bd09")
    inspected_at: datetime | None = Field(
        default=None, description="default: now; naive = China time"
    )
    checklist_id: str | None = Field(
        default=None, description="default: the station's current checklist"
    )
    checklist_version: int | None = Field(default=None, ge=1, le=MAX_RECORD_ID)
    corrects_id: int | None = Field(
        default=None, ge=1, le=MAX_RECORD_ID,
        description="the inspection this one corrects (yours, or any as an admin); "
                    "waits for an admin's review",
    )
    client_id: str | None = Field(
        default=None, max_length=64,
        description="the draft's UUID, made on the device: one inspection per draft",
    )
    on_site: StrictBool | None = Field(
        default=None,
        description="false: not judged at the station (papers, photos, a call); waits for "
                    "review. Otherwise judged from lon/lat (over 500 m away: off site)",
    )
    set_location: bool = Field(
        default=False,
        description="把站点位置设为检查员所在位置（lon/lat）/ put the station where the inspector "
                    "stands (lon/lat): for stations without coordinates",
    )


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "approved", "rejected"]
    note: str | None = None


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": InspectionIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {"type": "string", "description": "the JSON body as text"},
                        "photos": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            },
        },
    }
}


async def submission_body(request: Request) -> Submission:
    """Parse JSON or multipart (``data`` + ``photos``) into a :class:`Submission`."""
    photos: list[Photo] = []
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=MAX_PHOTOS, max_fields=10)
        raw = form.get("data")
        if isinstance(raw, UploadFile):
            raw = (await raw.read()).decode("utf-8", errors="replace")
        if raw is None:
            raise RequestValidationError(
                [{"loc": ("body", "data"), "msg": "Field required (JSON text)", "type": "missing"}]
            )
        for i, upload in enumerate(form.getlist("photos")):
            if isinstance(upload, UploadFile):
                data = await upload.read(MAX_PHOTO_BYTES + 1)
                photos.append(check_photo(data, name=upload.filename, field=f"photos[{i}]"))
    else:
        raw = (await request.body()).decode("utf-8", errors="replace")
    try:
        body = InspectionIn.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [err | {"loc": ("body", *err["loc"])} for err in exc.errors()]
        ) from None
    return Submission(photos=photos, **body.model_dump())


@router.post(
    "/api/inspections",
    status_code=201,
    response_model=schemas.InspectionOut,
    response_model_exclude_unset=True,
    openapi_extra=_BODY_DOC,
    summary="记录检查 / Log an inspection (inspector)",
    responses={200: {"description": "this draft (client_id) was stored before: that one, "
                                     '"repeat": true'}},
)
def create_inspection(
    user: Inspector,
    submission: Annotated[Submission, Depends(submission_body)],
    registry: RegistryDep,
    checklists: ChecklistsDep,
    store: EvidenceDep,
    response: Response,
) -> dict[str, Any]:
    inspection, repeat = log_inspection(
        registry, user, submission, checklists=checklists, evidence=store
    )
    if repeat:
        response.status_code = 200
        return inspection.as_dict() | {"repeat": True}
    return inspection.as_dict()


@router.get(
    "/api/inspections/{inspection_id}",
    response_model=schemas.InspectionOut,
    response_model_exclude_unset=True,
    summary="单条检查记录 / One inspection (staff of the station's region)",
)
def one_inspection(inspection_id: InspectionId, registry: RegistryDep, user: Reader) -> dict[str, Any]:
    inspection = get_inspection(registry, inspection_id)
    require_inspection_access(user, inspection)
    return inspection.as_dict()


@router.post(
    "/api/inspections/{inspection_id}/review",
    response_model=schemas.InspectionOut,
    response_model_exclude_unset=True,
    summary="审核检查记录 / Approve or reject an inspection (admin of the region, not its "
            "inspector)",
)
def review(
    inspection_id: InspectionId, body: ReviewIn, user: Reviewer, registry: RegistryDep
) -> dict[str, Any]:
    return review_inspection(registry, user, inspection_id, body.decision, body.note).as_dict()


@router.get(
    "/api/inspections/{inspection_id}/evidence/{evidence_id}",
    summary="检查照片 / A photo of an inspection (staff of the station's region)",
    response_class=FileResponse,
)
def evidence_photo(
    inspection_id: InspectionId, evidence_id: EvidenceId, user: Reader, registry: RegistryDep, store: EvidenceDep
) -> FileResponse:
    require_inspection_access(user, get_inspection(registry, inspection_id))
    item, path = evidence_file(registry, store, inspection_id, evidence_id)
    return FileResponse(path, media_type=item.media_type, headers={"Cache-Control": "private"})


@router.get(
    "/api/stations/{station_id}/inspections",
    response_model=schemas.StationInspections,
    response_model_exclude_unset=True,
    summary="站点检查状况与记录 / A station's standing; its inspections for staff",
)
def station_inspections(
    station_id: StationId, registry: RegistryDep, settings: SettingsDep, user: OptionalUser
) -> dict[str, Any]:
    """Anyone sees the standing, the last verified date and each inspection's date and
    result; staff (inspector, planner, admin) whose region covers the station see every
    inspection whole (notes, criterion notes, evidence, who, where)."""
    station = registry.get(station_id)
    standing = station_standing(registry, station_id, period_days=settings.inspection_period_days)
    public = {"station_id": station_id, "standing": standing.standing,
              "last_verified": standing.as_dict()["last_verified"]}
    inspections = list_inspections(registry, station_id)
    if not may_read(user, station.adcode):
        return {**public, "inspections": [i.public_dict() for i in inspections]}
    return {**standing.as_dict(), **public, "inspections": [i.as_dict() for i in inspections]}


@router.get(
    "/api/stations/{station_id}/checklist",
    response_model=schemas.StationChecklist,
    response_model_exclude_unset=True,
    summary="检查清单与数据预判 / The station's checklist, pre-filled from the data",
)
def station_checklist(
    station_id: StationId, registry: RegistryDep, checklists: ChecklistsDep
) -> dict[str, Any]:
    station = registry.get(station_id)
    checklist = checklists.select(station.kind, station.adcode)
    filled = prefill(station, checklist, neighbours_frame(registry, station, checklist))
    return {"station_id": station.id, "checklist": checklist.as_dict(), "prefill": filled}
