"""Reading and counting live status: the live revision and the records in effect.

``live_revision`` (in ``registry_meta``) grows with every notice or report; an instance
that sees it move reloads the records still in effect (:func:`load_live`): notices not
ended nor withdrawn, and reports younger than :data:`stations.core.live.WINDOW_S`. That
is a few rows per station with a live state, whatever the size of the registry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from stations.core.clock import aware_utc
from stations.core.live import WINDOW_S, Notice, Report
from stations.store.live_tables import NoticeRow, ReportRow
from stations.store.tables import MetaRow

LIVE_KEY = "live_revision"


def read_live_revision(session: Session) -> int:
    """The live revision (0 before any notice or report)."""
    return int(session.scalar(select(MetaRow.value).where(MetaRow.key == LIVE_KEY)) or 0)


def bump_live_revision(session: Session) -> None:
    """Count one more live write (in the writer's transaction)."""
    done = session.execute(
        update(MetaRow).where(MetaRow.key == LIVE_KEY).values(value=MetaRow.value + 1))
    if not getattr(done, "rowcount", 1):
        session.execute(insert(MetaRow).values(key=LIVE_KEY, value=1))


def to_notice(row: NoticeRow) -> Notice:
    return Notice(id=row.id, station_id=row.station_id, kind=row.kind,
                  starts_at=aware_utc(row.starts_at), ends_at=aware_utc(row.ends_at),
                  free_spaces=row.free_spaces, service=row.service, reason=row.reason,
                  created_at=aware_utc(row.created_at) if row.created_at else None,
                  author_role=row.author_role)


def load_live(session: Session, now: datetime) -> tuple[int, list[Notice], list[Report]]:
    """The live revision, notices not ended nor withdrawn, and reports still counting."""
    revision = read_live_revision(session)
    notices = [to_notice(r) for r in session.scalars(
        select(NoticeRow).where(NoticeRow.ends_at > now, NoticeRow.withdrawn_at.is_(None))
        .order_by(NoticeRow.id))]
    since = now - timedelta(seconds=WINDOW_S)
    reports = [Report(station_id=r.station_id, state=r.state, at=aware_utc(r.created_at),
                      device=r.device_key, address=r.address_key, service=r.service)
               for r in session.execute(
                   select(ReportRow.station_id, ReportRow.state, ReportRow.created_at,
                          ReportRow.device_key, ReportRow.address_key, ReportRow.service)
                   .where(ReportRow.created_at > since).order_by(ReportRow.id))]
    return revision, notices, reports
