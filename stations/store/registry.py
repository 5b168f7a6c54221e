"""The registry: the source of truth for stations and their history."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, select, text, update
from sqlalchemy.orm import Session

from geodata.china import explain_not_in_china, in_china
from geodata.errors import GeodataError
from geodata.lonlat import validate_lonlat
from geodata.regions import locate_one
from stations.core.clock import utcnow
from stations.core.filters import check_filters
from stations.core.model import EDITABLE_FIELDS, REGION_FIELDS, Station
from stations.core.text import clean_text
from stations.core.vocab import STATUSES, TRANSITIONS
from stations.errors import InvalidInput, NotFound
from stations.store.engine import Same, insert_columns, make_engine
from stations.store.revision import bump_revision, read_revision
from stations.store.schema import prepare
from stations.store.station_rows import (
    STORED_FIELDS,
    created_history,
    in_region,
    services_text,
    split_services,
    station_columns,
    taker,
    to_row,
    to_station,
    to_stations,
)
from stations.store.tables import HistoryRow, StationRow

_CHUNK = 900  # stays under SQLite's bound-parameter limit


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
            return to_station(row)

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
            query = query.where(in_region(StationRow.adcode, adcode))
        if name_contains:
            query = query.where(StationRow.name.contains(name_contains, autoescape=True))
        for code in services:
            # services are stored as ";code;code;" tokens, see _services_column
            query = query.where(StationRow.services.contains(f";{code};"))
        with self.session() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = s.scalars(query.order_by(StationRow.id).limit(limit).offset(offset)).all()
            return int(total), [to_station(r) for r in rows]

    def all(self) -> list[Station]:
        """Every station, by id (read without the ORM: 200,000 in about a second)."""
        table = StationRow.__table__
        with self.session() as s:
            return to_stations(s.connection().execute(select(*station_columns()).order_by(table.c.id)))

    def get_many(self, ids: Iterable[str]) -> dict[str, Station]:
        with self.session() as s:
            rows = _rows_with_ids(s.connection(), station_columns(), list(ids))
            return {st.id: st for st in to_stations(rows)}

    def frame(self) -> pd.DataFrame:
        """All stations as a table (one row each), ordered by id.

        The search index and coverage need standings too: they use
        :func:`stations.compliance.standing.station_table`, which adds them.
        """
        columns = [getattr(StationRow, f) for f in STORED_FIELDS]
        with self.session() as s:
            rows = s.execute(select(*columns).order_by(StationRow.id)).all()
        frame = pd.DataFrame(rows, columns=list(STORED_FIELDS))
        frame["services"] = [split_services(v) for v in frame["services"]]
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
        self, stations: Sequence[Station], *, actor: str, action: str = "import",
        source: str | None = None,
    ) -> SaveCounts:
        """Insert new stations and update changed ones by id, in one transaction.

        Each new station's history starts with a ``create`` entry (its first values are
        the row as created; later entries record every change as old and new), each
        changed one gets an ``action`` entry with the changes; ``source`` (the ledger's
        file name) is the reason of both.
        """
        columns = {name: [getattr(st, name) for st in stations] for name in STORED_FIELDS}
        return self.save_columns(columns, actor=actor, action=action, source=source)

    def save_columns(
        self, columns: dict[str, list[Any]], *, actor: str, action: str = "import",
        source: str | None = None,
    ) -> SaveCounts:
        """:meth:`save_many` for stations given column by column (every stored field,
        services as tuples of codes): a national ledger is saved without making 200,000
        station objects first."""
        ids = columns["id"]
        now = utcnow()
        known = self._known_ids(ids)
        new = [j for j, sid in enumerate(ids) if sid not in known] if known else list(range(len(ids)))
        take = taker(new, len(ids))
        inserts: dict[str, list[Any] | Same] = {name: take(columns[name]) for name in STORED_FIELDS}
        services: list[tuple[str, ...]] = inserts["services"]  # type: ignore[assignment]
        texts = {v: services_text(v) for v in set(services)}
        inserts["services"] = list(map(texts.__getitem__, services))
        inserts["created_at"] = inserts["updated_at"] = Same(now)
        updates, changed = self._changes(columns, [j for j, sid in enumerate(ids) if sid in known]
                                         if known else [])
        with self.session() as s:
            # Core executemany: the ORM's bulk path costs several times more per row.
            connection = s.connection()
            sqlite = connection.dialect.name == "sqlite"
            before = connection.execute(text("SELECT max(rowid) FROM stations")).scalar() if sqlite else None
            insert_columns(connection, cast(Table, StationRow.__table__), inserts)
            if updates:
                s.execute(update(StationRow), [u | {"updated_at": now} for u in updates])
            history = cast(Table, HistoryRow.__table__)
            if sqlite and new:
                created_history(connection, before or 0, now, actor, source)
            else:
                insert_columns(connection, history, {
                    "station_id": inserts["id"], "at": Same(now), "actor": Same(actor),
                    "action": Same("create"), "changes": Same({}), "reason": Same(source)})
            if updates:
                insert_columns(connection, history, {
                    "station_id": [u["id"] for u in updates], "at": Same(now), "actor": Same(actor),
                    "action": Same(action), "changes": changed, "reason": Same(source)})
            if new or updates:
                bump_revision(s)
        return SaveCounts(len(new), len(updates), len(ids) - len(new) - len(updates))

    def _known_ids(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        with self.session() as s:
            return {row[0] for row in _rows_with_ids(s.connection(), [StationRow.__table__.c.id], ids)}

    def _changes(self, columns: dict[str, list[Any]], known: list[int]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, list[Any]]]]:
        """Rows to update, and their changes, of the stored stations at ``known``."""
        if not known:
            return [], []
        existing = self.get_many(columns["id"][j] for j in known)
        updates, changed = [], []
        compared = EDITABLE_FIELDS + REGION_FIELDS
        stored = operator.attrgetter(*compared)
        for j in known:
            if stored(existing[columns["id"][j]]) == tuple(columns[name][j] for name in compared):
                continue  # unchanged: the common case of a ledger imported again
            st = Station(**{name: columns[name][j] for name in STORED_FIELDS})
            changes = existing[st.id].diff(st)
            if changes:
                updates.append(to_row(st))
                changed.append(_jsonable(changes))
        return updates, changed

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
            return to_station(row)

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
            return to_station(row)


def _rows_with_ids(connection: Connection, columns: list[Any], ids: list[str]) -> Iterator[Any]:
    """Rows of ``columns`` (the first one the station id) of the stations in ``ids``: a
    query per 900 ids, or one pass over the table when there are many."""
    table = StationRow.__table__
    if len(ids) > 20 * _CHUNK:  # one pass over the table beats 200 queries
        wanted = set(ids)
        yield from (row for row in connection.execute(select(*columns)) if row[0] in wanted)
        return
    for start in range(0, len(ids), _CHUNK):
        yield from connection.execute(select(*columns).where(table.c.id.in_(ids[start : start + _CHUNK])))


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


def _jsonable(changes: dict[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    return {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _history(
    station_id: str, at: datetime, actor: str, action: str, changes: dict[str, Any]
) -> dict[str, Any]:
    return {"station_id": station_id, "at": at, "actor": actor, "action": action, "changes": changes}
