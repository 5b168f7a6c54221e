"""The live overlay: a small map of station id → live records, beside the search index.

The index of 200,000 stations takes seconds to rebuild; a report must not cost that.
So live status is not in the index: a :class:`LiveBoard` holds an immutable
:class:`LiveOverlay` (the notices and reports in effect, by station) and swaps in a new
one when the database's ``live_revision`` moves (polled every few seconds by a thread of
its own, and reloaded at once after a write through this instance). Every index built by
a :class:`stations.search.index.LiveIndex` reads the same board, so results, the
``open_now`` filter and the ``/api/live`` feed see a report within one poll, on every
instance, with no rebuild. States are computed at the moment of the query, so notices
end and reports decay without any reload.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from stations.core.clock import utcnow
from stations.core.live import LiveState, Notice, Report, closed_by_notice, live_state
from stations.store.live import load_live, read_live_revision
from stations.store.registry import Registry

log = logging.getLogger(__name__)
RELOAD_S = 300.0  # reload now and then anyway, to let go of records no longer counting


@dataclass(frozen=True)
class LiveOverlay:
    """Notices and reports in effect when loaded, by station (immutable)."""

    revision: int = -1
    notices: dict[str, tuple[Notice, ...]] = field(default_factory=dict)
    reports: dict[str, tuple[Report, ...]] = field(default_factory=dict)
    loaded: float = 0.0  # time.monotonic() of the load
    latest: datetime | None = None
    """When the newest record was written (the same on every instance)."""

    @classmethod
    def of(cls, revision: int, notices: list[Notice], reports: list[Report]) -> LiveOverlay:
        by_notice: dict[str, list[Notice]] = defaultdict(list)
        by_report: dict[str, list[Report]] = defaultdict(list)
        for n in notices:
            by_notice[n.station_id].append(n)
        for r in reports:
            by_report[r.station_id].append(r)
        written = [n.created_at for n in notices if n.created_at] + [r.at for r in reports]
        return cls(revision, {k: tuple(v) for k, v in by_notice.items()},
                   {k: tuple(v) for k, v in by_report.items()}, time.monotonic(),
                   max(written, default=None))

    def __bool__(self) -> bool:
        return bool(self.notices or self.reports)

    def state_of(self, station_id: str, now: datetime) -> LiveState | None:
        """The station's live state at ``now`` (aware), or ``None``."""
        notices = self.notices.get(station_id, ())
        reports = self.reports.get(station_id, ())
        if not notices and not reports:
            return None
        return live_state(notices, reports, now)

    def closed(self, station_id: str, now: datetime) -> bool:
        """Whether a closure notice is in effect for the station at ``now``."""
        return closed_by_notice(self.notices.get(station_id, ()), now)

    def closed_ids(self, now: datetime) -> tuple[str, ...]:
        """Stations a closure notice closes at ``now``, sorted."""
        return tuple(sorted(sid for sid, ns in self.notices.items() if closed_by_notice(ns, now)))

    def states(self, now: datetime) -> dict[str, LiveState]:
        """Every station with a live state at ``now``, by id (sorted)."""
        out = {}
        for sid in sorted(set(self.notices) | set(self.reports)):
            found = self.state_of(sid, now)
            if found is not None:
                out[sid] = found
        return out


EMPTY = LiveOverlay()


def closed_rows(overlay: LiveOverlay, now: datetime, row_of: Callable[[str], int | None],
                n: int) -> npt.NDArray[np.bool_] | None:
    """Flags by row position of an index of ``n`` stations: closed by a notice at ``now``
    (``None``: no indexed station is). A few closures: 200,000 flags cost ~20 µs."""
    rows = [r for r in map(row_of, overlay.closed_ids(now) if overlay else ()) if r is not None]
    if not rows:
        return None
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


class LiveBoard:
    """The current :class:`LiveOverlay` of a registry, kept in step with ``live_revision``."""

    def __init__(self, registry: Registry | None = None, *, poll_seconds: float = 2.0) -> None:
        self.registry = registry
        self.poll_seconds = poll_seconds
        self._current = EMPTY
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.memo: dict[Any, Any] = {}
        """Answers derived from one overlay (the feed), cleared when it changes."""
        self.reloads = 0
        self.last_reload_seconds = 0.0

    @property
    def current(self) -> LiveOverlay:
        return self._current

    def reload(self) -> LiveOverlay:
        """Read the records in effect now and make them current."""
        if self.registry is None:
            return self._current
        started = time.perf_counter()
        with self.registry.session() as s:
            revision, notices, reports = load_live(s, utcnow())
        overlay = LiveOverlay.of(revision, notices, reports)
        with self._lock:
            if overlay.revision >= self._current.revision:
                self._current = overlay
                self.memo = {}
        self.reloads += 1
        self.last_reload_seconds = time.perf_counter() - started
        return self._current

    def refresh(self) -> bool:
        """Reload when the live revision moved (or the overlay is old); returns whether."""
        if self.registry is None:
            return False
        with self.registry.session() as s:
            revision = read_live_revision(s)
        if revision == self._current.revision and (
                time.monotonic() - self._current.loaded < RELOAD_S):
            return False
        self.reload()
        return True

    def start(self) -> None:
        if self.registry is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="live-board", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - keep the last overlay
                log.warning("cannot refresh live status (will retry): %s", exc)
