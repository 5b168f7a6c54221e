"""The driver page without signal: it opens, answers from the stations kept on the phone
saying how old they are, and refreshes by itself when the connection is back."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from stations.core.hours import hours_at_minute, parse_hours
from tests.support.browser import (
    Visit,
    listed_ids,
    nearest,
    needs_chromium,
    reload_offline,
    wait_for_promise,
)

pytestmark = needs_chromium


def ready_for_offline(visit: Visit) -> Any:
    """Open the page online and wait until the shell and the stations around are kept."""
    page = visit.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    wait_for_promise(page, """async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        if (!reg || !reg.active || !navigator.serviceWorker.controller) return false;
        const shell = await caches.open("stations-shell-v1");
        const data = await caches.open("stations-data-v1");
        return Boolean(await shell.match("/") && await data.match("/offline-data/area"));
    }""")
    return page


def go_offline(visit: Visit) -> None:
    visit.context.set_offline(True)
    visit.page.wait_for_function("!navigator.onLine")
    # Chromium applies the emulation to the service worker a moment later; a navigation
    # sent before that fails as if there were no worker
    visit.page.wait_for_timeout(500)


def test_the_page_is_an_installable_app_scoped_to_the_site(worker_phone: Visit, server: str) -> None:
    page = ready_for_offline(worker_phone)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.scope)")
    assert scope == worker_phone.origin + "/"
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = httpx.get(server + str(href)).json()
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert httpx.get(server + icon["src"]).headers["content-type"] == "image/png"


def test_offline_reload_and_search_answer_from_the_phone(worker_phone: Visit, server: str) -> None:
    page = ready_for_offline(worker_phone)
    online = listed_ids(page)
    go_offline(worker_phone)
    reload_offline(page)  # the browser's error page would have no #status
    status = page.locator("#status")
    expect(status).to_have_text(re.compile(
        r"^离线：用 \d+ 分钟前保存的数据。3 公里内找到 10 个驿站，按距离排列$"))
    assert set(listed_ids(page)) == set(online)  # great-circle estimates may swap near-ties
    assert listed_ids(page)[0] == online[0]
    # a search with other filters is answered from the stations kept, by the same rules
    page.click("button[data-service=hot_water]")
    page.click("button[data-open-now]")
    expect(status).to_have_text(re.compile(r"^离线：用 \d+ 分钟前保存的数据。"))
    expected = nearest(server, service="hot_water", open_now="true")
    if expected:
        expect(page.locator("#results .station-btn")).to_have_count(len(expected))
        assert set(listed_ids(page)) == {r["id"] for r in expected}
    else:
        expect(page.locator("#results .station-btn")).to_have_count(0)
    # switching to driver homes: nothing of that kind within 3 km, said plainly
    page.click("button[data-open-now]")
    page.click("button[data-kind=driver_home]")
    expect(status).to_have_text(re.compile(
        r"^离线：用 \d+ 分钟前保存的数据。保存的 15 公里范围内没有符合条件的司机之家$"))
    expect(page.locator("#results .station-btn")).to_have_count(0)
    # back online: the page refreshes by itself
    worker_phone.context.set_offline(False)
    expect(status).to_have_text(re.compile(r"^3 公里内没有符合条件的司机之家（热水）。最近的一个在 \d+ 公里外"))
    expect(page.locator("#beyond-list .station-btn")).to_have_count(1)
    page.click("button[data-kind=outdoor_worker_station]")
    page.click("button[data-service=hot_water]")
    expect(status).to_have_text("3 公里内找到 10 个驿站，按距离排列")
    assert listed_ids(page) == online


def test_offline_without_anything_kept_says_so_and_lists_nothing(worker_phone: Visit) -> None:
    page = ready_for_offline(worker_phone)
    assert page.evaluate("caches.delete('stations-data-v1')")
    worker_phone.context.set_offline(True)
    page.click("button[data-service=shower]")
    expect(page.locator("#status")).to_have_text(re.compile("^离线，这台设备上没有保存这附近的站点"))
    expect(page.locator("#results .station-btn")).to_have_count(0)
    worker_phone.context.set_offline(False)  # no station of this kind has a shower: said so, online
    expect(page.locator("#status")).to_have_text("没有符合条件的驿站，请减少筛选条件")


@pytest.mark.parametrize("text", ["08:00-18:30", "Mo-Fr 09:00-17:00", "22:00-06:00",
                                  "Tu,Th 09:00-24:00", "08:30-12:00,13:00-17:30",
                                  "Su 20:00-24:00; Mo 00:00-02:00", "24/7"])
def test_offline_hours_match_the_servers(worker_phone: Visit, text: str) -> None:
    page = worker_phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    hours = parse_hours(text)
    assert hours is not None
    week = [list(span) for span in hours.week_spans()]
    minutes = list(range(0, 7 * 1440, 97))  # every day, at many times of day
    in_browser = page.evaluate("([week, minutes]) => minutes.map((m) => Offline.hoursAt(week, m))",
                               [week, minutes])
    on_server = [hours_at_minute(hours, m).to_dict() for m in minutes]
    assert in_browser == on_server
