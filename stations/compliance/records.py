"""Inspections as they are read back: the record, its results, evidence and review.

An inspection's ``review_status`` says whether it counts toward the station's standing:

- ``not_required``: it counts unless an admin rejects it;
- ``pending_review``: it waits for an admin (``review_reasons`` say why) and does not
  count yet;
- ``approved``: it counts; ``rejected``: it never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stations.accounts.scope import covers
from stations.accounts.users import User
from stations.core.clock import aware_utc
from stations.errors import Forbidden, NotFound
from stations.store.compliance_tables import (
    EvidenceRow,
    InspectionResultRow,
    InspectionRow,
    ReviewRow,
    UserRow,
)
from stations.store.registry import Registry
from stations.store.tables import StationRow

REVIEW_REASONS = ("correction", "off_site", "late")
"""Why an inspection waits for an admin: it corrects another, it was not logged at the
station, or it reached the server more than :data:`LATE_AFTER_DAYS` after the visit."""
LATE_AFTER_DAYS = 7


@dataclass(frozen=True)
class CriterionResult:
    code: str
    passed: bool
    note: str | None


@dataclass(frozen=True)
class Evidence:
    id: int
    media_type: str
    size_bytes: int
    sha256: str
    path: str
    original_name: str | None
    metadata: dict[str, Any] | None = None
    """EXIF time, GPS position and camera of the photo, for reviewers."""


@dataclass(frozen=True)
class Review:
    decision: str
    reviewer: str
    note: str | None
    reviewed_at: datetime


@dataclass(frozen=True)
class Inspection:
    """One stored inspection with its results, evidence and (if any) review."""

    id: int
    station_id: str
    station_adcode: str | None
    checklist_id: str
    checklist_version: int
    inspector: str
    inspected_at: datetime
    recorded_at: datetime
    lon: float | None
    lat: float | None
    distance_m: float | None
    on_site: bool | None
    passed: bool
    notes: str | None
    corrects_id: int | None
    results: tuple[CriterionResult, ...]
    evidence: tuple[Evidence, ...] = ()
    review: Review | None = None
    corrected_by: int | None = None
    client_id: str | None = None
    review_reasons: tuple[str, ...] = ()

    @property
    def review_status(self) -> str:
        """``not_required``, ``pending_review``, ``approved`` or ``rejected``."""
        if self.review is not None:
            return self.review.decision
        return "pending_review" if self.review_reasons else "not_required"

    @property
    def counts(self) -> bool:
        """Whether it may count toward the station's standing (if not superseded)."""
        return self.review_status in ("not_required", "approved")

    def public_dict(self) -> dict[str, Any]:
        """What anyone may see of an inspection: when, the result, and whether it counts
        (no notes, criterion notes, evidence, inspector or position)."""
        return {
            "id": self.id,
            "inspected_at": self.inspected_at.isoformat(),
            "result": "pass" if self.passed else "fail",
            "passed": self.passed,
            "superseded": self.corrected_by is not None,
            "review_status": self.review_status,
        }

    def as_dict(self) -> dict[str, Any]:
        """The whole record, for staff of the station's region (notes, evidence, who,
        where). The public sees :meth:`public_dict`."""
        return {
            "id": self.id,
            "station_id": self.station_id,
            "client_id": self.client_id,
            "checklist": {"id": self.checklist_id, "version": self.checklist_version},
            "inspected_at": self.inspected_at.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "inspector": self.inspector,
            "result": "pass" if self.passed else "fail",
            "passed": self.passed,
            "results": {r.code: r.passed for r in self.results},
            "criterion_notes": {r.code: r.note for r in self.results if r.note},
            "notes": self.notes,
            "corrects_id": self.corrects_id,
            "corrected_by": self.corrected_by,
            "superseded": self.corrected_by is not None,
            "review_status": self.review_status,
            "review_reasons": list(self.review_reasons),
            "review": None
            if self.review is None
            else {
                "decision": self.review.decision,
                "note": self.review.note,
                "reviewed_at": self.review.reviewed_at.isoformat(),
                "reviewer": self.review.reviewer,
            },
            "on_site": self.on_site,
            "lon": self.lon,
            "lat": self.lat,
            "distance_m": self.distance_m,
            "evidence": [
                {
                    "id": e.id,
                    "media_type": e.media_type,
                    "size_bytes": e.size_bytes,
                    "sha256": e.sha256,
                    "original_name": e.original_name,
                    "metadata": e.metadata,
                }
                for e in self.evidence
            ],
        }


def get_inspection(registry: Registry, inspection_id: int) -> Inspection:
    """One inspection, whoever asks (callers check who may see it).

    Raises
    ------
    stations.errors.NotFound
    """
    with registry.session() as s:
        found = load(s, [InspectionRow.id == inspection_id])
    if not found:
        raise NotFound(f"检查记录不存在 / no inspection {inspection_id}")
    return found[0]


def may_read(user: User | None, station_adcode: str | None) -> bool:
    """Whether ``user`` sees whole inspection records of a station there: staff (inspector,
    planner, admin) whose region covers it. Everyone else sees the standing only."""
    return (user is not None and user.may("read_inspections")
            and covers(user.region, station_adcode))


def require_inspection_access(user: User, inspection: Inspection) -> None:
    """Raises :class:`~stations.errors.Forbidden` unless the inspection's station lies in
    the user's region."""
    if not covers(user.region, inspection.station_adcode):
        raise Forbidden(
            f"检查记录 {inspection.id} 的站点不在您的辖区 {user.region} 内 / inspection "
            f"{inspection.id} is of a station outside your region {user.region}"
        )


def load(s: Session, where: list[Any]) -> list[Inspection]:
    """Inspections matching ``where`` (SQLAlchemy conditions), newest visit first."""
    rows = s.execute(
        select(InspectionRow, UserRow.name, StationRow.adcode)
        .join(UserRow, UserRow.id == InspectionRow.inspector_id)
        .join(StationRow, StationRow.id == InspectionRow.station_id)
        .where(*where)
        .order_by(InspectionRow.inspected_at.desc(), InspectionRow.id.desc())
    ).all()
    if not rows:
        return []
    ids = [r.id for r, _, _ in rows]
    results: dict[int, list[CriterionResult]] = {i: [] for i in ids}
    for r in s.scalars(
        select(InspectionResultRow).where(InspectionResultRow.inspection_id.in_(ids))
    ):
        results[r.inspection_id].append(CriterionResult(r.criterion, r.passed, r.note))
    evidence: dict[int, list[Evidence]] = {i: [] for i in ids}
    for e in s.scalars(
        select(EvidenceRow).where(EvidenceRow.inspection_id.in_(ids)).order_by(EvidenceRow.id)
    ):
        evidence[e.inspection_id].append(
            Evidence(e.id, e.media_type, e.size_bytes, e.sha256, e.path, e.original_name, e.exif)
        )
    reviews = {
        rv.inspection_id: Review(rv.decision, name, rv.note, aware_utc(rv.reviewed_at))
        for rv, name in s.execute(
            select(ReviewRow, UserRow.name)
            .join(UserRow, UserRow.id == ReviewRow.reviewer_id)
            .where(ReviewRow.inspection_id.in_(ids))
        )
    }
    corrected_by: dict[int | None, int] = {
        original: correction
        for original, correction in s.execute(
            select(InspectionRow.corrects_id, InspectionRow.id).where(
                InspectionRow.corrects_id.in_(ids)
            )
        )
    }
    return [
        Inspection(
            id=r.id,
            station_id=r.station_id,
            station_adcode=adcode,
            checklist_id=r.checklist_id,
            checklist_version=r.checklist_version,
            inspector=name,
            inspected_at=aware_utc(r.inspected_at),
            recorded_at=aware_utc(r.recorded_at),
            lon=r.lon,
            lat=r.lat,
            distance_m=r.distance_m,
            on_site=r.on_site,
            passed=r.passed,
            notes=r.notes,
            corrects_id=r.corrects_id,
            results=tuple(results[r.id]),
            evidence=tuple(evidence[r.id]),
            review=reviews.get(r.id),
            corrected_by=corrected_by.get(r.id),
            client_id=r.client_id,
            review_reasons=tuple(r.review_reasons.split(",")) if r.review_reasons else (),
        )
        for r, name, adcode in rows
    ]
