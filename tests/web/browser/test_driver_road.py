"""The driver page on the road: far is said to be far, hours in words, links that navigate,
stations ahead first, and a list that never contradicts the filters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    DRIVER_REACH_M,
    LAT,
    LON,
    Visit,
    listed_ids,
    nearest,
    needs_chromium,
    new_visit,
    wait_first_listed,
)

pytestmark = needs_chromium
EAST_OF_HEFEI = (117.30, 31.96)  # on the 沪陕 expressway, west of 众兴 and 文集 service areas


def stub_position(visit: Visit, fixes: list[dict[str, Any]]) -> None:
    """The phone reports ``fixes`` in turn (lon, lat, heading, speed, age_s, after_ms)
    through watchPosition; the options the page asked with are kept in __watchOptions."""
    visit.context.add_init_script(f"""
        (() => {{
          const fixes = {json.dumps(fixes)};
          navigator.geolocation.watchPosition = (ok, _err, options) => {{
            window.__watchOptions = options;
            fixes.forEach((f) => setTimeout(() => ok({{
              timestamp: Date.now() - (f.age_s || 0) * 1000,
              coords: {{ longitude: f.lon, latitude: f.lat, accuracy: 10, altitude: null,
                         altitudeAccuracy: null, heading: f.heading ?? null, speed: f.speed ?? null }},
            }}), f.after_ms || 0));
            return 1;
          }};
          navigator.geolocation.clearWatch = () => {{}};
        }})();""")


@pytest.fixture
def truck(browser: Any, server: str) -> Iterator[Visit]:
    v = new_visit(browser, server, "phone", mode="driver", position=EAST_OF_HEFEI)
    yield v
    v.context.close()
    v.check()


def angle(a: float, b: float) -> float:
    return abs((a - b + 540) % 360 - 180)


def test_far_results_are_reported_as_far(phone: Visit, server: str) -> None:
    page = phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.click("button[data-kind='']")  # any kind
    page.click("button[data-service=toilet]")
    # in Zhengzhou only the Anhui driver homes have a toilet: nothing is listed as nearby
    status = page.locator("#status")
    beyond = nearest(server, kind=None, service="toilet", reach_m=None, k=1)[0]
    km = round(beyond["distance_m"] / 1000)
    expect(status).to_have_text(
        f"3 公里内没有符合条件的站点（卫生间）。最近的一个在 {km} 公里外：{beyond['name']}")
    assert status.get_attribute("role") == "status"
    expect(page.locator("#results .station-btn")).to_have_count(0)
    expect(page.locator("#beyond h2")).to_have_text("不在附近 · 最近的一个")
    assert listed_ids(page, "beyond-list") == [beyond["id"]]
    assert km > 200
    page.click("[data-lang-toggle]")
    expect(status).to_have_text(
        f"No stations within 3 km have what you asked for (Toilet). "
        f"The nearest is {km} km away: {beyond['name']}")


HOURS_CASES = [
    ({"state": "open", "closes_at": "18:30", "day_offset": 0, "weekday": 1, "minutes": 200},
     "营业中 · 18:30 打烊", "Open · closes 18:30"),
    ({"state": "open", "closes_at": "18:30", "day_offset": 0, "weekday": 1, "minutes": 25},
     "营业中 · 18:30 打烊 · 还剩 25 分钟", "Open · closes 18:30 · 25 min left"),
    ({"state": "open", "closes_at": "06:00", "day_offset": 1, "weekday": 2, "minutes": 400},
     "营业中 · 明天 06:00 打烊", "Open · closes tomorrow 06:00"),
    ({"state": "closed", "opens_at": "08:00", "day_offset": 1, "weekday": 2, "minutes": 600},
     "已打烊 · 明天 08:00 开门", "Closed · opens tomorrow 08:00"),
    ({"state": "closed", "opens_at": "13:00", "day_offset": 0, "weekday": 1, "minutes": 30},
     "休息中 · 13:00 开门", "Closed · opens 13:00"),
    ({"state": "closed", "opens_at": "09:00", "day_offset": 3, "weekday": 0, "minutes": 3000},
     "已打烊 · 周一 09:00 开门", "Closed · opens Mon 09:00"),
    ({"state": "always"}, "24 小时开放", "Open 24 hours"),
    ({"state": "unknown"}, "开放时间未知", "Hours unknown"),
]


def test_opening_hours_are_said_in_words(phone: Visit, server: str) -> None:
    page = phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    real = nearest(server)
    assert all(r["hours"]["state"] in {"open", "closed", "always", "unknown"} for r in real)

    def with_hours(route: Any) -> None:
        body = route.fetch().json()
        for result, (hours, _, _) in zip(body["results"], HOURS_CASES, strict=False):
            result["hours"] = {"opens_at": None, "closes_at": None, "day_offset": None,
                               "weekday": None, "minutes": None} | hours
        route.fulfill(json=body)

    page.route("**/api/nearest?*", with_hours)
    page.click("button[data-open-now]")
    page.click("button[data-open-now]")  # the same search again, answered by with_hours
    badges = page.locator("#results .hours")
    for i, (_, zh, _) in enumerate(HOURS_CASES):
        expect(badges.nth(i)).to_have_text(zh)
    page.click("[data-lang-toggle]")
    for i, (_, _, en) in enumerate(HOURS_CASES):
        expect(badges.nth(i)).to_have_text(en)
    page.unroute("**/api/nearest?*")
    # the details give the week in words, not "Mo-Fr 09:00-17:00"
    weekdays = next(r for r in real if r["opening_hours"] == "Mo-Fr 09:00-17:00")
    page.click(f"#results .station-btn[data-id={weekdays['id']}]")
    expect(page.locator("#details dd", has_text="09:00")).to_have_text("Mon–Fri 09:00–17:00")
    page.click("[data-lang-toggle]")
    expect(page.locator("#details dd", has_text="09:00")).to_have_text("周一至周五 09:00–17:00")


def test_navigation_is_one_tap_from_the_list_and_plans_a_route(phone: Visit, server: str) -> None:
    page = phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    first = nearest(server)[0]
    nav = page.locator("#results li").first.locator("a.nav-btn")
    expect(nav).to_have_attribute("href", first["navigation"]["amap"])
    expect(nav).to_have_accessible_name(f"导航到 {first['name']}（高德地图）")
    amap = parse_qs(urlsplit(first["navigation"]["amap"]).query)
    assert amap["mode"] == ["ride"] and amap["to"][0].endswith("," + first["name"])
    baidu = parse_qs(urlsplit(first["navigation"]["baidu"]).query)
    assert baidu["mode"] == ["riding"] and baidu["coord_type"] == ["bd09ll"]
    assert parse_qs(urlsplit(first["navigation"]["apple"]).query)["dirflg"] == ["w"]
    # the app chosen in the details becomes the list's one-tap app
    page.click("#results .station-btn >> nth=0")
    page.locator("#details a[data-app=baidu]").evaluate(
        "a => { a.addEventListener('click', (e) => e.preventDefault(), { once: true }); a.click(); }")
    page.go_back()
    expect(nav).to_have_attribute("href", first["navigation"]["baidu"])
    expect(nav).to_have_accessible_name(f"导航到 {first['name']}（百度地图）")


def test_moving_east_lists_stations_ahead_first_and_marks_my_carriageway(
    truck: Visit, server: str
) -> None:
    lon, lat = EAST_OF_HEFEI
    stub_position(truck, [{"lon": lon, "lat": lat, "heading": 90, "speed": 22}])
    page = truck.open("/")
    expect(page.locator("#status")).to_have_text(re.compile("^50 公里内找到 \\d+ 个司机之家，前方的排在前面"))
    found = nearest(server, lon=lon, lat=lat, k=20, kind="driver_home", reach_m=DRIVER_REACH_M,
                    travel="car")

    def side(r: dict[str, Any]) -> str | None:
        way = r.get("carriageway")
        if not way:
            return None
        return "unknown" if way["bearing_deg"] is None else (
            "yours" if angle(way["bearing_deg"], 90) < 90 else "other")

    def rank(r: dict[str, Any]) -> int:
        ahead = angle(r["bearing_deg"], 90) <= 90
        return (1 if side(r) == "other" else 0) if ahead else 2

    expected = sorted(found, key=lambda r: (rank(r), r["distance_m"]))
    assert listed_ids(page) == [r["id"] for r in expected]
    assert {rank(r) for r in expected} == {0, 1, 2}  # this place has all three
    items = page.locator("#results li")
    for i, r in enumerate(expected):
        item = items.nth(i)
        expect(item.locator(".ahead, .behind")).to_have_text("在前方" if rank(r) < 2 else "在身后")
        if side(r) == "yours":
            expect(item.locator(".side")).to_have_text(f"本侧 · 往{r['carriageway']['toward']}方向")
        elif side(r) == "other":
            expect(item.locator(".side")).to_have_text(f"对向车道 · 往{r['carriageway']['toward']}方向")
    # the two halves of one service area: the Shanghai-bound one is on my side
    names = {r["name"]: r["id"] for r in expected}
    mine = names["文集服务区(沪陕高速上海方向)司机之家"]
    other = names["文集服务区(沪陕高速西安方向)司机之家"]
    assert listed_ids(page).index(mine) < listed_ids(page).index(other)


def test_a_stale_position_is_not_used_while_moving(browser: Any, server: str) -> None:
    visit = new_visit(browser, server, "phone")
    stub_position(visit, [
        {"lon": 117.2, "lat": 31.8, "heading": 90, "speed": 15, "age_s": 60},  # a minute old
        {"lon": LON, "lat": LAT, "heading": 90, "speed": 15, "after_ms": 400},
    ])
    try:
        page = visit.open("/")
        wait_first_listed(page, "ZZ")
        assert page.evaluate("window.__watchOptions.maximumAge") <= 10_000
        assert visit.api_calls and all("lon=113." in url for url in visit.api_calls)
    finally:
        visit.context.close()
    visit.check()


def test_a_failed_search_never_leaves_a_list_that_contradicts_the_filters(phone: Visit) -> None:
    page = phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    page.route("**/api/nearest?*", lambda r: r.fulfill(
        status=503, json={"detail": {"message": "维护中 / maintenance"}}))
    page.click("button[data-service=shower]")
    expect(page.locator("#status")).to_have_text("出错了：维护中 / maintenance")
    expect(page.locator("#results .station-btn")).to_have_count(0)
    expect(page.locator("#beyond")).to_be_hidden()
    page.unroute("**/api/nearest?*")
    phone.server_errors.clear()  # the 503 was ours
    page.click("button[data-service=shower]")
    expect(page.locator("#results .station-btn")).to_have_count(10)
