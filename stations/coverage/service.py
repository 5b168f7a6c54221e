"""Coverage answers cached per registry revision.

Stations change rarely and planners ask the same questions again (a page reload, a report
re-run), so answers are kept, keyed on :meth:`stations.store.registry.Registry.revision` and the
question. Any write to the registry (an import, a status change, an inspection) bumps the
revision, so the next question recomputes. Questions about compliant stations also key on
the date, because a passing inspection becomes overdue with time alone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from datetime import datetime
from typing import Any

import pandas as pd

from stations.core.clock import CHINA_TZ
from stations.coverage.analysis import CoverageResult, analyse
from stations.coverage.demand import Demand
from stations.coverage.geometry import Pieces
from stations.coverage.query import CoverageQuery
from stations.coverage.reach import NetworkReach
from stations.coverage.selection import national_pieces
from stations.errors import Overloaded
from stations.network.service import NetworkService
from stations.store.registry import Registry


class CoverageService:
    """Answers coverage questions about one registry, remembering recent answers.

    Parameters
    ----------
    registry : Registry
    load : callable
        Reads the station table with standings (see
        :func:`stations.compliance.standing.station_table`).
    maxsize : int
        Answers kept (least recently used dropped first).
    snapshot : callable, optional
        Returns ``(revision, stations table)`` already read elsewhere (the search
        index's), used instead of rereading the registry when the revision matches.
    max_queued : int
        Distinct analyses that may wait while another runs; more are refused
        (:class:`stations.errors.Overloaded`).
    """

    def __init__(
        self,
        registry: Registry,
        *,
        load: Callable[[], pd.DataFrame],
        maxsize: int = 32,
        snapshot: Callable[[], tuple[int, pd.DataFrame]] | None = None,
        max_queued: int = 4,
    ) -> None:
        self.registry = registry
        self.networks: NetworkService | None = None
        """Road networks for reach along roads (set by the composition root)."""
        self.load = load
        self.snapshot = snapshot
        self.maxsize = maxsize
        self._lock = threading.Lock()
        # Remembered computations (analyses, and the maps built from their shared
        # geometries) run one at a time: shared GEOS geometries are not safe to
        # work on from two threads (see stations.coverage.analysis._ANALYSIS_LOCK), and
        # concurrent requests for the same answer then compute it only once.
        self._compute_lock = threading.Lock()
        self._frame: tuple[int, pd.DataFrame] | None = None
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, Future[Any]] = {}
        self._pieces: dict[tuple[Hashable, ...], Pieces] = {}
        self._queued = 0
        self.max_queued = max_queued
        """Distinct computations allowed to wait for their turn before refusing."""
        self.retry_after_s = 5
        self.refused = 0
        """Questions refused because the queue was full (since start)."""
        self.hits = 0
        """Questions answered from the cache (since start)."""
        self.misses = 0
        """Questions computed."""

    def frame(self, revision: int | None = None) -> tuple[int, pd.DataFrame]:
        """The registry's stations and the revision they were read at."""
        revision = self.registry.revision() if revision is None else revision
        with self._lock:
            if self._frame is not None and self._frame[0] == revision:
                return self._frame
        if self.snapshot is not None:  # the search index's table, when it is this revision
            seen, table = self.snapshot()
            if seen == revision:
                with self._lock:
                    self._frame = (revision, table)
                return revision, table
        frame = self.load()
        with self._lock:
            self._frame = (revision, frame)
        return revision, frame

    def analyse(self, query: CoverageQuery, *, demand: Demand | None = None, gaps: bool = False,
                suggest: int = 0, reach: NetworkReach | None = None, gap_limit: int = 50
                ) -> CoverageResult:
        """:func:`stations.coverage.analysis.analyse` on the registry, cached.

        ``reach`` measures along the roads of :attr:`networks` (see
        :mod:`stations.coverage.reach`).
        """
        revision = self.registry.revision()
        self._drop_stale(revision)
        key = self.key(revision, query, demand, gaps, suggest)
        if reach is not None:
            key = (*key, reach)
        if gaps and gap_limit != 50:
            key = (*key, "gap_limit", gap_limit)

        def compute() -> CoverageResult:
            _, frame = self.frame(revision)
            pieces_key = self.pieces_key(revision, query)
            # the country's pieces serve every region once computed; the country (or the
            # country by county, as the OGC regions layer asks) computes them
            shared = None
            if reach is None and (query.level == "country" or pieces_key in self._pieces):
                def shared(chosen: pd.DataFrame | None) -> Pieces:
                    return self.national_pieces(pieces_key, frame, query, chosen)
            return analyse(frame, query, demand=demand, gaps=gaps, suggest=suggest,
                           revision=revision, reach=reach, networks=self.networks,
                           gap_limit=gap_limit, shared=shared)

        return self.remember(key, compute)  # type: ignore[no-any-return]

    def pieces_key(self, revision: int, query: CoverageQuery) -> tuple[Hashable, ...]:
        """What the country's covered shapes depend on: the stations counted and radii."""
        day = datetime.now(CHINA_TZ).date().isoformat() if query.compliant_only else None
        return (revision, tuple(sorted(query.radii_m.items())), query.statuses,
                query.compliant_only, day)

    def national_pieces(self, key: tuple[Hashable, ...], frame: pd.DataFrame,
                        query: CoverageQuery, chosen: pd.DataFrame | None = None) -> Pieces:
        """The country's covered shapes for ``key`` (computed once per revision)."""
        with self._lock:
            found = self._pieces.get(key)
        if found is not None:
            return found
        pieces = national_pieces(frame, query, chosen)
        with self._lock:
            for old in [k for k in self._pieces if k[0] != key[0]]:
                del self._pieces[old]
            self._pieces[key] = pieces
            while len(self._pieces) > 4:
                self._pieces.pop(next(iter(self._pieces)))
        return pieces

    def key(self, revision: int, query: CoverageQuery, demand: Demand | None, gaps: bool,
            suggest: int) -> tuple[Hashable, ...]:
        """The cache key of a question at a revision."""
        day = datetime.now(CHINA_TZ).date().isoformat() if query.compliant_only else None
        return (revision, query, demand.digest if demand is not None else None, gaps, suggest,
                day)

    def remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value cached under ``key``, computing and keeping it if missing.

        Single flight: while one request computes a key, others asking for the same key wait
        for that answer instead of computing it again. Computations of different keys run
        one at a time; when :attr:`max_queued` of them wait already, :class:`Overloaded`
        (503 with ``Retry-After``) is raised instead of piling up.
        """
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                self.hits += 1
                return self._answers[key]
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                if self._queued >= self.max_queued:
                    self.refused += 1
                    raise Overloaded(
                        f"覆盖分析排队已满（{self._queued} 个在等），请稍后再试 / too many coverage "
                        f"analyses queued ({self._queued}); try again shortly",
                        retry_after_s=self.retry_after_s)
                flight = self._flights[key] = Future()
                self._queued += 1
        if not leader:
            self.hits += 1
            return flight.result()
        try:
            with self._compute_lock:
                with self._lock:
                    self._queued -= 1
                value = compute()
        except BaseException as exc:
            with self._lock:
                del self._flights[key]
            flight.set_exception(exc)
            raise
        with self._lock:
            self.misses += 1
            self._answers[key] = value
            self._answers.move_to_end(key)
            while len(self._answers) > self.maxsize:
                self._answers.popitem(last=False)
            del self._flights[key]
        flight.set_result(value)
        return value

    def _drop_stale(self, revision: int) -> None:
        """Forget answers about older revisions: the stations have changed since."""
        with self._lock:
            for key in [k for k in self._answers if isinstance(k, tuple) and k[0] != revision]:
                del self._answers[key]

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._pieces.clear()
            self._frame = None
