"""The composition root: everything a process needs, built once from settings.

The CLI and the web app both call :func:`build_services`; nothing below it reads the
environment or calls ``get_settings()``. So one process (or one app built with its own
:class:`~stations.config.Settings`) gives one answer everywhere: the inspection period,
checklists, evidence directory and token secret are decided here and handed down.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stations.accounts.throttle import Throttle
from stations.accounts.tokens import token_secret
from stations.compliance.checklists import Checklists, load_checklists
from stations.compliance.evidence import EvidenceStore
from stations.compliance.standing import station_table
from stations.config import Settings
from stations.coverage.region_layer import RegionLayer
from stations.coverage.service import CoverageService
from stations.errors import ConfigurationError, DatabaseUnavailable, InvalidInput
from stations.network.service import NetworkService
from stations.search.keeper import IndexKeeper
from stations.store.engine import sqlite_file, sqlite_file_of
from stations.store.features import StationFeatures
from stations.store.registry import Registry


@dataclass
class Services:
    """What a process works with. Build with :func:`build_services`; ``close()`` when done."""

    settings: Settings
    registry: Registry
    checklists: Checklists
    evidence: EvidenceStore
    secret_file: Path
    """Where a generated token secret is kept when none is configured."""
    keeper: IndexKeeper | None = None
    """The live search index, kept current (web app only; the CLI builds one per query)."""
    coverage: CoverageService = field(init=False)
    networks: NetworkService = field(init=False)
    """Road networks: reach along roads for coverage and nearest results."""
    index_error: BaseException | None = field(default=None, init=False, repr=False)
    """Why the last attempt to build the search index failed (``None``: it did not)."""
    _token_secret: str | None = field(default=None, init=False, repr=False)
    _index_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _index_ready: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _index_thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        keeper = self.keeper
        self.coverage = CoverageService(
            self.registry, load=self.station_table,
            snapshot=(lambda: keeper.snapshot) if keeper is not None else None,
        )
        self.networks = NetworkService(self.registry.engine, self.registry.revision)
        self.coverage.networks = self.networks

    @property
    def period_days(self) -> int:
        return self.settings.inspection_period_days

    def station_table(self) -> pd.DataFrame:
        """Every station with its standing, by the configured inspection period."""
        return station_table(self.registry, period_days=self.period_days)

    @property
    def token_secret(self) -> str:
        """The secret that signs bearer tokens (generated and kept on first use if unset)."""
        if self._token_secret is None:
            self._token_secret = token_secret(self.settings.secret_key, self.secret_file)
        return self._token_secret

    def begin_index(self) -> None:
        """Start building the live search index in the background (once).

        The web app calls this on start, so the process answers ``/healthz`` at once and
        ``/readyz`` says "index not built yet" until the index is ready.
        """
        with self._index_lock:
            if self.keeper is not None or self._index_thread is not None or self._closed:
                return
            self._index_ready.clear()
            self._index_thread = threading.Thread(target=self._build_index, name="index-build",
                                                  daemon=True)
            self._index_thread.start()

    def _build_index(self) -> None:
        try:
            keeper = IndexKeeper(self.registry, load=self.station_table,
                                 poll_seconds=self.settings.poll_seconds)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the index
            with self._index_lock:
                self.index_error = exc
                self._index_thread = None  # the next request tries again
            self._index_ready.set()
            return
        with self._index_lock:
            if self._closed:
                return
            self.coverage.snapshot = lambda: keeper.snapshot
            keeper.start()
            self.networks.start()  # road networks load in the background
            # notices or reports written while the index was built found no keeper to
            # tell (live_changed takes this lock too, so none is missed)
            with contextlib.suppress(Exception):  # the board's own thread retries
                keeper.board.refresh()
            self.keeper = keeper
            self.index_error = None
            self._index_thread = None
        self._index_ready.set()

    @property
    def index_ready(self) -> bool:
        return self.keeper is not None

    def start_index(self) -> IndexKeeper:
        """The live search index, kept current in the background (built now, or waited
        for when a build is under way).

        Raises
        ------
        Exception
            Whatever stopped the index from being built (the database being unreachable).
        """
        keeper = self.keeper
        if keeper is not None:
            return keeper
        self.begin_index()
        self._index_ready.wait()
        with self._index_lock:
            if self.keeper is not None:
                return self.keeper
            error = self.index_error
        if error is not None:
            raise error
        raise DatabaseUnavailable("搜索索引未建立 / the search index is not built")

    def live_changed(self) -> None:
        """After a notice or report through this instance: show it here at once (other
        instances see ``live_revision`` move within a poll)."""
        with self._index_lock:  # see _build_index: no write goes unseen
            keeper = self.keeper
        if keeper is not None:
            keeper.board.reload()

    @functools.cached_property
    def throttle(self) -> Throttle:
        """The sign-in throttle (its counts live in the database, shared by instances)."""
        return Throttle(self.registry)

    @functools.cached_property
    def station_features(self) -> StationFeatures:
        """Published stations as features (OGC API), counts remembered per revision."""
        return StationFeatures(self.registry)

    @functools.cached_property
    def region_layer(self) -> RegionLayer:
        """Regions with their stations and coverage as features (OGC API)."""
        return RegionLayer(self.coverage)

    def close(self) -> None:
        with self._index_lock:
            self._closed = True
            thread = self._index_thread
        if thread is not None:
            thread.join(timeout=60)
        if self.keeper is not None:
            self.keeper.stop()
        self.registry.close()


def data_dir(settings: Settings, url: str | None = None) -> Path:
    """The directory beside the SQLite file, or ``settings.home`` for other databases."""
    db_file = sqlite_file_of(url or settings.database_url())
    return db_file.parent if db_file is not None else settings.home


def evidence_dir(settings: Settings, url: str | None = None) -> Path:
    """Where inspection photos of the database at ``url`` (default: the configured one) live."""
    if settings.evidence_dir:
        return Path(settings.evidence_dir)
    return data_dir(settings, url) / "evidence"


def build_services(settings: Settings, *, seed_demo: bool | None = None) -> Services:
    """Open the registry (creating or migrating it) and everything built on it.

    Parameters
    ----------
    settings : Settings
    seed_demo : bool, optional
        Fill an empty registry with the demo data (default: ``settings.should_seed_demo()``).

    Raises
    ------
    stations.errors.ConfigurationError
        For a broken checklist file in ``settings.checklist_dir``.
    stations.errors.DatabaseUnavailable
        When the database cannot be reached.
    stations.errors.SchemaTooNew, stations.errors.SchemaOutdated
        For a database written by a newer program, or an older one while
        ``settings.should_auto_upgrade()`` is false (see :mod:`stations.store.schema`).
    """
    try:
        checklists = load_checklists([settings.checklist_dir])
    except InvalidInput as exc:
        raise ConfigurationError(f"检查清单有误 / broken checklist: {exc.reason}") from None
    url = settings.database_url()
    registry = Registry.open(url, upgrade=settings.should_auto_upgrade())
    try:
        if settings.should_seed_demo() if seed_demo is None else seed_demo:
            from stations.io.demo import seed_demo as seed

            seed(registry)
        evidence = EvidenceStore(evidence_dir(settings, url))
        db_file = sqlite_file(registry.engine)
        secret_file = (db_file.with_name(db_file.name + ".secret") if db_file is not None
                       else data_dir(settings, url) / "stations.secret")
    except BaseException:
        registry.close()
        raise
    return Services(settings=settings, registry=registry, checklists=checklists,
                    evidence=evidence, secret_file=secret_file)
