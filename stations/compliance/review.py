"""Which inspections wait for an admin, and the admin's decision.

An inspection that could overturn a station's standing without anyone having been there
on the day waits for review (:data:`~stations.compliance.records.REVIEW_REASONS`):

- ``correction``: it corrects another inspection;
- ``off_site``: it was logged away from the station (farther than
  :data:`~stations.compliance.submission.ON_SITE_MAX_M`, or declared ``on_site: false``);
- ``late``: the visit was more than seven days before the server received it.

It does not count toward the standing until an admin of the station's region, who is not
the inspector who logged it, approves it. A rejected inspection never counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from stations.accounts.scope import check_region, region_for, region_prefix
from stations.accounts.users import User, require
from stations.compliance.records import (
    LATE_AFTER_DAYS,
    Inspection,
    get_inspection,
    load,
    require_inspection_access,
)
from stations.compliance.submission import clean_note
from stations.core.clock import utcnow
from stations.errors import Conflict, Forbidden, InvalidInput
from stations.store.compliance_tables import DECISIONS, InspectionRow, ReviewRow
from stations.store.registry import Registry
from stations.store.revision import bump_revision
from stations.store.tables import StationRow

# what people type, and what is stored
_DECISION_WORDS = {"approve": "approved", "approved": "approved",
                   "reject": "rejected", "rejected": "rejected"}


def review_reasons(
    *, corrects_id: int | None, on_site: bool | None, inspected_at: datetime, received_at: datetime
) -> tuple[str, ...]:
    """Why a new inspection must wait for an admin (empty: it counts at once)."""
    reasons = []
    if corrects_id is not None:
        reasons.append("correction")
    if on_site is False:
        reasons.append("off_site")
    if received_at - inspected_at > timedelta(days=LATE_AFTER_DAYS):
        reasons.append("late")
    return tuple(reasons)


def review_inspection(
    registry: Registry, user: User, inspection_id: int, decision: str, note: str | None = None
) -> Inspection:
    """Approve or reject an inspection, once.

    Parameters
    ----------
    decision : str
        ``approve`` / ``approved`` or ``reject`` / ``rejected``.

    Raises
    ------
    stations.errors.Forbidden
        For a role that may not review, a station outside the reviewer's region, or a
        reviewer reviewing their own inspection.
    stations.errors.InvalidInput
        For another decision.
    stations.errors.NotFound
        For an unknown inspection.
    stations.errors.Conflict
        When it has already been reviewed.
    """
    require(user, "review_inspection")
    stored = _DECISION_WORDS.get(str(decision).strip().lower())
    if stored is None:
        raise InvalidInput("decision", f"应为 approve 或 reject / must be one of {DECISIONS}")
    current = get_inspection(registry, inspection_id)
    require_inspection_access(user, current)
    if current.inspector == user.name:
        raise Forbidden("不能审核自己的检查记录 / you may not review your own inspection")
    if current.review is not None:
        raise _reviewed(inspection_id)
    try:
        with registry.session() as s:
            s.add(ReviewRow(inspection_id=inspection_id, reviewer_id=user.id, decision=stored,
                            note=clean_note(note, "note"), reviewed_at=utcnow()))
            s.flush()
            bump_revision(s)
    except IntegrityError:
        raise _reviewed(inspection_id) from None
    return get_inspection(registry, inspection_id)


def review_queue(registry: Registry, user: User, region: str | None = None) -> dict[str, Any]:
    """Inspections waiting for review inside ``region`` (default: the user's), oldest first.

    Raises
    ------
    stations.errors.Forbidden
        For a region outside the user's own.
    stations.errors.InvalidInput
        For a malformed region.
    """
    require(user, "read_queues")
    area = region_for(user, region)
    waiting = waiting_for_review(registry, area)
    return {"queue": "review", "region": area, "count": len(waiting), "inspections": waiting}


def waiting_for_review(registry: Registry, region: str | None = None) -> list[dict[str, Any]]:
    """Inspections no admin has reviewed yet that wait for one, under ``region`` (an
    adcode; none or ``100000``: the whole country), oldest received first.

    Raises
    ------
    stations.errors.InvalidInput
        For a malformed region.
    """
    prefix = region_prefix(check_region(region)) if region else ""
    reviewed = select(ReviewRow.inspection_id)
    where: list[Any] = [InspectionRow.review_reasons.is_not(None),
                        InspectionRow.id.not_in(reviewed)]
    if prefix:
        where.append(StationRow.adcode.startswith(prefix))
    with registry.session() as s:
        waiting = load(s, where)
    waiting.sort(key=lambda i: (i.recorded_at, i.id))
    return [_summary(i) for i in waiting]


def _summary(i: Inspection) -> dict[str, Any]:
    return {"id": i.id, "station_id": i.station_id, "adcode": i.station_adcode,
            "inspector": i.inspector, "inspected_at": i.inspected_at.isoformat(),
            "recorded_at": i.recorded_at.isoformat(), "result": "pass" if i.passed else "fail",
            "corrects_id": i.corrects_id, "on_site": i.on_site, "distance_m": i.distance_m,
            "review_reasons": list(i.review_reasons)}


def _reviewed(inspection_id: int) -> Conflict:
    return Conflict(f"检查记录 {inspection_id} 已审核 / inspection {inspection_id} is "
                    "already reviewed")
