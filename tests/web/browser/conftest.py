"""Fixtures of the browser tests: the app under uvicorn and one Chromium for the session.

The app runs on a fresh SQLite file with the demo stations (82 in Zhengzhou, 140 Anhui
driver-home sites), a station whose name is markup, and an inspector.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest

from stations.accounts.users import add_user
from stations.config import Settings
from stations.io.demo import seed_demo
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.browser import (
    ADMIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEVICES,
    INSPECTOR,
    PASSWORD,
    PLANNER,
    TILE_HOST,
    XSS_ADDRESS,
    XSS_NAME,
    Visit,
    new_visit,
)
from tests.support.ledgers import LEDGER_HEADER
from tests.support.live_server import serve_in_thread

sync_api = pytest.importorskip("playwright.sync_api")
sync_api.expect.set_options(timeout=15_000)


# --- the app and the browser -------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{root / 'stations.db'}"
    registry = Registry.open(db)
    seed_demo(registry)
    ledger = root / "odd.csv"
    with ledger.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LEDGER_HEADER)
        # 30 km south-east of the others: found only when asked for
        writer.writerow(["XSS1", XSS_NAME, "outdoor_worker_station", "113.90", "34.55",
                         XSS_ADDRESS, "drinking_water", "24/7", "", "active", ""])
    import_ledger(registry, ledger)
    add_user(registry, INSPECTOR, "inspector", PASSWORD)
    add_user(registry, PLANNER, "planner", PASSWORD)
    add_user(registry, ADMIN, "admin", PASSWORD)
    registry.close()
    settings = Settings(
        db=db, seed_demo=False, secret_key="browser-test-secret-0123456789-abcdefghijklmnop",
        evidence_dir=str(root / "evidence"), poll_seconds=0.2,
        tile_url=f"https://{{s}}.{TILE_HOST}/{{z}}/{{x}}/{{y}}.png",
    )
    with serve_in_thread(settings) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _visiting(browser: Any, server: str, device: str, **options: Any) -> Iterator[Visit]:
    v = new_visit(browser, server, device, **options)
    yield v
    v.context.close()
    v.check()


@pytest.fixture
def visit(browser: Any, server: str, device: str) -> Iterator[Visit]:
    yield from _visiting(browser, server, device)


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Visit]:
    yield from _visiting(browser, server, "phone")


@pytest.fixture
def worker_phone(browser: Any, server: str) -> Iterator[Visit]:
    """A phone whose requests go through the page's service worker (not intercepted)."""
    yield from _visiting(browser, server, "phone", intercept=False)


