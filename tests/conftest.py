"""Shared fixtures: a fresh registry on a real database file per test."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stations.store.registry import Registry
from tests.support.databases import BACKENDS, postgis_schema_url
from tests.support.ledgers import LEDGER_HEADER


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, and a PostGIS schema when
    ``STATIONS_TEST_PG`` names a PostgreSQL database with the postgis extension."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stations.db'}"
        return
    yield from postgis_schema_url()


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    reg = Registry.open(db_url)
    yield reg
    reg.close()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows under a header to a CSV file in the given encoding."""

    def write(rows: list[list[str]], *, header: list[str] | None = None, name: str = "ledger.csv",
              encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header or LEDGER_HEADER)
            writer.writerows(rows)
        return path

    return write
