"""Station rows as the database stores them, and back: the conversions the registry's
reads and bulk writes share (one ``Station`` from a row, 200,000 from a result, the
columns of a bulk insert, the ``create`` history written by SQLite itself)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, literal_column, select

from stations.core.filters import adcode_bounds
from stations.core.model import EDITABLE_FIELDS, REGION_FIELDS, Station
from stations.store.tables import HistoryRow, StationRow

STORED_FIELDS = ("id",) + EDITABLE_FIELDS + REGION_FIELDS
"""The station fields a row stores (besides its timestamps)."""
SERVICES_AT = [f.name for f in fields(Station)].index("services")


def split_services(text: str | None) -> tuple[str, ...]:
    return tuple(t for t in (text or "").split(";") if t)


def station_columns() -> list[Any]:
    """The stations table's columns in the order of :class:`Station`'s fields."""
    table = StationRow.__table__
    return [table.c[f.name] for f in fields(Station)]


def to_stations(rows: Iterable[Any]) -> list[Station]:
    """Stations from rows of :func:`station_columns` (services split once per distinct text)."""
    split: dict[str, tuple[str, ...]] = {}
    out = []
    for row in rows:
        text = row[SERVICES_AT]
        services = split.get(text)
        if services is None:
            services = split[text] = split_services(text)
        out.append(Station(*row[:SERVICES_AT], services, *row[SERVICES_AT + 1:]))  # type: ignore[call-arg]
    return out


def to_station(row: Any) -> Station:
    return Station(
        id=row.id,
        name=row.name,
        kind=row.kind,
        lon=row.lon,
        lat=row.lat,
        address=row.address,
        host=row.host,
        services=split_services(row.services),
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


def to_row(st: Station) -> dict[str, Any]:
    row = {name: getattr(st, name) for name in STORED_FIELDS}
    row["services"] = services_text(st.services)
    return row


def services_text(services: tuple[str, ...]) -> str:
    """Stored as ``;a;b;`` so that one service is found with ``LIKE '%;a;%'``."""
    return ";" + ";".join(services) + ";" if services else ""


def created_history(connection: Connection, before: int, now: datetime, actor: str,
                     source: str | None) -> None:
    """The ``create`` entries of the stations just inserted (SQLite rowids above
    ``before``; the transaction holds the write lock), written by SQLite itself: a third
    of the time of sending 200,000 rows."""
    stations, history = cast(Table, StationRow.__table__), cast(Table, HistoryRow.__table__)
    values = [bindparam(name, value, type_=history.c[name].type) for name, value in (
        ("at", now), ("actor", actor), ("action", "create"), ("changes", {}), ("reason", source))]
    connection.execute(history.insert().from_select(
        ["station_id", "at", "actor", "action", "changes", "reason"],
        select(stations.c.id, *values).where(literal_column("stations.rowid") > before)
        .order_by(literal_column("stations.rowid"))))


def taker(indexes: list[int], n: int) -> Callable[[list[Any]], list[Any]]:
    """Picks ``indexes`` out of a column (the whole column when they are all of it)."""
    if len(indexes) == n:
        return lambda column: column
    if not indexes:
        return lambda column: []
    pick = operator.itemgetter(*indexes)
    return lambda column: list(pick(column)) if len(indexes) > 1 else [column[indexes[0]]]


def in_region(column: Any, adcode: str) -> ColumnElement[bool]:
    """``column`` (an adcode) lies in the region ``adcode``, as a range the adcode index
    answers (``LIKE '4101%'`` scans the whole table on SQLite and on PostgreSQL)."""
    low, high = adcode_bounds(adcode)
    return and_(column >= low, column < high)
