"""Pages in a real browser: the browser context a test uses, and what it checks.

A :class:`Visit` is one Chromium context on the app (phone or desktop) that may reach
only the app: every other request is refused and recorded (map tiles may be asked for,
and the pages must work without them); script errors, dialogs and 5xx answers are
recorded too, and :meth:`Visit.check` fails on any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.strict import STRICT
from tests.support.waiting import eventually

CHROMIUM = Path("/usr/bin/chromium")
if STRICT and not CHROMIUM.exists():  # the test command must not quietly skip these
    raise RuntimeError("CI needs Debian's Chromium: run the tests through scripts/test.sh")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian's Chromium (scripts/test.sh installs it)")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LON, LAT = 113.6253, 34.7466  # Zhengzhou, among the demo stations
TILE_HOST = "tiles.example.test"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ADDRESS = "<b>郑州市</b>"
INSPECTOR, PASSWORD = "王芳", "a-long-password-1"
PLANNER, ADMIN = "李规划", "张管理"  # same password
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
RIDER_REACH_M, DRIVER_REACH_M = 3_000, 50_000
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "4.14.1" / "axe.min.js"


@dataclass
class Visit:
    """One browser context on the app, and what it did that it should not have."""

    context: Any
    page: Any
    origin: str
    external: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    api_calls: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        self.page.goto(self.origin + path)
        return self.page

    @property
    def tile_requests(self) -> list[str]:
        return [url for url in self.external if is_tile(url)]

    def check(self) -> None:
        assert [url for url in self.external if not is_tile(url)] == []
        assert self.dialogs == []
        assert self.errors == []
        assert self.server_errors == []


def is_tile(url: str) -> bool:
    host = httpx.URL(url).host
    return host == TILE_HOST or host.endswith("." + TILE_HOST)


def new_visit(browser: Any, server: str, device: str, *, geolocation: bool = True,
              mode: str | None = "rider", position: tuple[float, float] = (LON, LAT),
              viewport: dict[str, int] | None = None, intercept: bool = True) -> Visit:
    """A fresh browser context; ``mode`` is the rider/driver choice already made (None:
    the page asks), ``position`` where the phone is.

    With ``intercept`` (the default) every request to another host is refused. Playwright's
    interception makes Chromium bypass service workers, so the offline tests turn it off
    and only record requests (this machine reaches no other host anyway).
    """
    options: dict[str, Any] = dict(DEVICES[device], locale="zh-CN", service_workers="allow")
    if viewport:
        options["viewport"] = viewport
    if geolocation:
        options |= {"permissions": ["geolocation"],
                    "geolocation": {"latitude": position[1], "longitude": position[0]}}
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    if mode:
        context.add_init_script(f"try {{ localStorage.getItem('stations.mode') || "
                                f"localStorage.setItem('stations.mode', '{mode}'); }} catch (_) {{}}")
    page = context.new_page()
    visit = Visit(context, page, server)

    def route(r: Any) -> None:
        if r.request.url.startswith(server + "/"):
            if "/api/nearest" in r.request.url:
                visit.api_calls.append(r.request.url)
            r.continue_()
        else:
            visit.external.append(r.request.url)
            r.abort()

    def on_dialog(dialog: Any) -> None:
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: Any) -> None:
        # failed loads are checked through the requests; anything else (a script error,
        # a blocked inline script or style) is a defect
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            visit.errors.append(message.text)

    def on_response(response: Any) -> None:
        if response.url.startswith(server) and response.status >= 500:
            visit.server_errors.append(f"{response.status} {response.url}")

    def record(request: Any) -> None:
        if not request.url.startswith(server + "/"):
            visit.external.append(request.url)
        elif "/api/nearest" in request.url:
            visit.api_calls.append(request.url)

    if intercept:
        context.route("**/*", route)
    else:
        context.on("request", record)
    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("response", on_response)
    return visit


# --- helpers -----------------------------------------------------------------------------


def nearest(server: str, **params: Any) -> list[dict[str, Any]]:
    """What the API answers; the rider's search by default (驿站 within 3 km)."""
    query = {"lon": LON, "lat": LAT, "k": 10, "kind": "outdoor_worker_station",
             "reach_m": RIDER_REACH_M, "travel": "ride"} | params
    query = {k: v for k, v in query.items() if v is not None}
    results: list[dict[str, Any]] = httpx.get(f"{server}/api/nearest", params=query).json()[
        "results"]
    return results


def listed_ids(page: Any, list_id: str = "results") -> list[str]:
    ids: list[str] = page.locator(f"#{list_id} .station-btn").evaluate_all(
        "buttons => buttons.map(b => b.dataset.id)")
    return ids


def wait_first_listed(page: Any, prefix: str) -> None:
    page.wait_for_function(
        "prefix => { const b = document.querySelector('#results .station-btn');"
        " return b && b.dataset.id.startsWith(prefix); }", arg=prefix)


def wait_for_promise(page: Any, script: str, arg: Any = None, *, timeout_s: float = 15.0) -> None:
    """Wait until the async function ``script`` resolves to a truthy value.

    ``page.wait_for_function`` does not await a promise, and a promise is truthy: with an
    async predicate it returns at once, whatever the promise would say (which made the
    service-worker tests pass or fail by timing). ``page.evaluate`` awaits it.
    """
    assert eventually(lambda: bool(page.evaluate(script, arg)), timeout_s=timeout_s, every_s=0.2), \
        f"still false after {timeout_s} s: {script}"


def metres(text: str) -> float:
    number = float(re.search(r"[\d.]+", text).group())  # type: ignore[union-attr]
    return number * 1000 if ("公里" in text or "km" in text) else number


def run_axe(page: Any, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations axe-core finds on the page."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP allows no inline script
    found: list[dict[str, Any]] = page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            const result = await axe.run(context, { iframes: false, resultTypes: ["violations"] });
            return result.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                             targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
        }""", list(exclude))
    return found


def reload_offline(page: Any, attempts: int = 10) -> None:
    """Reload a page that has just gone offline, from its service worker.

    Chromium applies the offline emulation to a service worker a moment after the page
    (seen: up to seconds on a busy machine); a navigation sent in between bypasses the
    worker and fails with ERR_INTERNET_DISCONNECTED, which no phone would ever see. Try
    again until the worker answers; a worker that never answers still fails the test.
    """
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            page.reload()
            return
        except Error as exc:
            if "ERR_INTERNET_DISCONNECTED" not in str(exc) or attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)
