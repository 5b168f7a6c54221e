"""Fixtures of the inspection API tests: the app on a seeded database, one user per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.store.registry import Registry
from tests.support.compliance import (
    TEST_SECRET,
    add_role_users,
    seed,
)
from tests.support.live_server import serve_in_thread
from web.app import create_app


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture
def make_client(db: str, evidence_dir: Path) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        config = {
            "db": db,
            "seed_demo": False,
            "secret_key": "x" * 64,
            "evidence_dir": str(evidence_dir),
        } | settings
        client = TestClient(create_app(Settings(**config)), raise_server_exceptions=False)
        opened.append(client)
        return client.__enter__()

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(secret_key=TEST_SECRET)


@pytest.fixture
def sqlite_db(tmp_path: Path, write_csv: Callable[..., Path]) -> str:
    """A seeded SQLite file (the embedded database, as most deployments run it)."""
    url = f"sqlite:///{tmp_path / 'live' / 'stations.db'}"
    registry = Registry.open(url)
    seed(registry, write_csv)
    add_role_users(registry)
    registry.close()
    return url


@pytest.fixture
def live_server(sqlite_db: str, evidence_dir: Path) -> Iterator[str]:
    """The app under a real uvicorn server on the real SQLite file."""
    db = sqlite_db
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET, evidence_dir=str(evidence_dir))
    with serve_in_thread(settings) as base:
        yield base
