"""The pages in a real browser (Chromium through Playwright), on a phone and a desktop.

The app runs under uvicorn on a fresh SQLite file with the demo stations (82 in Zhengzhou,
140 Anhui driver-home sites), a station whose name is markup, and an inspector. The browser
may reach only the app: every other request is refused and recorded; only map tiles may
be asked for, and the pages must work without them.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from geodata.crs import wgs84_to_gcj02
from stations.accounts.users import add_user
from stations.config import Settings
from stations.io.demo import seed_demo
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.compliance import png_bytes
from tests.support.ledgers import LEDGER_HEADER
from tests.support.live_server import serve_in_thread

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
if os.environ.get("CI") and not CHROMIUM.exists():  # CI must not quietly skip the pages
    raise RuntimeError("CI needs Debian's Chromium: run the tests through scripts/test.sh")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium (scripts/test.sh installs it)")
expect = sync_api.expect
expect.set_options(timeout=15_000)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LON, LAT = 113.6253, 34.7466  # Zhengzhou, among the demo stations
TILE_HOST = "tiles.example.test"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ADDRESS = "<b>郑州市</b>"
INSPECTOR, PASSWORD = "王芳", "a-long-password-1"
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
PAGE_BUDGET_BYTES = 300_000


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


def new_visit(browser: Any, server: str, device: str, *, geolocation: bool = True) -> Visit:
    options: dict[str, Any] = dict(DEVICES[device], locale="zh-CN")
    if geolocation:
        options |= {"permissions": ["geolocation"],
                    "geolocation": {"latitude": LAT, "longitude": LON}}
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    visit = Visit(context, page, server)

    def route(r: Any) -> None:
        if r.request.url.startswith(server + "/"):
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

    context.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("response", on_response)
    return visit


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def visit(browser: Any, server: str, device: str) -> Iterator[Visit]:
    v = new_visit(browser, server, device)
    yield v
    v.context.close()
    v.check()


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[Visit]:
    v = new_visit(browser, server, "phone")
    yield v
    v.context.close()
    v.check()


# --- helpers -----------------------------------------------------------------------------


def nearest(server: str, **params: Any) -> list[dict[str, Any]]:
    query = {"lon": LON, "lat": LAT, "k": 10} | params
    results: list[dict[str, Any]] = httpx.get(f"{server}/api/nearest", params=query).json()[
        "results"]
    return results


def listed_ids(page: Any) -> list[str]:
    ids: list[str] = page.locator("#results .station-btn").evaluate_all(
        "buttons => buttons.map(b => b.dataset.id)")
    return ids


def wait_first_listed(page: Any, prefix: str) -> None:
    page.wait_for_function(
        "prefix => { const b = document.querySelector('#results .station-btn');"
        " return b && b.dataset.id.startsWith(prefix); }", arg=prefix)


def metres(text: str) -> float:
    number = float(re.search(r"[\d.]+", text).group())  # type: ignore[union-attr]
    return number * 1000 if ("公里" in text or "km" in text) else number


def sign_in(page: Any) -> None:
    page.fill("#username", INSPECTOR)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#user-card")).to_be_visible()


def token(server: str) -> str:
    response = httpx.post(f"{server}/api/token",
                          data={"username": INSPECTOR, "password": PASSWORD})
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


# --- drivers and riders -------------------------------------------------------------------


def test_driver_page_lists_the_nearest_stations(visit: Visit, server: str, device: str) -> None:
    page = visit.open("/")
    buttons = page.locator("#results .station-btn")
    expect(buttons).to_have_count(10)
    expected = nearest(server)
    assert listed_ids(page) == [r["id"] for r in expected]
    assert all(i.startswith("ZZ") for i in listed_ids(page))
    distances = [metres(t) for t in page.locator("#results .distance").all_inner_texts()]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(expected[0]["distance_m"], abs=1)
    status = page.locator("#status")
    expect(status).to_have_text(re.compile("找到 10 个站点"))
    assert status.get_attribute("aria-live") == "polite"
    first = buttons.first
    expect(first.locator(".icons [role=img]").first).to_have_attribute("aria-label", re.compile(
        r"\S"))
    # the map drew the stations though every tile was refused
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive")).to_have_count(11)
    assert visit.tile_requests
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        heights = page.locator("main button:visible").evaluate_all(
            "bs => bs.map(b => b.getBoundingClientRect().height)")
        assert min(heights) >= 44


def test_filter_chips_change_the_list(visit: Visit, server: str) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    toilet = page.locator("button[data-service=toilet]")
    toilet.click()
    expect(toilet).to_have_attribute("aria-pressed", "true")
    # none of the Zhengzhou stations lists a toilet; the Anhui driver homes all do
    wait_first_listed(page, "AH")
    assert listed_ids(page) == [r["id"] for r in nearest(server, service="toilet")]
    page.click("button[data-kind=outdoor_worker_station]")
    expect(page.locator("#status")).to_have_text(re.compile("附近没有符合条件的站点"))
    expect(page.locator("#results .station-btn")).to_have_count(0)
    toilet.click()
    wait_first_listed(page, "ZZ")
    assert listed_ids(page) == [r["id"] for r in nearest(server, kind="outdoor_worker_station")]


def test_kind_switch_shows_driver_homes(visit: Visit, server: str) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.click("button[data-kind=driver_home]")
    wait_first_listed(page, "AH")
    expect(page.locator("button[data-kind=driver_home]")).to_have_attribute("aria-pressed", "true")
    assert listed_ids(page) == [r["id"] for r in nearest(server, kind="driver_home")]
    assert all(i.startswith("AH") for i in listed_ids(page))


def test_tapping_a_station_shows_details_and_navigation(visit: Visit, server: str,
                                                         device: str) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    chosen = nearest(server)[2]
    button = page.locator(f"#results .station-btn[data-id={chosen['id']}]")
    if device == "phone":
        button.tap()
    else:
        button.click()
    details = page.locator("#details")
    expect(details).to_be_visible()
    expect(page.locator("#results")).to_be_hidden()
    expect(details.locator("h2")).to_have_text(chosen["name"])
    links = {
        "amap": details.get_by_role("link", name="高德地图导航"),
        "baidu": details.get_by_role("link", name="百度地图导航"),
        "geo": details.get_by_role("link", name="系统地图导航"),
    }
    for app, link in links.items():
        expect(link).to_have_attribute("href", chosen["navigation"][app])
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in str(link.get_attribute("rel"))
        assert link.bounding_box()["height"] >= 44
    assert chosen["navigation"]["amap"].startswith("https://uri.amap.com/")
    assert chosen["navigation"]["baidu"].startswith("https://api.map.baidu.com/")
    page.get_by_role("button", name="返回列表").click()
    expect(page.locator("#results")).to_be_visible()


def test_language_switch_changes_labels_and_is_remembered(visit: Visit) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    expect(page.locator("h1")).to_have_text("附近的驿站和司机之家")
    page.click("[data-lang-toggle]")
    expect(page.locator("h1")).to_have_text("Rest stations near me")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button[data-service=toilet]")).to_have_text(re.compile("Toilet"))
    expect(page.locator("#status")).to_have_text("10 stations, nearest first")
    expect(page.locator("#results .distance").first).to_have_text(re.compile(r"\d (m|km)$"))
    expect(page.locator("[data-lang-toggle]")).to_have_text("中文")
    page.reload()
    expect(page.locator("h1")).to_have_text("Rest stations near me")
    expect(page.locator("#status")).to_have_text("10 stations, nearest first")
    page.click("[data-lang-toggle]")
    expect(page.locator("h1")).to_have_text("附近的驿站和司机之家")


def test_without_geolocation_a_typed_position_or_a_tap_finds_stations(
    browser: Any, server: str
) -> None:
    visit = new_visit(browser, server, "phone", geolocation=False)
    try:
        page = visit.open("/")
        expect(page.locator("#status")).to_have_text(re.compile("无法获取位置"))
        expect(page.locator("#status")).to_have_class(re.compile("error"))
        page.locator("#map").tap()  # the map opens on Zhengzhou
        wait_first_listed(page, "ZZ")
        page.fill("#where-input", "巢湖市")
        page.click("#where button[type=submit]")
        wait_first_listed(page, "AH")
        page.fill("#where-input", f"{LON}，{LAT}")
        page.click("#where button[type=submit]")
        wait_first_listed(page, "ZZ")
        expect(page.locator("#results .station-btn")).to_have_count(10)
        assert listed_ids(page) == [r["id"] for r in nearest(server)]
    finally:
        visit.context.close()
    visit.check()


def test_driver_page_weight_stays_small(phone: Visit, record_property: Callable[..., None]
                                        ) -> None:
    finished: list[Any] = []
    phone.page.on("requestfinished", lambda request: finished.append(request))
    page = phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.wait_for_load_state("networkidle")
    own = [r for r in finished if r.url.startswith(phone.origin)]
    sizes = {r.url.removeprefix(phone.origin): r.sizes() for r in own}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    record_property("driver_page_bytes", total)
    print(f"\ndriver page, transferred before tiles: {total} bytes "
          f"({len(own)} requests: {', '.join(sorted(sizes))})")
    assert "/static/vendor/leaflet/1.9.4/leaflet.js" in sizes
    assert total <= PAGE_BUDGET_BYTES


# --- safety ------------------------------------------------------------------------------


def test_markup_in_a_station_name_is_shown_as_text(visit: Visit, browser: Any) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.fill("#where-input", XSS_NAME)
    page.click("#where button[type=submit]")
    wait_first_listed(page, "XSS1")
    odd = page.locator("#results .station-btn[data-id=XSS1]")
    expect(odd.locator(".name")).to_have_text(f"1. {XSS_NAME}")
    odd.click()
    expect(page.locator("#details h2")).to_have_text(XSS_NAME)
    expect(page.locator("#details dd").first).to_have_text(XSS_ADDRESS)
    assert page.locator("#results img, #results b, #details img, #details b").count() == 0
    inspect = visit.open("/inspect")
    inspect.fill("#search-input", "<img")
    inspect.click("#search button[type=submit]")
    expect(inspect.locator("#candidates .name")).to_have_text(XSS_NAME)
    assert inspect.locator("#candidates img, #candidates b").count() == 0
    assert visit.dialogs == []


@pytest.mark.parametrize(
    ("lon", "lat"),
    [pytest.param(LON, LAT, id="zhengzhou"), pytest.param(117.9, 31.2, id="anhui"),
     pytest.param(87.6, 43.8, id="urumqi"), pytest.param(2.35, 48.85, id="outside-china")],
)
def test_gcj02_display_matches_geodata(phone: Visit, lon: float, lat: float) -> None:
    page = phone.open("/planner")
    shown = page.evaluate("([lon, lat]) => Pages.wgs84ToGcj02(lon, lat)", [lon, lat])
    assert shown == pytest.approx(list(wgs84_to_gcj02(lon, lat)), abs=1e-9)


# --- planners ----------------------------------------------------------------------------


def column(page: Any, name: str) -> list[str]:
    index = page.locator("#coverage-table thead th").evaluate_all(
        "ths => ths.map(th => th.dataset.column)").index(name)
    texts: list[str] = page.locator(f"#coverage-table tbody tr td:nth-child({index + 1})"
                                    ).all_inner_texts()
    return texts


def test_planner_shows_the_map_and_a_sortable_downloadable_table(visit: Visit,
                                                                  server: str) -> None:
    answer = httpx.get(f"{server}/api/coverage", params={"region": "410100"}).json()
    page = visit.open("/planner?region=410100")
    rows = page.locator("#coverage-table tbody tr")
    expect(rows).to_have_count(len(answer["regions"]))
    expect(page.locator("#region-1")).to_have_value("410000")
    expect(page.locator("#region-2")).to_have_value("410100")
    frame = page.frame_locator("#coverage-map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator(".leaflet-overlay-pane canvas").first).to_be_attached()  # drawn
    expect(frame.locator(".leaflet-control-layers")).to_contain_text("覆盖率")

    stations_header = page.locator("th[data-column=stations]")
    stations_header.locator("button").click()
    expect(stations_header).to_have_attribute("aria-sort", "descending")
    counts = [int(v) for v in column(page, "stations")]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == max(r["stations"] for r in answer["regions"])
    stations_header.locator("button").click()
    expect(stations_header).to_have_attribute("aria-sort", "ascending")
    assert [int(v) for v in column(page, "stations")] == sorted(counts)

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == "coverage-410100.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(text.splitlines()))
    assert len(table) == len(answer["regions"]) + 1
    assert {r["name"] for r in table[:-1]} == {r["name"] for r in answer["regions"]}

    page.select_option("#region-1", "340000")  # 安徽省 → its cities
    anhui = httpx.get(f"{server}/api/coverage", params={"region": "340000"}).json()
    expect(rows).to_have_count(len(anhui["regions"]))
    expect(page.locator("#region-2")).to_be_enabled()
    assert "region=340000" in page.url
    expect(frame.locator(".leaflet-container")).to_be_visible()


# --- inspectors --------------------------------------------------------------------------


def test_an_inspection_is_logged_end_to_end(visit: Visit, server: str) -> None:
    page = visit.open("/inspect")
    sign_in(page)
    expect(page.locator("#queue li").first).to_be_visible()  # the overdue queue
    page.click("#near-me")
    first = page.locator("#candidates button").first
    expect(first).to_be_visible()
    station_id = str(first.get_attribute("data-id"))
    assert station_id == nearest(server)[0]["id"]
    first.click()
    expect(page.locator("#checklist-card")).to_be_visible()
    expect(page.locator("#criteria fieldset")).to_have_count(6)
    expect(page.locator("fieldset[data-code=facilities] .prefill")).to_have_text(
        re.compile("数据预判"))
    results = answer_all(page, failing=("management",))
    note = f"门口标识清楚 {uuid.uuid4().hex[:8]}"
    page.fill("#note-management", "没有值班表")
    page.fill("#notes", note)
    page.set_input_files("#photos", files=[
        {"name": "door.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(page.locator("#photo-list li")).to_have_count(1)
    expect(page.locator("#progress")).to_have_text("已填 6/6 项")
    page.click("#submit")
    message = page.locator("#submit-message")
    expect(message).to_have_text(re.compile("已提交.*不合格"))
    expect(message).to_have_class(re.compile("ok"))

    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 1
    assert stored[0]["results"] == results
    assert stored[0]["criterion_notes"] == {"management": "没有值班表"}
    assert len(stored[0]["evidence"]) == 1
    assert stored[0]["inspector"] == INSPECTOR
    assert page.evaluate(f"localStorage.getItem('stations.inspect.draft.{station_id}')") is None
    expect(page.locator("#drafts-card")).to_be_hidden()


def test_a_draft_survives_reload_lost_connection_and_refusal(phone: Visit, server: str) -> None:
    page = phone.open("/inspect")
    sign_in(page)
    station_id = pick_by_name(page, "银行")
    page.check("fieldset[data-code=signage] input[value=pass]")
    page.fill("#note-signage", "招牌褪色")
    note = f"草稿 {uuid.uuid4().hex[:8]}"
    page.fill("#notes", note)
    page.set_input_files("#photos", files=[
        {"name": "sign.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(page.locator("#photo-list li")).to_have_count(1)

    page.reload()
    expect(page.locator("#checklist-card")).to_be_visible()
    expect(page.locator("#draft-note")).to_be_visible()
    expect(page.locator("#note-signage")).to_have_value("招牌褪色")
    expect(page.locator("#notes")).to_have_value(note)
    expect(page.locator("fieldset[data-code=signage] input[value=pass]")).to_be_checked()
    expect(page.locator("#photo-list li")).to_have_count(1)  # kept in IndexedDB

    results = answer_all(page)
    phone.context.set_offline(True)
    page.click("#submit")
    expect(page.locator("#submit-message")).to_have_text(re.compile("网络中断"))
    phone.context.set_offline(False)
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('stations.inspect.draft.{station_id}'))")
    assert draft["notes"] == note and draft["results"] == results

    page.route("**/api/inspections", lambda r: r.fulfill(
        status=503, json={"detail": {"message": "维护中"}}))
    page.click("#submit")
    expect(page.locator("#submit-message")).to_have_text(re.compile("提交失败：维护中"))
    page.unroute("**/api/inspections")
    phone.server_errors.clear()  # the 503 above was ours
    assert page.evaluate(
        f"localStorage.getItem('stations.inspect.draft.{station_id}')") is not None

    def stored_but_answer_lost(route: Any) -> None:
        route.fetch()  # the server stores the inspection ...
        route.abort()  # ... and the answer never arrives

    page.route("**/api/inspections", stored_but_answer_lost)
    page.click("#submit")
    expect(page.locator("#submit-message")).to_have_text(re.compile("网络中断"))
    page.unroute("**/api/inspections")

    page.click("#submit")  # finds the stored one instead of sending it twice
    expect(page.locator("#submit-message")).to_have_text(re.compile("已提交"))
    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 1
    assert stored[0]["criterion_notes"] == {"signage": "招牌褪色"}
    assert len(stored[0]["evidence"]) == 1
    page.reload()
    expect(page.locator("#checklist-card")).to_be_hidden()
    expect(page.locator("#drafts-card")).to_be_hidden()
