"""Settings: the one place that reads the environment (``STATIONS_*``).

A process builds one :class:`Settings` (``get_settings()`` caches the one read from the
environment), hands it to :func:`stations.services.build_services`, and nothing below
that reads the environment or calls ``get_settings()`` again.
"""

from __future__ import annotations

import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "stations"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STATIONS_", extra="ignore")

    db: str | None = None
    """Database URL or SQLite file path; none means the embedded SQLite file (with demo data)."""
    home: Path = Field(default_factory=_default_home)
    """Where the embedded database, generated secrets and evidence live by default
    (``STATIONS_HOME``; else ``$XDG_DATA_HOME/stations`` or ``~/.local/share/stations``)."""
    seed_demo: bool | None = None
    """Fill an empty registry with the bundled demo data; default: only the embedded file."""
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = "change-me-in-production"
    token_minutes: int = 60
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    tile_crs: str = "wgs84"
    """Coordinate system of the tiles: ``gcj02`` for Chinese tile services."""
    inspection_period_days: int = Field(default=365, ge=1)
    checklist_dir: str | None = None
    """Extra checklist JSON files (e.g. a province's own version), besides the bundled ones."""
    evidence_dir: str | None = None
    """Where inspection photos go; default: ``evidence/`` next to the SQLite file."""
    poll_seconds: float = 2.0
    """How often an instance checks the database for changes made by other instances."""
    auto_upgrade: bool | None = None
    """Migrate an older database on start (``STATIONS_AUTO_UPGRADE=1``, ``serve --upgrade``);
    default: only the embedded file. A newer database is always refused."""
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object a line, for log shippers."""
    access_log: bool = True
    """One log line per request (request id, route, status, duration)."""
    metrics: bool = True
    """Serve ``/metrics`` and count requests (``STATIONS_METRICS=0``: neither)."""
    metrics_allow: str = ""
    """Networks that may read ``/metrics``, comma-separated (``10.0.0.0/8,127.0.0.1``);
    empty: any (unless a token is set)."""
    metrics_token: str | None = None
    """A bearer token that may read ``/metrics`` (from anywhere)."""
    ready_max_lag_seconds: float = Field(default=60.0, gt=0)
    """``/readyz`` fails while the search index has been behind the registry this long."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose ``X-Forwarded-For``/``-Proto`` are believed (comma-separated; ``*``: any)."""
    shutdown_timeout_seconds: float = 30.0
    """On SIGTERM, how long in-flight requests may take before they are cut."""

    def should_seed_demo(self) -> bool:
        return self.seed_demo if self.seed_demo is not None else self.db is None

    @field_validator("metrics_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ip_network(part.strip(), strict=False)  # a ValueError names the bad one
        return value

    def should_auto_upgrade(self) -> bool:
        return self.auto_upgrade if self.auto_upgrade is not None else self.db is None

    def metrics_networks(self) -> list[IPv4Network | IPv6Network]:
        """``metrics_allow`` parsed (a bare address is a network of one)."""
        return [ip_network(part.strip(), strict=False)
                for part in self.metrics_allow.split(",") if part.strip()]

    def database_url(self) -> str:
        """The database to open: ``db``, or the embedded file ``HOME/stations.db``."""
        return self.db or f"sqlite:///{self.home / 'stations.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
