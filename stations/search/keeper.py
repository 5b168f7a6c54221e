"""Keeps the in-memory search index in step with the registry.

Every instance of the app polls the registry's revision counter (one tiny query)
and rebuilds its index in the background when another instance, the CLI or this
instance changed the stations. Queries go on against the old index meanwhile.
If the database goes away, the last index keeps serving and the keeper retries.

The keeper also keeps the figures an operator watches (``/metrics``, ``/readyz``): the
registry revision it last saw, how long the index has been behind it, and how long
rebuilds take.

Live status (notices, reports) never moves the registry revision, so it never costs a
rebuild: the keeper's :class:`stations.search.live.LiveBoard` follows ``live_revision``
on a thread of its own and every index reads it at query time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pandas as pd

from stations.search.index import LiveIndex
from stations.search.live import LiveBoard
from stations.store.registry import Registry

log = logging.getLogger(__name__)


class IndexKeeper:
    """A :class:`LiveIndex` of the registry's stations, refreshed on change."""

    def __init__(self, registry: Registry, *, load: Callable[[], pd.DataFrame],
                 poll_seconds: float = 2.0) -> None:
        """``load`` reads the station table (with standings) the index is built from."""
        self.registry = registry
        self.load = load
        self.poll_seconds = poll_seconds
        started = time.monotonic()
        self.revision = registry.revision()
        """The registry revision the current index was built from."""
        self.board = LiveBoard(registry, poll_seconds=poll_seconds)
        """Live status (notices and reports in effect), shared by every index built here."""
        self.board.reload()
        frame = load()
        self.snapshot: tuple[int, pd.DataFrame] = (self.revision, frame)
        """The station table the current index was built from, and its revision."""
        self.live = LiveIndex.build(frame, self.board)
        self.registry_revision = self.revision
        """The registry's revision when the keeper last looked."""
        self.behind_since: float | None = None
        """``time.monotonic()`` when the keeper first saw the registry ahead of the index."""
        self.last_rebuild_seconds = time.monotonic() - started
        """How long the last build (reading the stations and indexing them) took."""
        self.rebuilds = 0
        """Rebuilds since start (the first build not counted)."""
        self.rebuild_seconds_total = 0.0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="index-keeper", daemon=True)
        self._thread.start()
        self.board.start()

    def stop(self) -> None:
        self.board.stop()
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def poke(self) -> None:
        """Check for changes now (after a write through this instance)."""
        self._wake.set()

    @property
    def stations(self) -> int:
        """Stations in the current index."""
        return len(self.snapshot[1])

    def lag_seconds(self, now: float | None = None) -> float:
        """How long the index has been behind the registry (0 when it is not)."""
        since = self.behind_since
        return 0.0 if since is None else max(0.0, (now or time.monotonic()) - since)

    def refresh(self) -> bool:
        """Rebuild when the registry's revision moved; returns whether it did."""
        revision = self.registry.revision()
        self.registry_revision = revision
        if revision == self.revision:
            self.behind_since = None
            return False
        if self.behind_since is None:
            self.behind_since = time.monotonic()
        started = time.monotonic()
        frame = self.load()
        self.live.rebuild(frame)
        self.snapshot = (revision, frame)
        self.revision = revision
        took = time.monotonic() - started
        self.last_rebuild_seconds = took
        self.rebuilds += 1
        self.rebuild_seconds_total += took
        if self.registry_revision == revision:
            self.behind_since = None
        log.info("search index rebuilt: %d stations, revision %d, %.2f s", len(frame), revision, took)
        return True

    def _run(self) -> None:
        pause = self.poll_seconds
        while not self._stop.is_set():
            self._wake.wait(pause)
            self._wake.clear()
            if self._stop.is_set():
                break
            started = time.monotonic()
            try:
                rebuilt = self.refresh()
            except Exception as exc:  # noqa: BLE001 - keep serving the last index
                log.warning("cannot refresh the search index (will retry): %s", exc)
                rebuilt = False
            # A national registry takes seconds to reread; when changes keep coming
            # (every inspection moves the revision), leave at least as long between
            # rebuilds as the last one took, so rebuilding never takes over a core.
            took = time.monotonic() - started if rebuilt else 0.0
            pause = max(self.poll_seconds, took)
