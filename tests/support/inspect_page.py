"""Steps on the inspector page (/inspect) that its browser tests share."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from tests.support.browser import INSPECTOR, PASSWORD, Visit, wait_for_promise

SHELL_CACHE = "stations-inspect-shell-v1"


def sign_in(page: Any, name: str = INSPECTOR) -> None:
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#user-card")).to_be_visible()


def token(server: str, name: str = INSPECTOR) -> str:
    response = httpx.post(f"{server}/api/token", data={"username": name, "password": PASSWORD})
    return str(response.json()["access_token"])


def inspections_of(server: str, station_id: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server}/api/stations/{station_id}/inspections",
                         headers={"Authorization": f"Bearer {token(server)}"})
    found: list[dict[str, Any]] = response.json()["inspections"]
    return found


def pick_by_name(page: Any, name: str) -> str:
    page.fill("#search-input", name)
    page.click("#search button[type=submit]")
    first = page.locator("#candidates button").first
    expect(first).to_be_visible()
    station_id = str(first.get_attribute("data-id"))
    first.click()
    expect(page.locator("#checklist-card")).to_be_visible()
    return station_id


def answer_all(page: Any, *, failing: tuple[str, ...] = ()) -> dict[str, bool]:
    codes = page.locator("#criteria fieldset").evaluate_all("fs => fs.map(f => f.dataset.code)")
    for code in codes:
        value = "fail" if code in failing else "pass"
        page.check(f"fieldset[data-code={code}] input[value={value}]")
    return {code: code not in failing for code in codes}


def ready_for_offline(visit: Visit) -> Any:
    """Open /inspect online, sign in, and wait until its worker keeps the page and the
    page keeps the station list and a checklist for each kind of station in it."""
    page = visit.open("/inspect")
    sign_in(page)
    expect(page.locator("#queue li").first).to_be_visible()
    wait_for_promise(page, """async (name) => {
        const reg = await navigator.serviceWorker.getRegistration("/inspect");
        if (!reg || !reg.active || !navigator.serviceWorker.controller) return false;
        const shell = await caches.open(name);
        if (!(await shell.match("/inspect") && await shell.match("/static/pages/inspect.js"))) return false;
        const list = JSON.parse(localStorage.getItem("stations.inspect.list") || "null");
        return Boolean(list) && list.items.every((s) => !s.kind
            || localStorage.getItem("stations.inspect.checklist.kind." + s.kind));
    }""", SHELL_CACHE)
    return page


def go_offline(visit: Visit) -> None:
    visit.context.set_offline(True)
    visit.page.wait_for_function("!navigator.onLine")
    visit.page.wait_for_timeout(500)  # Chromium applies it to the worker a moment later
