"""Inspections: append-only records of site visits, corrections and reviews.

An inspection is written once, in one transaction with its criterion results and
evidence records, and never changed. A correction is a new inspection whose
``corrects_id`` names the one it corrects; a reviewer's decision is a separate
record, set once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stations.accounts.scope import require_station_access
from stations.accounts.users import User, require
from stations.compliance.checklists import Checklist, Checklists
from stations.compliance.evidence import EvidenceStore, Photo
from stations.compliance.location import location_reason, may_locate
from stations.compliance.submission import Submission, check_submission, clean_note
from stations.core.clock import aware_utc, utcnow
from stations.core.model import Station
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound
from stations.store.compliance_tables import (
    DECISIONS,
    EvidenceRow,
    InspectionResultRow,
    InspectionRow,
    ReviewRow,
    UserRow,
)
from stations.store.registry import Registry, apply_location
from stations.store.revision import bump_revision
from stations.store.tables import StationRow


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

    def as_dict(self, *, full: bool = True) -> dict[str, Any]:
        """JSON form; ``full=False`` leaves out who inspected and where they stood."""
        out: dict[str, Any] = {
            "id": self.id,
            "station_id": self.station_id,
            "checklist": {"id": self.checklist_id, "version": self.checklist_version},
            "inspected_at": self.inspected_at.isoformat(),
            "result": "pass" if self.passed else "fail",
            "passed": self.passed,
            "results": {r.code: r.passed for r in self.results},
            "criterion_notes": {r.code: r.note for r in self.results if r.note},
            "notes": self.notes,
            "corrects_id": self.corrects_id,
            "corrected_by": self.corrected_by,
            "superseded": self.corrected_by is not None,
            "review": None
            if self.review is None
            else {
                "decision": self.review.decision,
                "note": self.review.note,
                "reviewed_at": self.review.reviewed_at.isoformat(),
                **({"reviewer": self.review.reviewer} if full else {}),
            },
            "on_site": self.on_site,
            "evidence": [
                {
                    "id": e.id,
                    "media_type": e.media_type,
                    "size_bytes": e.size_bytes,
                    "sha256": e.sha256,
                    **({"original_name": e.original_name} if full else {}),
                }
                for e in self.evidence
            ],
        }
        if full:
            out |= {
                "inspector": self.inspector,
                "recorded_at": self.recorded_at.isoformat(),
                "lon": self.lon,
                "lat": self.lat,
                "distance_m": self.distance_m,
            }
        return out


def record_inspection(
    registry: Registry,
    user: User,
    submission: Submission,
    *,
    checklists: Checklists,
    evidence: EvidenceStore,
    now: datetime | None = None,
) -> Inspection:
    """Check and store one inspection, all or nothing.

    Parameters
    ----------
    registry : Registry
    user : User
        The inspector (role ``inspector`` or ``admin``).
    submission : Submission
    checklists : Checklists
        Known checklists; the station's current one is used unless the submission
        names one.
    evidence : EvidenceStore
        Where photos go.
    now : datetime, optional
        The time of recording (default: now).

    Returns
    -------
    Inspection
        As stored.

    Raises
    ------
    stations.errors.Forbidden
        When the user's role may not log inspections, or the station lies outside the
        user's region.
    stations.errors.InvalidInput
        Naming the field: unknown station, unknown or missing criteria, bad coordinates,
        a time in the future, a correction of another station's inspection.
    stations.errors.Conflict
        When the inspection named by ``corrects_id`` is already corrected.
    """
    require(user, "log_inspection")
    # stored as UTC: SQLite keeps the wall-clock time and drops the zone
    recorded_at = aware_utc(now).astimezone(UTC) if now else utcnow()
    checked = check_submission(registry, checklists, submission, recorded_at)
    require_station_access(user, checked.station)  # inside the account's region
    checklist = checked.checklist
    if submission.corrects_id is not None:
        _check_correction(registry, checked.station, submission.corrects_id)
    if submission.set_location:
        may_locate(user, checked.station)

    row = InspectionRow(
        station_id=checked.station.id,
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        inspector_id=user.id,
        inspected_at=checked.inspected_at,
        recorded_at=recorded_at,
        notes=clean_note(submission.notes, "notes"),
        passed=all(submission.results[code] for code in checklist.codes),
        corrects_id=submission.corrects_id,
        **checked.position,
    )
    staged = evidence.stage(submission.photos)
    try:
        with registry.session() as s:
            s.add(row)
            s.flush()
            _insert_results(s, row.id, checklist, submission)
            _insert_evidence(s, row.id, submission.photos)
            if submission.set_location:  # in the same transaction: both or neither
                station_row = s.get(StationRow, row.station_id)
                assert station_row is not None and row.lon is not None and row.lat is not None
                apply_location(s, station_row, row.lon, row.lat, actor=user.name,
                               how=location_reason(f"inspection {row.id}", submission.crs))
            bump_revision(s)
    except IntegrityError as exc:
        evidence.discard(staged)
        if submission.corrects_id is not None and "corrects_id" in str(exc.orig):
            raise Conflict(
                f"检查记录 {submission.corrects_id} 已被更正 / inspection "
                f"{submission.corrects_id} is already corrected; correct the newest record"
            ) from None
        raise
    except BaseException:
        evidence.discard(staged)
        raise
    evidence.publish(staged)
    return get_inspection(registry, row.id)


def review_inspection(
    registry: Registry, user: User, inspection_id: int, decision: str, note: str | None = None
) -> Inspection:
    """Approve or reject a submitted inspection, once.

    Raises
    ------
    stations.errors.Forbidden
        For a role that may not review, or a reviewer reviewing their own inspection.
    stations.errors.InvalidInput
        For a decision other than ``approved`` or ``rejected``.
    stations.errors.NotFound
        For an unknown inspection.
    stations.errors.Conflict
        When it has already been reviewed.
    """
    require(user, "review_inspection")
    if decision not in DECISIONS:
        raise InvalidInput("decision", f"应为 approved 或 rejected / must be one of {DECISIONS}")
    current = get_inspection(registry, inspection_id)
    require_station_access(user, registry.get(current.station_id))
    if current.inspector == user.name:
        raise Forbidden("不能审核自己的检查记录 / you may not review your own inspection")
    if current.review is not None:
        raise Conflict(
            f"检查记录 {inspection_id} 已审核 / inspection {inspection_id} is already reviewed"
        )
    try:
        with registry.session() as s:
            s.add(
                ReviewRow(
                    inspection_id=inspection_id,
                    reviewer_id=user.id,
                    decision=decision,
                    note=clean_note(note, "note"),
                    reviewed_at=utcnow(),
                )
            )
            s.flush()
            bump_revision(s)
    except IntegrityError:
        raise Conflict(
            f"检查记录 {inspection_id} 已审核 / inspection {inspection_id} is already reviewed"
        ) from None
    return get_inspection(registry, inspection_id)


def get_inspection(registry: Registry, inspection_id: int) -> Inspection:
    """One inspection.

    Raises
    ------
    stations.errors.NotFound
    """
    with registry.session() as s:
        found = _load(s, [InspectionRow.id == inspection_id])
    if not found:
        raise NotFound(f"检查记录不存在 / no inspection {inspection_id}")
    return found[0]


def list_inspections(registry: Registry, station_id: str) -> list[Inspection]:
    """A station's inspections, newest first.

    Raises
    ------
    stations.errors.NotFound
        For an unknown station.
    """
    registry.get(station_id)
    with registry.session() as s:
        return _load(s, [InspectionRow.station_id == station_id])


def evidence_file(
    registry: Registry, store: EvidenceStore, inspection_id: int, evidence_id: int
) -> tuple[Evidence, Any]:
    """The record and file path of one photo of an inspection.

    Raises
    ------
    stations.errors.NotFound
    """
    inspection = get_inspection(registry, inspection_id)
    for item in inspection.evidence:
        if item.id == evidence_id:
            path = store.path(item.path)
            if not path.is_file():
                break
            return item, path
    raise NotFound(f"证据不存在 / no evidence {evidence_id} for inspection {inspection_id}")


def _check_correction(registry: Registry, station: Station, corrects_id: int) -> None:
    try:
        original = get_inspection(registry, corrects_id)
    except NotFound as exc:
        raise InvalidInput("corrects_id", str(exc)) from None
    if original.station_id != station.id:
        raise InvalidInput(
            "corrects_id",
            f"检查记录 {corrects_id} 属于另一站点 / inspection "
            f"{corrects_id} is of station {original.station_id}, not {station.id}",
        )
    if original.corrected_by is not None:
        raise Conflict(
            f"检查记录 {corrects_id} 已被 {original.corrected_by} 更正 / inspection "
            f"{corrects_id} is already corrected by {original.corrected_by}; "
            "correct the newest record"
        )


# -- storing and loading --


def _insert_results(s: Session, inspection_id: int, checklist: Checklist, sub: Submission) -> None:
    s.add_all(
        InspectionResultRow(
            inspection_id=inspection_id,
            criterion=code,
            passed=sub.results[code],
            note=clean_note(sub.criterion_notes.get(code), code),
        )
        for code in checklist.codes
    )
    s.flush()


def _insert_evidence(s: Session, inspection_id: int, photos: Sequence[Photo]) -> None:
    s.add_all(
        EvidenceRow(
            inspection_id=inspection_id,
            path=p.relative_path,
            media_type=p.media_type,
            size_bytes=p.size_bytes,
            sha256=p.sha256,
            original_name=p.original_name,
        )
        for p in photos
    )
    s.flush()


def _load(s: Session, where: list[Any]) -> list[Inspection]:
    rows = s.execute(
        select(InspectionRow, UserRow.name)
        .join(UserRow, UserRow.id == InspectionRow.inspector_id)
        .where(*where)
        .order_by(InspectionRow.inspected_at.desc(), InspectionRow.id.desc())
    ).all()
    if not rows:
        return []
    ids = [r.id for r, _ in rows]
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
            Evidence(e.id, e.media_type, e.size_bytes, e.sha256, e.path, e.original_name)
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
        )
        for r, name in rows
    ]
