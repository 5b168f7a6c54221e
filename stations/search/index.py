"""Nearest-station search: "where is the closest open station with what I need?".

Distances and ranking are geodesic on WGS-84 (:func:`geodata.geodesy.distance_m`).
A KD-tree of earth-centred points (see :mod:`stations.search.tree`) proposes
candidates in chord order; the chord of the first candidate not taken is a lower
bound of the geodesic distance of every station not looked at, so once the k-th
geodesic distance is below it the answer is exact. When it is not, every station
inside the chord ball of the k-th geodesic distance is measured.

:class:`NearestIndex` is immutable; :class:`LiveIndex` swaps in a rebuilt one while
queries go on against the old one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from geodata.crs import wgs84_to_bd09_point
from geodata.geodesy import ecef_point
from stations.core.clock import china_time
from stations.core.hours import UNKNOWN_HOURS, HoursNow, hours_at_minute, minute_of_week
from stations.core.live import LiveState
from stations.core.navigation import baidu_origin, check_travel, format_links, navigation_links
from stations.search.inputs import Filters, check_k, check_max_distance, check_point, check_points, parse_filters
from stations.search.live import LiveBoard, closed_rows
from stations.search.scan import Found, search_many, search_one
from stations.search.tree import (
    RECORD_FIELDS,
    OpenNow,
    Plan,
    build_trees,
    make_plan,
    passes,
    table_columns,
    unchecked_plan,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_NO_FILTERS = parse_filters()  # the default search: active stations of any kind
# a filtered batch smaller than 1/200 of the stations is searched point by point rather
# than through a tree of its own (~50 µs a point against ~0.25 µs a station to build)
_POINTS_PER_TREE = 200


@dataclass(frozen=True)
class Result:
    """One station found near a point, how far it is, and how to get there."""

    id: str
    name: str
    kind: str
    status: str
    lon: float
    lat: float
    distance_m: float
    bearing_deg: float
    services: tuple[str, ...]
    opening_hours: str | None
    open_now: bool | None
    standing: str
    address: str | None
    phone: str | None
    host: str | None
    adcode: str | None
    province: str | None
    city: str | None
    county: str | None
    navigation: dict[str, str] = field(default_factory=dict, compare=False)
    """Route-planning links for Amap, Baidu, Apple Maps and the phone's map app (``geo:``)."""
    hours: HoursNow = UNKNOWN_HOURS
    """Open or closed at the time of the search and when that changes (China time)."""
    carriageway: dict[str, Any] | None = None
    """For an expressway site whose name says which way it serves: ``toward`` (the place
    or compass word of the name) and ``bearing_deg`` (from the site towards it, or None)."""
    road_distance_m: float | None = None
    """Distance by road, where a road network covers the point (see :mod:`stations.network`)."""
    travel_minutes: float | None = None
    """Walking (to outdoor-worker stations) or driving (to driver homes) time by road."""
    live: LiveState | None = None
    """What the station's host or people there say now (see :mod:`stations.core.live`)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, navigation links included."""
        out = {name: getattr(self, name) for name in _RESULT_FIELDS}
        out["services"] = list(self.services)
        out["hours"] = self.hours.to_dict()
        if self.carriageway is not None:
            out["carriageway"] = dict(self.carriageway)
        out["live"] = None if self.live is None else self.live.to_dict()
        if not self.navigation:
            out["navigation"] = navigation_links(self.lon, self.lat, self.name)
        return out


_RESULT_FIELDS = tuple(f.name for f in fields(Result))


class NearestIndex:
    """Immutable search index over a station table; make one with :meth:`build`."""

    def __init__(self, columns: dict[str, Any], board: LiveBoard | None = None) -> None:
        self._c = columns
        self.board = board or LiveBoard()
        """Live status beside the index (read at each query; swapped without a rebuild)."""
        self._row_of: dict[str, int] | None = None
        self._trees = build_trees(columns)
        self._plans: dict[Filters, Plan] = {}
        self._open_tables: dict[int, BoolArray] = {}
        self._hours_now: dict[tuple[int, int], HoursNow] = {}
        self._lock = threading.Lock()
        self._default_plan = self._plan(_NO_FILTERS)

    @classmethod
    def build(cls, frame: pd.DataFrame, board: LiveBoard | None = None) -> NearestIndex:
        """Index a station table, one row per station, as the registry produces it.

        Parameters
        ----------
        frame : pandas.DataFrame
            Columns ``id``, ``name``, ``kind``, ``status``, ``lon``, ``lat`` (WGS-84);
            optional ``address``, ``phone``, ``host``, ``services`` (tuples of codes),
            ``opening_hours``, ``standing`` (missing: ``never_inspected``), ``adcode``,
            ``province``, ``city``, ``county``. Rows without valid coordinates are
            never found; unreadable opening hours count as unknown.
        board : LiveBoard, optional
            Live status to show and to take into account for ``open_now``.

        Returns
        -------
        NearestIndex
        """
        return cls(table_columns(frame.reset_index(drop=True)), board)

    def __len__(self) -> int:
        return int(self._c["n"])

    def query(
        self,
        lon: float,
        lat: float,
        k: int = 5,
        *,
        kind: str | None = None,
        services: Iterable[str] = (),
        open_now: bool = False,
        now: datetime | None = None,
        status: Iterable[str] | str | None = ("active",),
        compliant_only: bool = False,
        max_distance_m: float | None = None,
        crs: str = "wgs84",
        travel: str = "car",
    ) -> list[Result]:
        """The ``k`` stations nearest to a point, nearest first (geodesic, WGS-84).

        Parameters
        ----------
        lon, lat : float
            The point, in ``crs``.
        k : int
            How many stations, 1 to 100.
        kind : str, optional
            Only stations of this kind.
        services : iterable of str
            Only stations offering all of these service codes.
        open_now : bool
            Only stations whose hours say they are open at ``now`` (China time) and that
            no closure notice closes; stations with unknown hours are left out.
        now : datetime, optional
            The moment for ``open_now`` and for ``Result.open_now`` (naive: China
            time; default: the current time).
        status : str or iterable of str or None
            Allowed statuses; ``None`` allows all. Default: active only.
        compliant_only : bool
            Only stations whose compliance standing is ``compliant``.
        max_distance_m : float, optional
            Leave out stations farther than this.
        crs : str
            ``wgs84`` (default), ``gcj02`` or ``bd09``.
        travel : str
            How the person moves, for the navigation links: ``car`` (default), ``ride``
            or ``walk``; the links start from the point searched.

        Returns
        -------
        list of Result

        Raises
        ------
        stations.errors.InvalidInput
            Naming the parameter at fault.
        """
        now = china_time(now)
        qlon, qlat = check_point(lon, lat, crs)
        travel = check_travel(travel)
        positions, dist, bearings = self._query_one(
            qlon, qlat, k, now, max_distance_m,
            {"kind": kind, "services": services, "open_now": open_now, "status": status,
             "compliant_only": compliant_only},
        )
        return self.results(positions, dist, bearings, now, travel=travel, origin=(qlon, qlat))

    def query_positions(
        self, lon: float, lat: float, k: int = 5, *, now: datetime | None = None,
        max_distance_m: float | None = None, crs: str = "wgs84", **filters: Any,
    ) -> tuple[IntArray, FloatArray]:
        """The fast path of :meth:`query`: row positions and distances, no objects.

        Takes the parameters of :meth:`query`.

        Returns
        -------
        positions : numpy.ndarray
            Row positions in the indexed table, nearest first (at most ``k``).
        distances_m : numpy.ndarray
            Their geodesic distances in metres.
        """
        positions, dist, _ = self._query_one(*check_point(lon, lat, crs), k, now, max_distance_m,
                                             filters)
        return positions, dist

    def _query_one(self, qlon: float, qlat: float, k: int, now: datetime | None,
                   max_distance_m: float | None, filters: dict[str, Any]) -> Found:
        k = check_k(k)
        plan = self._plan(parse_filters(**filters)) if filters else self._default_plan
        max_d = check_max_distance(max_distance_m)
        share = plan.static_share
        table = None
        if filters.get("open_now"):
            table = self._open_now(now)
            share *= self._open_share(table.table)
        return search_one(self._c, plan, ecef_point(qlon, qlat), qlon, qlat, k, max_d, table,
                          share)

    def query_batch(
        self, lons: Any, lats: Any, k: int = 5, *, now: datetime | None = None,
        max_distance_m: float | None = None, crs: str = "wgs84", **filters: Any,
    ) -> tuple[IntArray, FloatArray]:
        """Nearest stations of many points at once (vectorised).

        Takes the parameters of :meth:`query`, with arrays of points.

        Returns
        -------
        positions : numpy.ndarray
            ``(n, k)`` row positions, nearest first; ``-1`` where fewer qualify.
        distances_m : numpy.ndarray
            ``(n, k)`` geodesic distances in metres; NaN where the position is -1.
        """
        k = check_k(k)
        fil = parse_filters(**filters)
        max_d = check_max_distance(max_distance_m)
        qlon, qlat = (np.atleast_1d(v).ravel() for v in check_points(lons, lats, crs))
        plan = self._plan(fil)
        table = self._open_now(now) if fil.open_now else None
        if plan.has_checks or table is not None:
            if qlon.size * _POINTS_PER_TREE < plan.positions.size:
                return self._each(plan, qlon, qlat, k, max_d, table)
            # a throw-away tree of the qualifying stations pays off over a large batch
            plan = unchecked_plan(plan.positions[passes(self._c, plan, plan.positions, table)],
                                  self._c["xyz"])
        return search_many(self._c, plan, qlon, qlat, k, max_d)

    def _each(self, plan: Plan, qlon: FloatArray, qlat: FloatArray, k: int,
              max_d: float | None, table: OpenNow | None) -> tuple[IntArray, FloatArray]:
        """A small batch, one point at a time."""
        share = plan.static_share * (self._open_share(table.table) if table is not None else 1.0)
        out_pos = np.full((qlon.size, k), -1, dtype=np.int64)
        out_dist = np.full((qlon.size, k), np.nan)
        for i, (lon, lat) in enumerate(zip(qlon.tolist(), qlat.tolist(), strict=True)):
            pos, dist, _ = search_one(self._c, plan, ecef_point(lon, lat), lon, lat, k, max_d,
                                      table, share)
            out_pos[i, : pos.size], out_dist[i, : pos.size] = pos, dist
        return out_pos, out_dist

    def results(self, positions: IntArray, distances_m: FloatArray, bearings_deg: FloatArray,
                now: datetime | None = None, *, travel: str = "car",
                origin: tuple[float, float] | None = None) -> list[Result]:
        """:class:`Result` objects for rows found by a fast path; ``origin`` (WGS-84) is
        where the navigation links start, when the apps need one."""
        c = self._c
        positions = np.asarray(positions, dtype=np.int64)
        now = china_time(now)
        table = self._open_table(now)
        minute = minute_of_week(now)
        overlay = self.board.current
        start = "" if origin is None else baidu_origin(wgs84_to_bd09_point(*origin))
        out = []
        for record, code, dist, bearing, gcj, bd, side in zip(
            c["records"].take(positions, axis=0).tolist(),
            c["hours_code"].take(positions).tolist(),
            np.asarray(distances_m).tolist(),
            np.asarray(bearings_deg).tolist(),
            c["gcj02"].take(positions, axis=0).tolist(),
            c["bd09"].take(positions, axis=0).tolist(),
            c["carriageway"].take(positions).tolist(),
            strict=True,
        ):
            values = dict(zip(RECORD_FIELDS, record, strict=True))
            values["standing"] = values["standing"] or "never_inspected"
            values["services"] = tuple(values["services"] or ())
            open_now = None if code < 0 else bool(table[code])
            live = None
            if overlay:
                live = overlay.state_of(values["id"], now)
                if open_now is not None and overlay.closed(values["id"], now):
                    open_now = False
            links = format_links(values["name"], (values["lon"], values["lat"]), gcj, bd,
                                 travel=travel, origin=start)
            out.append(Result(**values, distance_m=round(dist, 1),
                              bearing_deg=round(bearing % 360.0, 1),
                              open_now=open_now, navigation=links,
                              hours=self._hours_at(code, minute), carriageway=side, live=live))
        return out

    def _hours_at(self, code: int, minute: int) -> HoursNow:
        """Open or closed, and the next change, for distinct hours ``code`` (-1: unknown)."""
        if code < 0:
            return UNKNOWN_HOURS
        key = (code, minute)
        found = self._hours_now.get(key)
        if found is None:
            found = hours_at_minute(self._c["hours"][code], minute)
            with self._lock:
                if len(self._hours_now) >= 65536:
                    self._hours_now.clear()
                self._hours_now[key] = found
        return found

    # the route search shares these with the nearest search

    def plan(self, fil: Filters) -> Plan:
        """The tree and leftover checks that answer ``fil`` (cached per value)."""
        return self._plan(fil)

    def qualifying(self, plan: Plan, positions: IntArray, now: datetime | None,
                   open_now: bool) -> BoolArray:
        """Which of ``positions`` pass ``plan``'s checks (and are open, if asked)."""
        table = self._open_now(now) if open_now else None
        return passes(self._c, plan, positions, table)

    def column(self, name: str) -> Any:
        """One column of the indexed table, by row position (read only)."""
        return self._c[name]

    # internals

    def _plan(self, fil: Filters) -> Plan:
        plan = self._plans.get(fil)
        if plan is None:
            plan = make_plan(self._c, self._trees, fil)
            with self._lock:
                self._plans[fil] = plan
        return plan

    def _open_table(self, now: datetime | None) -> BoolArray:
        """Open or not per distinct opening hours; the last slot (unknown) is False."""
        now = china_time(now)
        minute = minute_of_week(now)
        table = self._open_tables.get(minute)
        if table is None:
            hours = self._c["hours"]
            table = np.zeros(len(hours) + 1, dtype=bool)
            table[: len(hours)] = [h.is_open(now) for h in hours]
            with self._lock:
                if len(self._open_tables) >= 64:
                    self._open_tables.clear()
                self._open_tables[minute] = table
        return table

    def _open_now(self, now: datetime | None) -> OpenNow:
        """Open now by hours, less the stations a closure notice closes at ``now``."""
        now = china_time(now)
        return OpenNow(self._open_table(now), closed_rows(self.board.current, now, self.row_of, len(self)))

    def row_of(self, station_id: str) -> int | None:
        """The row position of a station in the indexed table (``None``: not indexed)."""
        if self._row_of is None:
            self._row_of = dict(zip(self._c["id"].tolist(), range(len(self)), strict=True))
        return self._row_of.get(station_id)

    def _open_share(self, table: BoolArray) -> float:
        counts = self._c["hours_count"]  # slot 0: unknown hours
        return float(counts[1:] @ table[:-1]) / max(int(counts.sum()), 1)


class LiveIndex:
    """The current :class:`NearestIndex`, replaced whole when the stations change.

    Queries read :attr:`current` and keep the index they got for as long as they
    need it; a rebuild makes a new index and swaps the reference (one assignment,
    atomic), so no query waits for a rebuild or sees half of one.
    """

    def __init__(self, index: NearestIndex) -> None:
        self._current = index
        self.board = index.board
        """The live status every index of this one shares."""
        self._lock = threading.Lock()
        self._generation = 0

    @classmethod
    def build(cls, frame: pd.DataFrame, board: LiveBoard | None = None) -> LiveIndex:
        """A live index starting from ``frame``, reading live status from ``board``."""
        return cls(NearestIndex.build(frame, board))

    @property
    def current(self) -> NearestIndex:
        """The index to query now."""
        return self._current

    def rebuild(self, frame: pd.DataFrame) -> NearestIndex:
        """Build an index of ``frame`` and make it current; returns it."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        index = NearestIndex.build(frame, self.board)
        with self._lock:
            if generation == self._generation:  # a later rebuild has not overtaken us
                self._current = index
        return index

    def rebuild_async(self, frame: pd.DataFrame) -> Future[NearestIndex]:
        """:meth:`rebuild` in a background thread; the future holds the new index."""
        future: Future[NearestIndex] = Future()

        def run() -> None:
            try:
                future.set_result(self.rebuild(frame))
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)

        threading.Thread(target=run, name="nearest-index-rebuild", daemon=True).start()
        return future
