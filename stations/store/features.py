"""The registry as public features: filtered, counted and paged by id (keyset).

What GIS clients read through OGC API - Features. Only stations a member of the public may
see the state of are served (planned, active, suspended: revoked and closed stations are
history, not features), with their public fields. Pages are keyset pages on the primary
key (``id > :after ORDER BY id LIMIT n``): the database walks its index from the cursor
instead of skipping ``offset`` rows, and a page stays the same while other stations change.
Counts (``numberMatched``) and the extent are remembered per registry revision, so a client
paging through 200,000 stations pays for one count, not one per page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, not_, or_, select, true

from stations.core.filters import adcode_prefix, check_filters
from stations.core.model import Station
from stations.core.paging import Cursor, Page, page_from_rows
from stations.errors import InvalidInput, NotFound
from stations.store.registry import Registry
from stations.store.station_rows import in_region
from stations.store.station_rows import to_station as row_to_station
from stations.store.tables import StationRow

PUBLIC_STATUSES = ("planned", "active", "suspended")
"""Statuses whose stations are published as features."""
QUERYABLES: dict[str, str] = {
    "id": "id", "name": "name", "kind": "kind", "status": "status", "address": "address",
    "host": "host", "opening_hours": "opening_hours", "phone": "phone", "adcode": "adcode",
    "province": "province", "city": "city", "county": "county", "status_date": "status_date",
    "updated": "updated_at",
}
"""Properties a CQL2 filter may name → their column."""
_COMPARE = {"=": "__eq__", "<>": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__",
            ">=": "__ge__"}


def cql_condition(node: Hashable, c: Any) -> ColumnElement[bool]:
    """A parsed CQL2 filter (:func:`stations.core.cql.parse_cql2`) as SQL on the stations
    table's columns ``c``."""
    parts: tuple[Any, ...] = node  # type: ignore[assignment]
    op: str = parts[0]
    args: tuple[Any, ...] = parts[1:]
    if op in ("and", "or"):
        return (and_ if op == "and" else or_)(cql_condition(args[0], c), cql_condition(args[1], c))
    if op == "not":
        return not_(cql_condition(args[0], c))
    column = c[QUERYABLES[args[0] if op != "cmp" else args[1]]]
    if op == "cmp":
        return getattr(column, _COMPARE[args[0]])(_value(args[1], args[2]))  # type: ignore[no-any-return]
    if op == "like":
        return column.like(args[1])  # type: ignore[no-any-return]
    if op == "in":
        return column.in_([_value(args[0], v) for v in args[1]])  # type: ignore[no-any-return]
    if op == "null":
        return column.is_(None)  # type: ignore[no-any-return]
    return column.between(_value(args[0], args[1]), _value(args[0], args[2]))  # type: ignore[no-any-return]


def _value(prop: str, value: Any) -> Any:
    """A literal as the column wants it: times for ``updated``, dates for ``status_date``."""
    if prop == "updated" and isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput("filter", f"updated 需要时间 / updated takes a time, not {value!r}") from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if prop == "status_date" and isinstance(value, datetime):
        return value.date()
    if prop == "status_date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("filter", f"status_date 需要日期 / status_date takes a date, not "
                                         f"{value!r}") from None
    return value


@dataclass(frozen=True)
class FeatureFilter:
    """Which public stations a client asks for (every part must hold).

    Attributes
    ----------
    bbox : tuple of float or None
        ``west, south, east, north`` in WGS-84 degrees; ``west > east`` crosses 180°.
    kinds : tuple of str
        Any of these kinds (empty: every kind).
    statuses : tuple of str
        Any of these statuses, all among :data:`PUBLIC_STATUSES`.
    services : tuple of str
        Every one of these services.
    adcode : str or None
        Inside this region (a province, city or county code).
    changed : tuple or None
        ``(start, end)`` of the last change (``updated_at``), either end ``None`` for open,
        both timezone-aware and inclusive.
    where : hashable or None
        An extra condition (a parsed CQL2 expression), turned into SQL by ``condition``.
    """

    bbox: tuple[float, float, float, float] | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = PUBLIC_STATUSES
    services: tuple[str, ...] = ()
    adcode: str | None = None
    changed: tuple[datetime | None, datetime | None] | None = None
    where: Hashable | None = None

    def __post_init__(self) -> None:
        for kind in self.kinds:
            check_filters(kind=kind)
        check_filters(services=self.services)
        for status in self.statuses:
            if status not in PUBLIC_STATUSES:
                raise InvalidInput("status", f"只发布 {', '.join(PUBLIC_STATUSES)} 状态的站点 / only "
                                             f"{', '.join(PUBLIC_STATUSES)} stations are published, "
                                             f"not {status!r}")
        if self.adcode is not None:
            adcode_prefix(self.adcode)


@dataclass(frozen=True)
class Extent:
    """Bounds of the published stations and the span of their last changes."""

    bbox: tuple[float, float, float, float] | None
    first_change: datetime | None
    last_change: datetime | None


class StationFeatures:
    """Public stations of a registry, for feature services.

    Parameters
    ----------
    registry : Registry
    where_sql : callable, optional
        Turns :attr:`FeatureFilter.where` into a SQL condition on the stations table
        (default: :func:`cql_condition`).
    """

    def __init__(self, registry: Registry, *, where_sql: Any = cql_condition, maxsize: int = 64) -> None:
        self.registry = registry
        self.where_sql = where_sql
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()

    @property
    def table(self) -> Table:
        return StationRow.__table__  # type: ignore[return-value]

    def condition(self, flt: FeatureFilter) -> ColumnElement[bool]:
        """The SQL condition of a filter on the stations table."""
        t = self.table.c
        # Nearly every station is published: an index on status would only make the
        # database sort them all for each page instead of walking the id index (SQLite's
        # planner picks it), so the usual all-published condition is kept off that index.
        status = t.status.concat("") if set(flt.statuses) == set(PUBLIC_STATUSES) else t.status
        parts: list[ColumnElement[bool]] = [status.in_(flt.statuses)]
        if flt.kinds:
            parts.append(t.kind.in_(flt.kinds))
        for code in flt.services:  # stored as ";code;code;" tokens
            parts.append(t.services.contains(f";{code};"))
        if flt.adcode and flt.adcode != "100000":
            parts.append(in_region(t.adcode, flt.adcode))
        if flt.bbox is not None:
            west, south, east, north = flt.bbox
            lon = (and_(t.lon >= west, t.lon <= east) if west <= east
                   else or_(t.lon >= west, t.lon <= east))
            parts += [lon, t.lat >= south, t.lat <= north]
        if flt.changed is not None:
            start, end = flt.changed
            if start is not None:
                parts.append(t.updated_at >= start)
            if end is not None:
                parts.append(t.updated_at <= end)
        if flt.where is not None:
            if self.where_sql is None:
                raise InvalidInput("filter", "不支持过滤表达式 / filter expressions are not supported")
            parts.append(self.where_sql(flt.where, t))
        return and_(true(), *parts)

    def page(self, flt: FeatureFilter, cursor: Cursor, limit: int) -> Page[Station]:
        """One page of matching stations, in id order."""
        t = self.table
        query = select(t).where(self.condition(flt))
        if cursor.before is not None:
            query = query.where(t.c.id < cursor.before).order_by(t.c.id.desc())
        else:
            if cursor.after is not None:
                query = query.where(t.c.id > cursor.after)
            query = query.order_by(t.c.id).offset(cursor.offset or None)
        with self.registry.session() as s:
            rows = [row_to_station(r) for r in s.connection().execute(query.limit(limit + 1))]
        if cursor.before is not None:
            rows.reverse()
        return page_from_rows(rows, cursor, limit)

    def count(self, flt: FeatureFilter) -> int:
        """How many stations match (remembered per registry revision)."""

        def compute() -> int:
            with self.registry.session() as s:
                query = select(func.count()).select_from(self.table).where(self.condition(flt))
                return int(s.scalar(query) or 0)

        return int(self._remember(("count", flt), compute))

    def extent(self) -> Extent:
        """Bounds and change span of all published stations (remembered per revision)."""

        def compute() -> Extent:
            t = self.table.c
            with self.registry.session() as s:
                row = s.execute(
                    select(func.min(t.lon), func.min(t.lat), func.max(t.lon), func.max(t.lat),
                           func.min(t.updated_at), func.max(t.updated_at))
                    .where(t.status.in_(PUBLIC_STATUSES))
                ).one()
            bbox = None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]),
                                                float(row[3]))
            return Extent(bbox, row[4], row[5])

        return self._remember(("extent",), compute)  # type: ignore[no-any-return]

    def get(self, station_id: str) -> Station:
        """One published station by id; :class:`NotFound` for others."""
        t = self.table
        with self.registry.session() as s:
            row = s.connection().execute(
                select(t).where(t.c.id == station_id, t.c.status.in_(PUBLIC_STATUSES))
            ).first()
        if row is None:
            raise NotFound(f"没有公开的站点 {station_id!r} / no published station with id "
                           f"{station_id!r}")
        return row_to_station(row)

    def _remember(self, key: tuple[Hashable, ...], compute: Any) -> Any:
        revision = self.registry.revision()
        full = (revision, *key)
        with self._lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]
        value = compute()
        with self._lock:
            self._memo[full] = value
            while len(self._memo) > self.maxsize:
                self._memo.popitem(last=False)
        return value
