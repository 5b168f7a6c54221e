"""The registry: the source of truth for stations and their history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, Table, func, select, update
from sqlalchemy.orm import Session

from geodata.china import explain_not_in_china, in_china
from geodata.errors import GeodataError
from geodata.lonlat import validate_lonlat
from geodata.regions import locate_one
from stations.core.clock import utcnow
from stations.core.filters import adcode_prefix, check_filters
from stations.core.model import EDITABLE_FIELDS, REGION_FIELDS, Station
from stations.core.text import clean_text
from stations.core.vocab import STATUSES, TRANSITIONS
from stations.errors import InvalidInput, NotFound
from stations.store.engine import bulk_insert, make_engine
from stations.store.revision import bump_revision, read_revision
from stations.store.schema import prepare
from stations.store.tables import HistoryRow, StationRow

_CHUNK = 900  # stays under SQLite's bound-parameter limit
_STORED_FIELDS = ("id",) + EDITABLE_FIELDS + REGION_FIELDS


@dataclass(frozen=True)
class SaveCounts:
    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    changes: dict[str, Any]
    reason: str | None


class Registry:
    """Stations stored in a SQL database (embedded SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Registry:
        """Open the database at ``url`` (a URL or a SQLite file path).

        A new database is created at the newest schema; an older one is migrated only
        when ``upgrade`` is true; one written by a newer program is refused (see
        :mod:`stations.store.schema`).

        Raises
        ------
        stations.errors.SchemaTooNew, stations.errors.SchemaOutdated
        stations.errors.DatabaseUnavailable
        """
        engine = make_engine(url)
        try:
            prepare(engine, upgrade=upgrade)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # -- reading -----------------------------------------------------------
    def count(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(StationRow)) or 0)

    def revision(self) -> int:
        """A counter that grows with every write (seen by every instance)."""
        with self.session() as s:
            return read_revision(s)

    def get(self, station_id: str) -> Station:
        with self.session() as s:
            row = s.get(StationRow, station_id)
            if row is None:
                raise NotFound(f"站点不存在 / no station with id {station_id!r}")
            return _to_station(row)

    def search(
        self,
        *,
        bbox: Sequence[float] | None = None,
        kind: str | None = None,
        services: Sequence[str] = (),
        status: str | None = None,
        adcode: str | None = None,
        name_contains: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[Station]]:
        """Stations matching all filters, ordered by id: ``(total, page)``."""
        check_filters(kind=kind, services=services, status=status)
        query = select(StationRow)
        if bbox is not None:
            west, south, east, north = bbox
            query = query.where(
                StationRow.lon >= west,
                StationRow.lon <= east,
                StationRow.lat >= south,
                StationRow.lat <= north,
            )
        if kind:
            query = query.where(StationRow.kind == kind)
        if status:
            query = query.where(StationRow.status == status)
        if adcode and adcode != "100000":
            query = query.where(StationRow.adcode.startswith(adcode_prefix(adcode)))
        if name_contains:
            query = query.where(StationRow.name.contains(name_contains, autoescape=True))
        for code in services:
            # services are stored as ";code;code;" tokens, see _services_column
            query = query.where(StationRow.services.contains(f";{code};"))
        with self.session() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = s.scalars(query.order_by(StationRow.id).limit(limit).offset(offset)).all()
            return int(total), [_to_station(r) for r in rows]

    def all(self) -> list[Station]:
        with self.session() as s:
            return [_to_station(r) for r in s.scalars(select(StationRow).order_by(StationRow.id))]

    def get_many(self, ids: Iterable[str]) -> dict[str, Station]:
        ids = list(ids)
        found: dict[str, Station] = {}
        table = StationRow.__table__
        with self.session() as s:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                for row in s.connection().execute(select(table).where(table.c.id.in_(chunk))):
                    found[row.id] = _to_station(row)
        return found

    def frame(self) -> pd.DataFrame:
        """All stations as a table (one row each), ordered by id.

        The search index and coverage need standings too: they use
        :func:`stations.compliance.standing.station_table`, which adds them.
        """
        columns = [getattr(StationRow, f) for f in _STORED_FIELDS]
        with self.session() as s:
            rows = s.execute(select(*columns).order_by(StationRow.id)).all()
        frame = pd.DataFrame(rows, columns=list(_STORED_FIELDS))
        frame["services"] = [_split_services(v) for v in frame["services"]]
        frame["lon"] = frame["lon"].astype("float64")
        frame["lat"] = frame["lat"].astype("float64")
        return frame

    def locations(self) -> pd.DataFrame:
        """Every station's id, name, lon and lat (a light table for spatial checks)."""
        table = StationRow.__table__
        with self.session() as s:
            rows = s.connection().execute(
                select(table.c.id, table.c.name, table.c.lon, table.c.lat)).all()
        return pd.DataFrame(rows, columns=["id", "name", "lon", "lat"])

    def history(self, station_id: str) -> list[HistoryEntry]:
        self.get(station_id)
        with self.session() as s:
            rows = s.scalars(
                select(HistoryRow)
                .where(HistoryRow.station_id == station_id)
                .order_by(HistoryRow.id)
            )
            return [HistoryEntry(r.at, r.actor, r.action, r.changes, r.reason) for r in rows]

    # -- writing -----------------------------------------------------------
    def save_many(
        self, stations: Sequence[Station], *, actor: str, action: str = "import"
    ) -> SaveCounts:
        """Insert new stations and update changed ones by id, in one transaction."""
        now = utcnow()
        existing = self.get_many(st.id for st in stations)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for st in stations:
            old = existing.get(st.id)
            if old is None:
                row = _to_row(st)
                inserts.append(row | {"created_at": now, "updated_at": now})
                history.append(_history(st.id, now, actor, "create", _created_changes(row)))
                continue
            changes = old.diff(st)
            if changes:
                updates.append(_to_row(st) | {"updated_at": now})
                history.append(_history(st.id, now, actor, action, _jsonable(changes)))
        with self.session() as s:
            # Core executemany: the ORM's bulk path costs several times more per row.
            if inserts:
                bulk_insert(s.connection(), cast(Table, StationRow.__table__), inserts)
            if updates:
                s.execute(update(StationRow), updates)
            if history:
                bulk_insert(s.connection(), cast(Table, HistoryRow.__table__), history)
            if inserts or updates:
                bump_revision(s)
        return SaveCounts(len(inserts), len(updates), len(stations) - len(inserts) - len(updates))

    def set_location(
        self, station_id: str, lon: float, lat: float, *, actor: str, how: str
    ) -> Station:
        """Put a station at a WGS-84 point (an unlocated one, or one found misplaced),
        with its region from the point; kept in the history with who and how.

        Raises
        ------
        stations.errors.NotFound
        stations.errors.InvalidInput
            For a point that is not in China.
        """
        with self.session() as s:
            row = s.get(StationRow, station_id, with_for_update=True)
            if row is None:
                raise NotFound(f"站点不存在 / no station with id {station_id!r}")
            apply_location(s, row, lon, lat, actor=actor, how=how)
            s.flush()
            return _to_station(row)

    def set_status(
        self,
        station_id: str,
        status: str,
        *,
        reason: str,
        actor: str,
        when: date | None = None,
    ) -> Station:
        """Move a station along its lifecycle, keeping who, when and why."""
        if status not in STATUSES:
            raise InvalidInput("status", f"未知状态 / unknown status {status!r}")
        reason = clean_text(reason, "reason", multiline=True) or ""
        if not reason:
            raise InvalidInput("reason", "必须说明原因 / a reason is required")
        with self.session() as s:
            row = s.get(StationRow, station_id, with_for_update=True)
            if row is None:
                raise NotFound(f"站点不存在 / no station with id {station_id!r}")
            if status not in TRANSITIONS[row.status]:
                raise InvalidInput(
                    "status",
                    f"不能从 {row.status} 变为 {status} / cannot go from {row.status} to {status}",
                )
            now = utcnow()
            changes = {"status": [row.status, status]}
            row.status = status
            row.status_date = when or now.date()
            row.status_reason = reason
            row.updated_at = now
            s.add(HistoryRow(**_history(station_id, now, actor, "status", changes), reason=reason))
            bump_revision(s)
            s.flush()
            return _to_station(row)


def apply_location(
    session: Session, row: StationRow, lon: float, lat: float, *, actor: str, how: str
) -> dict[str, list[Any]]:
    """Move ``row`` to a WGS-84 point inside ``session``: region from the point, a
    ``locate`` history entry whose reason says how, and a revision bump.

    Returns the changes recorded. Raises InvalidInput for a point not in China.
    """
    lon, lat = _checked_point(lon, lat)
    found = locate_one(lon, lat) or {}
    new = {"lon": lon, "lat": lat} | {name: found.get(name) for name in REGION_FIELDS}
    changes = {name: [getattr(row, name), value] for name, value in new.items()
               if getattr(row, name) != value}
    for name, value in new.items():
        setattr(row, name, value)
    now = utcnow()
    row.updated_at = now
    session.add(HistoryRow(**_history(row.id, now, actor, "locate", changes), reason=how))
    bump_revision(session)
    return changes


def _checked_point(lon: float, lat: float) -> tuple[float, float]:
    try:
        validate_lonlat(lon, lat)
    except GeodataError as exc:
        field = {"longitude": "lon", "latitude": "lat"}.get(getattr(exc, "field", ""), "lon")
        raise InvalidInput(field, str(exc)) from None
    if not bool(in_china(lon, lat)):
        hint = explain_not_in_china(float(lon), float(lat))
        raise InvalidInput("lon,lat", f"坐标不在中国境内 / not a location in China: ({lon}, {lat})"
                           + (f"; {hint}" if hint else ""))
    return round(float(lon), 7), round(float(lat), 7)


def _split_services(text: str | None) -> tuple[str, ...]:
    return tuple(t for t in (text or "").split(";") if t)


def _to_station(row: Any) -> Station:
    return Station(
        id=row.id,
        name=row.name,
        kind=row.kind,
        lon=row.lon,
        lat=row.lat,
        address=row.address,
        host=row.host,
        services=_split_services(row.services),
        truck_parking_capacity=row.truck_parking_capacity,
        opening_hours=row.opening_hours,
        phone=row.phone,
        status=row.status,
        status_date=row.status_date,
        status_reason=row.status_reason,
        adcode=row.adcode,
        province=row.province,
        city=row.city,
        county=row.county,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _to_row(st: Station) -> dict[str, Any]:
    row = {name: getattr(st, name) for name in _STORED_FIELDS}
    row["services"] = ";" + ";".join(st.services) + ";" if st.services else ""
    return row


def _jsonable(changes: dict[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    return {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _created_changes(row: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [None, value.isoformat() if isinstance(value, date) else value]
        for name, value in row.items()
        if value is not None and value != "" and name != "id"
    }


def _history(
    station_id: str, at: datetime, actor: str, action: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {"station_id": station_id, "at": at, "actor": actor, "action": action, "changes": changes}
