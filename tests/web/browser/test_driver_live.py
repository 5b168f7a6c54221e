"""Live status in a real browser: the driver page shows a state in the list and the
details (one language at a time), a report from the phone's position, the host's page.

A server of its own (the demo stations): the reports and notices made here must not
change what the other browser tests see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from stations.accounts.users import add_user
from stations.config import Settings
from stations.io.demo import seed_demo
from stations.store.registry import Registry
from tests.support.browser import LAT, LON, PASSWORD, TILE_HOST, needs_chromium, new_visit, run_axe
from tests.support.live_server import serve_in_thread

pytestmark = needs_chromium
SHOTS = Path("/work/shots/issue-19")
ADMIN = "李管理"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("live-browser")
    db = f"sqlite:///{root / 'stations.db'}"
    registry = Registry.open(db)
    seed_demo(registry)
    add_user(registry, ADMIN, "admin", PASSWORD)
    registry.close()
    settings = Settings(db=db, seed_demo=False, secret_key="live-browser-secret-0123456789-abcdefghijk",
                        evidence_dir=str(root / "evidence"), poll_seconds=0.2,
                        tile_url=f"https://{{s}}.{TILE_HOST}/{{z}}/{{x}}/{{y}}.png")
    with serve_in_thread(settings) as base:
        yield base


def first_station(server: str) -> dict[str, Any]:
    return httpx.get(f"{server}/api/nearest", params={
        "lon": LON, "lat": LAT, "k": 1, "kind": "outdoor_worker_station"}).json()["results"][0]


def report_from(server: str, station: dict[str, Any], state: str, address: str) -> httpx.Response:
    """A report from another phone (the server believes X-Forwarded-For from 127.0.0.1)."""
    return httpx.post(f"{server}/api/stations/{station['id']}/reports",
                      json={"state": state, "lon": station["lon"], "lat": station["lat"]},
                      headers={"X-Forwarded-For": address, "X-Device-Id": "phone-" + address.replace(".", "-")})


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def test_a_report_from_the_phone_makes_a_second_one_agree_and_shows(browser: Any,
                                                                    live_server: str) -> None:
    station = first_station(live_server)
    first_report = report_from(live_server, station, "closed", "10.9.9.1")
    assert first_report.status_code == 201, first_report.text
    assert first_report.json()["live"] is None
    visit = new_visit(browser, live_server, "phone", position=(station["lon"], station["lat"]))
    try:
        page = visit.open("/")
        first = page.locator("#results .station-btn").first
        expect(first).to_have_attribute("data-id", station["id"])
        expect(first.locator(".badge.live")).to_have_count(0)  # one report alone: nothing
        first.click()
        expect(page.locator("#details")).to_be_visible()
        page.click("#details button[data-report=closed]")
        expect(page.locator("#details .report-note")).to_have_text(
            "已收到，谢谢！现已显示给其他司机。")
        badge = page.locator("#details .badge.live")
        expect(badge).to_have_text("有人报告关闭 · 1 分钟前 2 人报告")
        expect(page.locator("#details")).not_to_contain_text("null")
        assert run_axe(page) == []
        shoot(page, "phone-details-reported-closed.png")
        page.go_back()
        expect(page.locator("#results .station-btn").first.locator(".badge.live")).to_have_text(
            "有人报告关闭 · 1 分钟前 2 人报告")
        shoot(page, "phone-list-live.png")
        assert run_axe(page) == []
        page.click("[data-lang-toggle]")  # one language at a time
        expect(page.locator("#results .station-btn").first.locator(".badge.live")).to_have_text(
            "Reported closed · 2 reports, 1 min ago")
        shoot(page, "phone-list-live-en.png")
        assert local_device_id(page)
    finally:
        visit.context.close()
    visit.check()


def local_device_id(page: Any) -> str:
    device: str = page.evaluate("localStorage.getItem('stations.device_id')")
    assert re.fullmatch(r"[0-9a-f-]{32,36}", device)
    return device


def test_a_report_from_too_far_is_refused_in_words(browser: Any, live_server: str) -> None:
    station = first_station(live_server)
    away = (station["lon"] + 0.02, station["lat"])  # ~1.8 km east
    visit = new_visit(browser, live_server, "phone", position=away)
    try:
        page = visit.open("/")
        page.locator(f"#results .station-btn[data-id='{station['id']}']").click()
        page.click("#details button[data-report=open]")
        expect(page.locator("#details .report-note")).to_have_text(
            re.compile(r"^您距站点 1\.\d 公里，须在 500 米内报告。$"))
    finally:
        visit.context.close()
    visit.check()


def test_a_notice_from_the_host_page_shows_on_the_driver_page(browser: Any,
                                                             live_server: str) -> None:
    home = httpx.get(f"{live_server}/api/nearest", params={
        "lon": LON, "lat": LAT, "k": 1, "kind": "driver_home"}).json()["results"][0]
    staff = new_visit(browser, live_server, "desktop")
    try:
        page = staff.open("/host")
        page.fill("#username", ADMIN)
        page.fill("#password", PASSWORD)
        page.click("#login button[type=submit]")
        page.fill("#find-input", home["id"])
        page.click("#find button[type=submit]")
        page.locator(f"#candidates button[data-id='{home['id']}']").click()
        expect(page.locator("#live-now")).to_have_text("司机现在看不到任何实时状态。")
        page.select_option("#kind", "full")
        page.fill("#reason", "节假日车多，请前往下一服务区")
        page.click("#notice button[type=submit]")
        expect(page.locator("#notice-message")).to_have_text("通告已发布。")
        expect(page.locator("#live-now")).to_contain_text("司机现在看到：已满 · 站方通告 · 至 ")
        expect(page.locator("#notices li")).to_have_count(1)
        assert run_axe(page) == []
        shoot(page, "desktop-host-notice.png")
    finally:
        staff.context.close()
    staff.check()
    driver = new_visit(browser, live_server, "desktop", mode="driver",
                       position=(home["lon"], home["lat"]))
    try:
        page = driver.open("/")
        first = page.locator("#results .station-btn").first
        expect(first).to_have_attribute("data-id", home["id"])
        expect(first.locator(".badge.live")).to_have_text(re.compile(r"^已满 · 站方通告 · 至 \d\d:\d\d$"))
        first.click()
        expect(page.locator("#details .live-reason")).to_have_text("节假日车多，请前往下一服务区")
        expect(page.locator("#details button[data-report=full]")).to_be_visible()
        assert run_axe(page) == []
        shoot(page, "desktop-details-notice-full.png")
        page.go_back()
        shoot(page, "desktop-list-live.png")
    finally:
        driver.context.close()
    driver.check()
