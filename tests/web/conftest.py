"""Fixtures of the web tests: the app on a seeded database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.compliance import add_role_users, seed
from tests.support.ledgers import GOOD_ROWS
from web.app import create_app


@pytest.fixture
def client(db_url: str, write_csv: Callable[..., Path]) -> Iterator[TestClient]:
    reg = Registry.open(db_url)
    import_ledger(reg, write_csv(GOOD_ROWS))
    reg.close()
    with TestClient(create_app(Settings(db=db_url, seed_demo=False))) as c:
        yield c


@pytest.fixture
def db(
    registry: Registry,
    write_csv: Callable[..., Path],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A seeded database with one user per role, on each test backend."""
    seed(registry, write_csv)
    add_role_users(registry)
    monkeypatch.setenv("STATIONS_HOME", str(tmp_path / "home"))  # generated secrets go here
    return db_url
