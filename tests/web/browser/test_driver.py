"""The driver and rider page in a real browser: who is asking, the list, details, phone basics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    LAT,
    LON,
    Visit,
    listed_ids,
    metres,
    nearest,
    needs_chromium,
    new_visit,
    wait_first_listed,
)

pytestmark = needs_chromium
PAGE_BUDGET_BYTES = 300_000


def test_rider_sees_worker_stations_within_reach(visit: Visit, server: str, device: str) -> None:
    page = visit.open("/")
    buttons = page.locator("#results .station-btn")
    expect(buttons).to_have_count(10)
    expected = nearest(server)
    assert listed_ids(page) == [r["id"] for r in expected]
    assert all(i.startswith("ZZ") for i in listed_ids(page))
    distances = [metres(t) for t in page.locator("#results .distance").all_inner_texts()]
    assert distances == sorted(distances) and distances[-1] <= 3000
    assert distances[0] == pytest.approx(expected[0]["distance_m"], abs=1)
    status = page.locator("#status")
    expect(status).to_have_text("3 公里内找到 10 个驿站，按距离排列")  # the reach, in words
    assert status.get_attribute("role") == "status"
    expect(page.locator("button[data-mode=rider]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button[data-mode=rider]")).to_contain_text("3 公里内")
    expect(page.locator("button[data-kind=outdoor_worker_station]")).to_have_attribute(
        "aria-pressed", "true")
    first = buttons.first
    expect(first.locator(".icons [role=img]").first).to_have_attribute("aria-label", re.compile(r"\S"))
    # the map drew the stations though every tile was refused
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive")).to_have_count(11)
    assert visit.tile_requests
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        heights = page.locator("main button:visible, main a.btn:visible").evaluate_all(
            "bs => bs.map(b => b.getBoundingClientRect().height)")
        assert min(heights) >= 44


def test_who_is_asking_is_chosen_once_and_remembered(browser: Any, server: str) -> None:
    visit = new_visit(browser, server, "phone", mode=None)
    try:
        page = visit.open("/")
        expect(page.locator("#mode-ask")).to_be_visible()
        expect(page.locator("#mode-ask")).to_contain_text("3 公里")
        expect(page.locator("#mode-ask")).to_contain_text("50 公里")
        expect(page.locator("#status")).to_have_text("请先选择：骑手还是货车司机")
        expect(page.locator("#results .station-btn")).to_have_count(0)
        page.click("button[data-mode=driver]")
        # Zhengzhou has no driver home within 50 km: said, and the nearest named apart
        expect(page.locator("#status")).to_have_text(re.compile(
            r"^50 公里内没有司机之家。最近的一个在 \d+ 公里外：.+司机之家$"))
        expect(page.locator("#beyond-list .station-btn")).to_have_count(1)
        page.reload()
        expect(page.locator("#mode-ask")).to_be_hidden()
        expect(page.locator("button[data-mode=driver]")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("button[data-kind=driver_home]")).to_have_attribute("aria-pressed", "true")
        page.click("button[data-kind=outdoor_worker_station]")  # the other kind: one tap
        wait_first_listed(page, "ZZ")
        assert listed_ids(page) == [r["id"] for r in nearest(server, reach_m=50_000, travel="car")]
        expect(page.locator("#status")).to_have_text(re.compile("^50 公里内找到 10 个驿站"))
    finally:
        visit.context.close()
    visit.check()


def test_kind_switch_shows_driver_homes(visit: Visit, server: str) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.click("button[data-kind=driver_home]")
    expect(page.locator("button[data-kind=driver_home]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#results .station-btn")).to_have_count(0)
    expect(page.locator("#beyond-list .station-btn")).to_have_count(1)
    beyond = nearest(server, kind="driver_home", reach_m=None, k=1)[0]
    assert listed_ids(page, "beyond-list") == [beyond["id"]]
    page.click("button[data-kind='']")  # 全部
    wait_first_listed(page, "ZZ")
    assert listed_ids(page) == [r["id"] for r in nearest(server, kind=None)]


def test_tapping_a_station_shows_details_and_back_returns_to_the_list(
    visit: Visit, server: str, device: str
) -> None:
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
    names = {"amap": "高德地图导航", "baidu": "百度地图导航", "apple": "Apple 地图导航",
             "geo": "系统地图导航"}
    for app, name in names.items():
        link = details.get_by_role("link", name=name)
        expect(link).to_have_attribute("href", chosen["navigation"][app])
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in str(link.get_attribute("rel"))
        assert link.bounding_box()["height"] >= 44
    # the phone's back button returns to the list and stays on the site
    page.go_back()
    expect(page.locator("#results")).to_be_visible()
    expect(details).to_be_hidden()
    assert page.url.startswith(visit.origin + "/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    # and so does the page's own back button
    button.click()
    expect(details).to_be_visible()
    page.get_by_role("button", name="返回列表").click()
    expect(page.locator("#results")).to_be_visible()
    assert page.url.startswith(visit.origin + "/")


def test_language_switch_changes_labels_and_is_remembered(visit: Visit) -> None:
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    expect(page.locator("h1")).to_have_text("附近的驿站和司机之家")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "放大")
    page.click("[data-lang-toggle]")
    expect(page.locator("h1")).to_have_text("Rest stations near me")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button[data-service=toilet]")).to_have_text(re.compile("Toilet"))
    expect(page.locator("#status")).to_have_text("10 worker stations within 3 km, nearest first")
    expect(page.locator("#results .distance").first).to_have_text(re.compile(r"\d (m|km)$"))
    expect(page.locator("[data-lang-toggle]")).to_have_text("中文")
    # Leaflet's controls speak the page's language
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("aria-label", "Zoom out")
    page.reload()
    expect(page.locator("h1")).to_have_text("Rest stations near me")
    expect(page.locator("#status")).to_have_text("10 worker stations within 3 km, nearest first")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
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
        expect(page.locator("#beyond-list .station-btn")).to_have_count(1)  # no 驿站 there
        page.fill("#where-input", f"{LON}，{LAT}")
        page.click("#where button[type=submit]")
        wait_first_listed(page, "ZZ")
        expect(page.locator("#results .station-btn")).to_have_count(10)
        assert listed_ids(page) == [r["id"] for r in nearest(server)]
        # latitude first: searched the right way round, and told so
        page.locator("#map").tap()  # somewhere else first
        expect(page.locator("#status")).to_have_text(re.compile("^3 公里内"))
        page.fill("#where-input", f"{LAT},{LON}")
        page.click("#where button[type=submit]")
        expect(page.locator("#status")).to_have_text(re.compile(
            rf"^看起来先写了纬度：已按经度 {LON}、纬度 {LAT} 查找 3 公里内找到 10 个驿站"))
        assert listed_ids(page) == [r["id"] for r in nearest(server)]
    finally:
        visit.context.close()
    visit.check()


@pytest.mark.parametrize("width", [320, 390])
def test_phone_list_above_the_fold_and_no_sideways_scrolling(browser: Any, server: str,
                                                             width: int) -> None:
    visit = new_visit(browser, server, "phone", viewport={"width": width, "height": 844 if width == 390 else 568})
    try:
        page = visit.open("/")
        expect(page.locator("#results .station-btn")).to_have_count(10)
        height = page.viewport_size["height"]

        def fully_visible() -> int:
            bottoms = page.locator("#results li").evaluate_all(
                "lis => lis.map(li => li.getBoundingClientRect().bottom)")
            return sum(1 for b in bottoms if b <= height)

        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 390:
            assert fully_visible() >= 2  # with the map showing
        page.click("#map-toggle")  # the map folds away, and stays folded
        expect(page.locator("#map")).to_be_hidden()
        expect(page.locator("#map-toggle")).to_have_attribute("aria-expanded", "false")
        assert fully_visible() >= (3 if width == 390 else 1)
        page.reload()
        expect(page.locator("#results .station-btn")).to_have_count(10)
        expect(page.locator("#map")).to_be_hidden()
        page.locator("#results .station-btn").nth(1).click()
        expect(page.locator("#details")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click("#map-toggle")
        expect(page.locator("#map")).to_be_visible()
        zoom = page.locator(".leaflet-control-zoom-in").bounding_box()
        assert zoom["width"] >= 44 and zoom["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= width
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
    # what the page needs to show the list (the stations kept for offline use come after)
    own = [r for r in finished if r.url.startswith(phone.origin)
           and "/api/offline/" not in r.url and not r.url.endswith("/sw.js")]
    sizes = {r.url.removeprefix(phone.origin): r.sizes() for r in own}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    record_property("driver_page_bytes", total)
    print(f"\ndriver page, transferred before tiles: {total} bytes "
          f"({len(own)} requests: {', '.join(sorted(sizes))})")
    assert "/static/vendor/leaflet/1.9.4/leaflet.js" in sizes
    assert total <= PAGE_BUDGET_BYTES
