"""The planner's and the inspector's pages in a real browser."""

from __future__ import annotations

import csv
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.support.browser import INSPECTOR, PASSWORD, Visit, nearest, needs_chromium
from tests.support.compliance import png_bytes

pytestmark = needs_chromium


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
    assert download.suggested_filename.startswith("coverage-410100-郑州市-by-county-r")
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(text.splitlines()))
    assert len(table) == len(answer["regions"]) + 1
    assert {r["行政区"] for r in table[:-1]} == {r["name"] for r in answer["regions"]}  # zh headers

    page.select_option("#region-1", "340000")  # 安徽省 → its cities
    anhui = httpx.get(f"{server}/api/coverage", params={"region": "340000"}).json()
    expect(rows).to_have_count(len(anhui["regions"]))
    expect(page.locator("#region-2")).to_be_enabled()
    assert "region=340000" in page.url
    expect(frame.locator(".leaflet-container")).to_be_visible()


def test_an_inspection_is_logged_end_to_end(visit: Visit, server: str) -> None:
    page = visit.open("/inspect")
    sign_in(page)
    expect(page.locator("#queue li").first).to_be_visible()  # the overdue queue
    page.click("#near-me")
    first = page.locator("#candidates button").first
    expect(first).to_be_visible()
    station_id = str(first.get_attribute("data-id"))
    assert station_id == nearest(server, kind=None, reach_m=None, travel=None)[0]["id"]
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
