"""Each station's standing, derived from its inspections, and the work queues.

Only *effective* inspections count: not rejected by a reviewer, approved when they had
to wait for review (:mod:`stations.compliance.review`: corrections, visits off site or
logged late), and not superseded by a correction that counts. From the newest effective inspection:

- ``never_inspected``: there is none;
- ``failing``: the newest one failed;
- ``overdue``: it passed, but longer ago than the inspection period;
- ``compliant``: it passed within the period.

``last_verified`` is the (China) date of the newest effective passing inspection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from stations.compliance.location import unlocated_stations
from stations.core.clock import as_china, aware_utc, utcnow
from stations.errors import InvalidInput
from stations.store.compliance_tables import InspectionRow, ReviewRow
from stations.store.registry import Registry
from stations.store.station_rows import in_region
from stations.store.tables import StationRow

STANDINGS = ("compliant", "failing", "overdue", "never_inspected")
QUEUES: dict[str, tuple[str, ...]] = {
    "overdue": ("overdue", "never_inspected"),
    "failing": ("failing",),
    "unlocated": (),  # stations without coordinates, see stations.compliance.location
}
_COLUMNS = ["standing", "last_verified", "last_inspected", "last_result"]


@dataclass(frozen=True)
class Standing:
    station_id: str
    standing: str
    last_verified: date | None
    last_inspected: date | None
    last_result: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "standing": self.standing,
            "last_verified": self.last_verified.isoformat() if self.last_verified else None,
            "last_inspected": self.last_inspected.isoformat() if self.last_inspected else None,
            "last_result": self.last_result,
        }


def standings(
    registry: Registry,
    station_ids: list[str] | None = None,
    *,
    period_days: int,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Standing of stations that have effective inspections, indexed by station id.

    Parameters
    ----------
    registry : Registry
    station_ids : list of str, optional
        Only these stations (default: all).
    period_days : int
        Inspection period: a pass older than this is ``overdue`` (the configured
        ``inspection_period_days``; every caller passes it, so one process gives one
        answer everywhere).
    now : datetime, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``standing``, ``last_verified``, ``last_inspected`` (dates or None),
        ``last_result`` (``pass``/``fail``). Stations absent from it are
        ``never_inspected``.
    """
    cutoff = aware_utc(now or utcnow()) - timedelta(days=_period(period_days))
    rows = _effective(registry, station_ids)
    if rows.empty:
        return pd.DataFrame(columns=_COLUMNS, index=pd.Index([], name="station_id"))
    rows["inspected_at"] = [aware_utc(v) for v in rows["inspected_at"]]
    rows = rows.sort_values(["station_id", "inspected_at", "id"])
    latest = rows.groupby("station_id").tail(1).set_index("station_id")
    last_pass = rows[rows["passed"]].groupby("station_id")["inspected_at"].max()
    out = pd.DataFrame(index=latest.index)
    out["last_inspected"] = [as_china(v).date() for v in latest["inspected_at"]]
    out["last_result"] = ["pass" if p else "fail" for p in latest["passed"]]
    verified = last_pass.reindex(out.index)
    out["last_verified"] = [as_china(v).date() if pd.notna(v) else None for v in verified]
    out["standing"] = [
        "failing" if not passed else "compliant" if at >= cutoff else "overdue"
        for passed, at in zip(latest["passed"], latest["inspected_at"], strict=True)
    ]
    return out[_COLUMNS]


def station_standing(
    registry: Registry,
    station_id: str,
    *,
    period_days: int,
    now: datetime | None = None,
) -> Standing:
    """The standing of one station."""
    table = standings(registry, [station_id], period_days=period_days, now=now)
    if station_id not in table.index:
        return Standing(station_id, "never_inspected", None, None, None)
    row = table.loc[station_id]
    return Standing(
        station_id, row["standing"], row["last_verified"], row["last_inspected"], row["last_result"]
    )


def add_standing(
    registry: Registry,
    frame: pd.DataFrame,
    *,
    period_days: int,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Fill ``standing`` and ``last_verified`` of a station table with an ``id`` column."""
    table = standings(registry, period_days=period_days, now=now)
    frame["standing"] = (
        frame["id"].map(table["standing"]).astype(object).fillna("never_inspected")
    )
    verified = frame["id"].map(table["last_verified"])
    frame["last_verified"] = verified.astype(object).where(verified.notna(), None)
    return frame


def station_table(
    registry: Registry, *, period_days: int, now: datetime | None = None
) -> pd.DataFrame:
    """Every station with its ``standing`` and ``last_verified``: the table the search
    index and coverage analyses are built from.

    This is the one place the station table is composed, with the configured period.
    """
    return add_standing(registry, registry.frame(), period_days=period_days, now=now)


def queue(
    registry: Registry,
    which: str,
    *,
    region: str | None = None,
    period_days: int,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Active stations that need attention.

    Parameters
    ----------
    which : str
        ``overdue`` (overdue or never inspected: due for a visit, never-verified first,
        then the longest unverified) or ``failing`` (newest effective inspection failed,
        oldest failure first) or ``unlocated`` (no coordinates yet: to be located on
        site; see :func:`stations.compliance.location.unlocated_stations`).
    region : str, optional
        Only stations under this 6-digit adcode (``100000`` or none: the whole country).

    Raises
    ------
    stations.errors.InvalidInput
        For an unknown queue or a malformed adcode.
    """
    if which not in QUEUES:
        raise InvalidInput(
            "queue", f"未知队列 / unknown queue {which!r}; 可选 / one of {', '.join(QUEUES)}"
        )
    if which == "unlocated":
        return unlocated_stations(registry, region=region)
    query = select(
        StationRow.id,
        StationRow.name,
        StationRow.kind,
        StationRow.status,
        StationRow.lon,
        StationRow.lat,
        StationRow.adcode,
        StationRow.province,
        StationRow.city,
        StationRow.county,
    ).where(StationRow.status == "active")
    if region and region != "100000":
        query = query.where(in_region(StationRow.adcode, region))
    with registry.session() as s:
        stations = pd.DataFrame(s.execute(query.order_by(StationRow.id)).mappings().all())
    if stations.empty:
        return []
    table = standings(registry, period_days=period_days, now=now)
    merged = stations.join(table, on="id")
    merged["standing"] = merged["standing"].fillna("never_inspected")
    merged = merged[merged["standing"].isin(QUEUES[which])]
    key = "last_verified" if which == "overdue" else "last_inspected"
    merged = merged.assign(_never=merged[key].isna(), _key=merged[key].astype(str))
    merged = merged.sort_values(["_never", "_key", "id"], ascending=[False, True, True])
    merged = merged.drop(columns=["_never", "_key"]).astype(object)
    merged = merged.where(merged.notna(), None)
    records = merged.to_dict(orient="records")
    for record in records:
        for name in ("last_verified", "last_inspected"):
            if record[name] is not None:
                record[name] = record[name].isoformat()
    return records


def _period(period_days: int) -> int:
    if period_days < 1:
        raise InvalidInput("inspection_period_days", "应为正整数 / must be at least 1")
    return period_days


def _effective(registry: Registry, station_ids: list[str] | None) -> pd.DataFrame:
    # counts: not rejected, and approved when it had to wait for review
    rejected = select(ReviewRow.inspection_id).where(ReviewRow.decision == "rejected")
    approved = select(ReviewRow.inspection_id).where(ReviewRow.decision == "approved")

    def counts(table: Any) -> Any:
        return and_(table.id.not_in(rejected),
                    or_(table.review_reasons.is_(None), table.id.in_(approved)))

    correction = aliased(InspectionRow)
    corrected = select(correction.corrects_id).where(
        correction.corrects_id.is_not(None), counts(correction)
    )
    query = select(
        InspectionRow.id, InspectionRow.station_id, InspectionRow.inspected_at, InspectionRow.passed
    ).where(counts(InspectionRow), InspectionRow.id.not_in(corrected))
    if station_ids is not None:
        query = query.where(InspectionRow.station_id.in_(station_ids))
    with registry.session() as s:
        rows = s.execute(query).all()
    return pd.DataFrame(rows, columns=["id", "station_id", "inspected_at", "passed"])
