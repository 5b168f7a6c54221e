"""The inspector's page in a real browser: logging, drafts, role, language, small screens."""

from __future__ import annotations

import math
import re
import uuid
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.support.browser import (
    ADMIN,
    INSPECTOR,
    LAT,
    LON,
    PLANNER,
    Visit,
    nearest,
    needs_chromium,
    new_visit,
    run_axe,
)
from tests.support.compliance import png_bytes
from tests.support.inspect_page import answer_all, inspections_of, pick_by_name, sign_in, token

pytestmark = needs_chromium
SHOTS = "/work/shots/issue-14"


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

    # the form clears and the page shows the inspection as stored
    stored_card = page.locator("#stored-card")
    expect(stored_card).to_be_visible()
    expect(page.locator("#checklist-card")).to_be_hidden()
    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 1
    expect(page.locator("#stored-heading")).to_have_text(f"检查记录 {stored[0]['id']}")
    expect(page.locator("#stored")).to_contain_text("不合格")
    assert stored[0]["results"] == results
    assert stored[0]["criterion_notes"] == {"management": "没有值班表"}
    assert len(stored[0]["evidence"]) == 1
    assert stored[0]["inspector"] == INSPECTOR
    assert stored[0]["client_id"]
    assert page.evaluate(f"localStorage.getItem('stations.inspect.draft.{station_id}')") is None
    expect(page.locator("#drafts-card")).to_be_hidden()
    expect(page.locator("#outbox-count")).to_have_text("全部已上传")


def test_a_draft_survives_a_reload_and_a_server_in_trouble(phone: Visit, server: str) -> None:
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
    expect(page.locator("#user-card")).to_be_visible()  # still signed in
    expect(page.locator("#checklist-card")).to_be_visible()
    expect(page.locator("#draft-note")).to_be_visible()
    expect(page.locator("#note-signage")).to_have_value("招牌褪色")
    expect(page.locator("#notes")).to_have_value(note)
    expect(page.locator("fieldset[data-code=signage] input[value=pass]")).to_be_checked()
    expect(page.locator("#photo-list li")).to_have_count(1)  # kept in IndexedDB
    answer_all(page)

    page.route("**/api/inspections", lambda r: r.fulfill(
        status=503, json={"detail": {"message": "维护中 / down for maintenance"}}))
    page.click("#submit")
    item = page.locator("#outbox li").first
    expect(item).to_contain_text(re.compile("等待重试（上次：维护中）"))
    expect(page.locator("#outbox-count")).to_have_text("1 份待上传")
    page.unroute("**/api/inspections")
    phone.server_errors.clear()  # the 503 above was ours
    page.click("#outbox li button")  # 立即重试
    expect(item).to_contain_text("已上传")
    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 1
    assert stored[0]["criterion_notes"] == {"signage": "招牌褪色"}
    assert len(stored[0]["evidence"]) == 1
    page.reload()
    expect(page.locator("#checklist-card")).to_be_hidden()
    expect(page.locator("#drafts-card")).to_be_hidden()


def test_a_refused_draft_goes_back_to_the_form(phone: Visit, server: str) -> None:
    page = phone.open("/inspect")
    sign_in(page)
    pick_by_name(page, "银行")
    answer_all(page)
    page.route("**/api/inspections", lambda r: r.fulfill(status=422, json={"detail": {
        "field": "inspected_at", "message": "检查时间不能在将来 / the inspection time is in the future"}}))
    page.click("#submit")
    expect(page.locator("#submit-message")).to_have_text("提交失败：检查时间不能在将来。草稿已保存")
    page.unroute("**/api/inspections")
    page.click("[data-lang-toggle]")  # server messages in the page's language only
    item = page.locator("#outbox li").first
    expect(item).to_have_text(re.compile("Not accepted: the inspection time is in the future"))
    assert "检查" not in item.inner_text()
    item.get_by_role("button", name="Back to draft").click()
    expect(page.locator("#checklist-card")).to_be_visible()
    expect(page.locator("fieldset[data-code=signage] input[value=pass]")).to_be_checked()
    expect(page.locator("#outbox-card")).to_be_hidden()


def test_two_identical_revisits_are_both_stored(phone: Visit, server: str) -> None:
    """The issue's case: a same-day revisit with the same answers, sent offline with a new
    photo, is a second inspection, photo and all, not mistaken for the first."""
    page = phone.open("/inspect")
    sign_in(page)
    note = f"同日复查 {uuid.uuid4().hex[:8]}"
    for n in (1, 2):
        station_id = pick_by_name(page, "银行")
        answer_all(page)
        page.fill("#notes", note)
        if n == 2:
            page.set_input_files("#photos", files=[
                {"name": "new.png", "mimeType": "image/png", "buffer": png_bytes()}])
            phone.context.set_offline(True)
        page.click("#submit")
        if n == 2:
            expect(page.locator("#outbox-count")).to_have_text("1 份待上传")
            phone.context.set_offline(False)
        expect(page.locator("#stored-card")).to_be_visible()
        expect(page.locator("#outbox li[data-state=sent]")).to_have_count(n, timeout=30_000)
    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 2
    assert len({i["client_id"] for i in stored}) == 2
    assert sorted(len(i["evidence"]) for i in stored) == [0, 1]


def test_a_lost_answer_is_resent_by_itself_without_a_duplicate(phone: Visit, server: str) -> None:
    page = phone.open("/inspect")
    sign_in(page)
    station_id = pick_by_name(page, "银行")
    answer_all(page)
    note = f"回执丢失 {uuid.uuid4().hex[:8]}"
    page.fill("#notes", note)
    page.set_input_files("#photos", files=[
        {"name": "gate.png", "mimeType": "image/png", "buffer": png_bytes()}])
    sent: list[int] = []

    def stored_but_answer_lost(route: Any) -> None:
        response = route.fetch()  # the server stores the inspection ...
        sent.append(response.status)
        if len(sent) == 1:
            route.abort()  # ... and the first answer never arrives
        else:
            route.fulfill(response=response)

    page.route("**/api/inspections", stored_but_answer_lost)
    page.click("#submit")
    expect(page.locator("#outbox li").first).to_contain_text("已上传", timeout=30_000)
    expect(page.locator("#stored")).to_contain_text("服务器已有这份草稿的记录")
    assert sent == [201, 200]  # sent twice, stored once: the second is the repeat
    stored = [i for i in inspections_of(server, station_id) if i["notes"] == note]
    assert len(stored) == 1
    assert len(stored[0]["evidence"]) == 1


def test_a_planner_is_told_at_once_they_may_not_log(phone: Visit) -> None:
    page = phone.open("/inspect")
    sign_in(page, PLANNER)
    note = page.locator("#role-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("不能记录检查")
    expect(page.locator("#pick-card")).to_be_hidden()
    expect(page.locator("#queue li").first).to_be_visible()  # the queues, to read
    page.click("[data-lang-toggle]")
    expect(note).to_have_text(re.compile("^You are signed in as Planner: you may not log"))


def test_the_queue_opens_nearest_first(phone: Visit, server: str) -> None:
    page = phone.open("/inspect")
    sign_in(page)
    answer = httpx.get(f"{server}/api/queues/overdue",
                       headers={"Authorization": f"Bearer {token(server)}"}).json()
    assert answer["region"] == "100000"  # this inspector acts for the whole country

    def km(s: dict[str, Any]) -> float:
        dx = (s["lon"] - LON) * math.cos(math.radians(LAT))
        return math.hypot(dx, s["lat"] - LAT)

    located = sorted((s for s in answer["stations"] if s["lon"] is not None), key=km)
    expect(page.locator("#queue li button").first).to_have_attribute("data-id", located[0]["id"])


def test_at_320_px_the_photo_picker_fits_and_is_a_big_target(browser: Any, server: str) -> None:
    visit = new_visit(browser, server, "phone", viewport={"width": 320, "height": 640})
    try:
        page = visit.open("/inspect")
        sign_in(page)
        pick_by_name(page, "银行")
        answer_all(page, failing=("management",))
        box = page.locator(".file-button").bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.set_input_files("#photos", files=[
            {"name": "door.png", "mimeType": "image/png", "buffer": png_bytes()}])
        expect(page.locator("#photo-list li")).to_have_count(1)
        page.locator(".photo-pick").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/inspect-phone-320-photo-picker.png")
        page.screenshot(path=f"{SHOTS}/inspect-phone-320-checklist.png", full_page=True)
        assert run_axe(page) == []
    finally:
        visit.context.close()
    visit.check()


def test_no_serious_violation_in_the_inspector_flows(visit: Visit, device: str) -> None:
    page = visit.open("/inspect")
    sign_in(page)
    expect(page.locator("#queue li").first).to_be_visible()
    pick_by_name(page, "银行")
    answer_all(page, failing=("management",))
    page.fill("#note-management", "没有值班表")
    page.click("[data-lang-toggle]")  # pre-filled explanations in one language at a time
    prefill = page.locator("#criteria .prefill").all_inner_texts()
    assert any(prefill)
    assert [p for p in prefill if re.search(r"[\u4e00-\u9fff]", p)] == []
    page.click("[data-lang-toggle]")
    assert all(" / " not in p for p in page.locator("#criteria .prefill").all_inner_texts())
    size = "phone-390" if device == "phone" else "desktop"
    page.screenshot(path=f"{SHOTS}/inspect-{size}-checklist.png", full_page=True)
    assert run_axe(page) == []
    page.click("#submit")
    expect(page.locator("#stored-card")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/inspect-{size}-stored.png")  # the top: what was stored
    page.screenshot(path=f"{SHOTS}/inspect-{size}-stored-full.png", full_page=True)
    assert run_axe(page) == []
    page.click("[data-lang-toggle]")
    expect(page.locator("#stored-heading")).to_have_text(re.compile(r"^Inspection \d+$"))
    # every text the page writes itself (not station or region names) is English only
    texts = page.evaluate("""() => [...document.querySelectorAll(
        "main [data-i18n], #outbox .state, #outbox button, #outbox-count, #stored dt, "
        + "#stored dd:not(:first-of-type), #stored-heading, #queue-count, #status, #user-name")]
        .filter((n) => n.offsetParent !== null).map((n) => n.textContent)""")
    assert texts and [t for t in texts if re.search(r"[\u4e00-\u9fff]", t.replace(INSPECTOR, ""))] == []
    assert run_axe(page) == []


def test_the_queue_opens_on_the_accounts_own_region(phone: Visit) -> None:
    page = phone.page

    def own_region_first(route: Any) -> None:
        if "region=" in route.request.url:
            route.continue_()
            return
        answer = route.fetch().json()  # as the server answers an account of Zhengzhou
        route.fulfill(json=answer | {"region": "410100"})

    page.route("**/api/queues/overdue*", own_region_first)
    phone.open("/inspect")
    sign_in(page)
    expect(page.locator("#region-1")).to_have_value("410000")
    expect(page.locator("#region-2")).to_have_value("410100")


def test_an_admin_approves_what_waits_for_review(phone: Visit, server: str) -> None:
    note = f"远程核查 {uuid.uuid4().hex[:8]}"
    body = {"station_id": "ZZ004", "results": dict.fromkeys(
        ("signage", "layout", "facilities", "functions", "management", "on_map"), True),
        "notes": note, "on_site": False}
    waiting = httpx.post(f"{server}/api/inspections", json=body,
                         headers={"Authorization": f"Bearer {token(server)}"}).json()
    assert waiting["review_status"] == "pending_review"
    page = phone.open("/inspect")
    sign_in(page, ADMIN)
    page.click("button[data-queue=review]")
    item = page.locator(f"#queue li[data-id='{waiting['id']}']")
    expect(item).to_contain_text("待管理员审核：不在站点现场")
    item.get_by_role("button", name="批准").click()
    expect(page.locator("#status")).to_have_text(f"检查记录 {waiting['id']} 已批准")
    expect(item).to_have_count(0)
    [stored] = [i for i in inspections_of(server, "ZZ004") if i["notes"] == note]
    assert stored["review_status"] == "approved" and stored["review"]["reviewer"] == ADMIN
