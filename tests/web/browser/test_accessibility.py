"""Accessibility (axe-core, run in the page) and API docs that need no internet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import Visit, needs_chromium, new_visit, run_axe

pytestmark = needs_chromium


@pytest.fixture
def desktop(browser: Any, server: str) -> Iterator[Visit]:
    v = new_visit(browser, server, "desktop")
    yield v
    v.context.close()
    v.check()


def settle(page: Any, path: str) -> None:
    if path == "/":
        expect(page.locator("#results .station-btn")).to_have_count(10)
    elif path.startswith("/planner"):
        expect(page.locator("#coverage-table tbody tr").first).to_be_visible()
    elif path == "/inspect":
        expect(page.locator("#login")).to_be_visible()
    else:
        expect(page.locator(".leaflet-container")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/planner?region=410100", "/inspect",
                                  "/maps/coverage?region=410100"])
def test_no_serious_accessibility_violation(visit: Visit, path: str) -> None:
    page = visit.open(path)
    settle(page, path)
    assert run_axe(page) == []


def test_no_serious_violation_in_the_driver_flows(visit: Visit) -> None:
    page = visit.open("/")
    settle(page, "/")
    page.locator("#results .station-btn").first.click()
    expect(page.locator("#details")).to_be_visible()
    assert run_axe(page) == []
    page.go_back()
    page.click("button[data-mode=driver]")
    expect(page.locator("#beyond-list .station-btn")).to_have_count(1)
    page.click("[data-lang-toggle]")
    assert run_axe(page) == []


def test_docs_work_without_internet(desktop: Visit) -> None:
    page = desktop.open("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("stations")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    assert desktop.external == []  # Swagger UI came from the app itself
