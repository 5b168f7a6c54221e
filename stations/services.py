"""The composition root: everything a process needs, built once from settings.

The CLI and the web app both call :func:`build_services`; nothing below it reads the
environment or calls ``get_settings()``. So one process (or one app built with its own
:class:`~stations.config.Settings`) gives one answer everywhere: the inspection period,
checklists, evidence directory and token secret are decided here and handed down.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from stations.accounts.tokens import token_secret
from stations.compliance.checklists import Checklists, load_checklists
from stations.compliance.evidence import EvidenceStore
from stations.compliance.standing import station_table
from stations.config import Settings
from stations.coverage.region_layer import RegionLayer
from stations.coverage.service import CoverageService
from stations.errors import ConfigurationError, InvalidInput
from stations.network.service import NetworkService
from stations.search.keeper import IndexKeeper
from stations.store.engine import sqlite_file
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
    _token_secret: str | None = field(default=None, init=False, repr=False)

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

    def start_index(self) -> IndexKeeper:
        """Build the live search index and keep it current in the background."""
        if self.keeper is None:
            self.keeper = IndexKeeper(self.registry, load=self.station_table,
                                      poll_seconds=self.settings.poll_seconds)
            keeper = self.keeper
            self.coverage.snapshot = lambda: keeper.snapshot
            self.keeper.start()
            self.networks.start()  # road networks load in the background
        return self.keeper

    @functools.cached_property
    def station_features(self) -> StationFeatures:
        """Published stations as features (OGC API), counts remembered per revision."""
        return StationFeatures(self.registry)

    @functools.cached_property
    def region_layer(self) -> RegionLayer:
        """Regions with their stations and coverage as features (OGC API)."""
        return RegionLayer(self.coverage)

    def close(self) -> None:
        if self.keeper is not None:
            self.keeper.stop()
        self.registry.close()


def data_dir(settings: Settings, registry: Registry) -> Path:
    """The directory beside the SQLite file, or ``settings.home`` for other databases."""
    db_file = sqlite_file(registry.engine)
    return db_file.parent if db_file is not None else settings.home


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
    """
    try:
        checklists = load_checklists([settings.checklist_dir])
    except InvalidInput as exc:
        raise ConfigurationError(f"检查清单有误 / broken checklist: {exc.reason}") from None
    registry = Registry.open(settings.database_url())
    try:
        if settings.should_seed_demo() if seed_demo is None else seed_demo:
            from stations.io.demo import seed_demo as seed

            seed(registry)
        home = data_dir(settings, registry)
        evidence = EvidenceStore(Path(settings.evidence_dir) if settings.evidence_dir
                                 else home / "evidence")
        db_file = sqlite_file(registry.engine)
        secret_file = (db_file.with_name(db_file.name + ".secret") if db_file is not None
                       else home / "stations.secret")
    except BaseException:
        registry.close()
        raise
    return Services(settings=settings, registry=registry, checklists=checklists,
                    evidence=evidence, secret_file=secret_file)
