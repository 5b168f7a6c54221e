"""Shared pieces of the live-status tests: the app on the seeded database, clients at
different addresses, a host account, points near the seeded stations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from stations.accounts.users import User
from stations.config import Settings
from tests.support.compliance import TEST_SECRET
from web.app import create_app
from web.deps import current_user

# stations of GOOD_ROWS (WGS-84): ZZ2 and AH1 are open 24/7, AH1 has 40 truck spaces
ZZ2 = (113.6401, 34.7236)
AH1 = (118.0210, 31.5830)
NEAR_ZZ2 = (113.6421, 34.7236)  # ~183 m east
FAR_ZZ2 = (113.6501, 34.7236)  # ~916 m east


def live_app(db: str, tmp_path: Path, **settings: Any) -> FastAPI:
    return create_app(Settings(db=db, seed_demo=False, secret_key=TEST_SECRET,
                               evidence_dir=str(tmp_path / "evidence"), **settings))


def from_address(app: FastAPI, host: str) -> TestClient:
    """A client of an app already started by another (no lifespan of its own)."""
    return TestClient(app, client=(host, 40000), raise_server_exceptions=False)


def act_as(app: FastAPI, user: User | None) -> None:
    """Requests to ``app`` come from ``user`` (``None``: from the bearer token again)."""
    if user is None:
        app.dependency_overrides.pop(current_user, None)
    else:
        app.dependency_overrides[current_user] = lambda: user


def host_of(*stations: str) -> User:
    return User(id=900, name="福山服务区", role="host", stations=frozenset(stations))


def report(client: TestClient, station: str, state: str, device: str,
           at: tuple[float, float] = NEAR_ZZ2, **extra: Any) -> Any:
    return client.post(f"/api/stations/{station}/reports",
                       json={"state": state, "lon": at[0], "lat": at[1], **extra},
                       headers={"X-Device-Id": device})
