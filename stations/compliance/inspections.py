"""Inspections: append-only records of site visits and corrections.

An inspection is written once, in one transaction with its criterion results and
evidence records, and never changed. A correction is a new inspection whose
``corrects_id`` names the one it corrects; only the inspector who logged that one, or an
admin, may correct it. Each draft carries a ``client_id`` (a UUID made on the device):
the same draft sent again returns the inspection already stored, never a second one.
Some inspections wait for an admin before they count (:mod:`stations.compliance.review`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stations.accounts.scope import require_station_access
from stations.accounts.users import User, require
from stations.compliance.checklists import Checklist, Checklists
from stations.compliance.evidence import EvidenceStore, Photo
from stations.compliance.location import location_reason, may_locate
from stations.compliance.records import (
    CriterionResult,
    Evidence,
    Inspection,
    Review,
    get_inspection,
    load,
    may_read,
    require_inspection_access,
)
from stations.compliance.review import review_inspection, review_reasons
from stations.compliance.submission import Submission, check_submission, clean_note
from stations.core.clock import aware_utc, utcnow
from stations.core.model import Station
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound
from stations.store.compliance_tables import EvidenceRow, InspectionResultRow, InspectionRow
from stations.store.registry import Registry, apply_location
from stations.store.revision import bump_revision
from stations.store.tables import StationRow

__all__ = [
    "CriterionResult",
    "Evidence",
    "Inspection",
    "Review",
    "evidence_file",
    "get_inspection",
    "list_inspections",
    "log_inspection",
    "may_read",
    "record_inspection",
    "require_inspection_access",
    "review_inspection",
]


def record_inspection(
    registry: Registry,
    user: User,
    submission: Submission,
    *,
    checklists: Checklists,
    evidence: EvidenceStore,
    now: datetime | None = None,
) -> Inspection:
    """Check and store one inspection, all or nothing (see :func:`log_inspection`)."""
    inspection, _repeat = log_inspection(
        registry, user, submission, checklists=checklists, evidence=evidence, now=now
    )
    return inspection


def log_inspection(
    registry: Registry,
    user: User,
    submission: Submission,
    *,
    checklists: Checklists,
    evidence: EvidenceStore,
    now: datetime | None = None,
) -> tuple[Inspection, bool]:
    """Check and store one inspection, all or nothing; or find the one its draft became.

    Parameters
    ----------
    registry : Registry
    user : User
        The inspector (role ``inspector`` or ``admin``) of the station's region.
    submission : Submission
    checklists : Checklists
        Known checklists; the station's current one is used unless the submission
        names one.
    evidence : EvidenceStore
        Where photos go.
    now : datetime, optional
        The time of receipt (default: now).

    Returns
    -------
    (Inspection, bool)
        As stored, and whether it was stored before: the same ``client_id`` (the same
        draft) sent again by the same inspector for the same station.

    Raises
    ------
    stations.errors.Forbidden
        When the user's role may not log inspections, the station lies outside their
        region, or they correct another inspector's inspection (only admins may).
    stations.errors.InvalidInput
        Naming the field: unknown station, unknown or missing criteria, bad coordinates,
        a time in the future or before 2000, a correction of another station's
        inspection, a ``client_id`` that is not a UUID.
    stations.errors.Conflict
        When the inspection named by ``corrects_id`` is already corrected, or the
        ``client_id`` is another inspector's or another station's inspection.
    """
    require(user, "log_inspection")
    client_id = _client_id(submission.client_id)
    if client_id is not None:
        earlier = _by_client_id(registry, client_id)
        if earlier is not None:
            return _same_draft(earlier, user, submission), True
    # stored as UTC: SQLite keeps the wall-clock time and drops the zone
    recorded_at = aware_utc(now).astimezone(UTC) if now else utcnow()
    checked = check_submission(registry, checklists, submission, recorded_at)
    require_station_access(user, checked.station)
    checklist = checked.checklist
    if submission.corrects_id is not None:
        _check_correction(registry, user, checked.station, submission.corrects_id)
    if submission.set_location:
        may_locate(user, checked.station)
    reasons = review_reasons(
        corrects_id=submission.corrects_id,
        on_site=checked.position["on_site"],
        inspected_at=checked.inspected_at,
        received_at=recorded_at,
    )
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
        client_id=client_id,
        review_reasons=",".join(reasons) or None,
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
        if client_id is not None and "client_id" in str(exc.orig):
            # the same draft, sent twice at once: the other request stored it
            earlier = _by_client_id(registry, client_id)
            if earlier is not None:
                return _same_draft(earlier, user, submission), True
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
    return get_inspection(registry, row.id), False


def list_inspections(registry: Registry, station_id: str) -> list[Inspection]:
    """A station's inspections, newest first.

    Raises
    ------
    stations.errors.NotFound
        For an unknown station.
    """
    registry.get(station_id)
    with registry.session() as s:
        return load(s, [InspectionRow.station_id == station_id])


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


def _check_correction(registry: Registry, user: User, station: Station, corrects_id: int) -> None:
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
    if original.inspector != user.name and user.role != "admin":
        raise Forbidden(
            f"只有记录人或管理员可以更正检查记录 {corrects_id} / only the inspector who "
            f"logged inspection {corrects_id}, or an admin, may correct it"
        )
    if original.corrected_by is not None:
        raise Conflict(
            f"检查记录 {corrects_id} 已被 {original.corrected_by} 更正 / inspection "
            f"{corrects_id} is already corrected by {original.corrected_by}; "
            "correct the newest record"
        )


def _client_id(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise InvalidInput(
            "client_id", "应为 UUID（每份草稿一个） / must be a UUID, one per draft"
        ) from None


def _by_client_id(registry: Registry, client_id: str) -> Inspection | None:
    with registry.session() as s:
        found = load(s, [InspectionRow.client_id == client_id])
    return found[0] if found else None


def _same_draft(earlier: Inspection, user: User, submission: Submission) -> Inspection:
    """The inspection stored for this draft, if it is this inspector's, of this station."""
    if earlier.inspector != user.name or earlier.station_id != submission.station_id:
        raise Conflict(
            f"client_id {earlier.client_id} 已用于另一条检查记录 / client_id "
            f"{earlier.client_id} belongs to another inspection; make a new one per draft"
        )
    return earlier


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
            exif=p.metadata or None,
        )
        for p in photos
    )
    s.flush()
