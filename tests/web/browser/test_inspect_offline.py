"""The inspector's page without signal: it opens, keeps drafts in an outbox and sends them
by itself when the connection is back; the driver page's worker is left alone."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.support.browser import Visit, needs_chromium, reload_offline, wait_for_promise
from tests.support.compliance import png_bytes
from tests.support.inspect_page import (
    answer_all,
    go_offline,
    inspections_of,
    pick_by_name,
    ready_for_offline,
)

pytestmark = needs_chromium


def test_inspect_opens_offline_after_a_first_visit(worker_phone: Visit) -> None:
    page = ready_for_offline(worker_phone)
    online_first = page.locator("#queue li button").first.get_attribute("data-id")
    go_offline(worker_phone)
    reload_offline(page)  # the browser's error page would have no #user-card
    expect(page.locator("#user-card")).to_be_visible()  # still signed in
    expect(page.locator("#login-card")).to_be_hidden()
    expect(page.locator("#queue-count")).to_have_text(re.compile(r"^离线：显示 \d+ 分钟前保存的站点列表"))
    expect(page.locator("#queue li button").first).to_have_attribute("data-id", str(online_first))
    # a station of the list opens with the checklist kept for its kind
    page.locator("#queue li button").first.click()
    expect(page.locator("#criteria fieldset")).to_have_count(6)


def test_the_driver_pages_worker_keeps_its_own_scope(worker_phone: Visit) -> None:
    ready_for_offline(worker_phone)
    page = worker_phone.open("/")
    expect(page.locator("#results .station-btn")).to_have_count(10)
    wait_for_promise(page, """async () => {
        const regs = await navigator.serviceWorker.getRegistrations();
        return regs.length === 2 && regs.every((r) => r.active)
            && Boolean(navigator.serviceWorker.controller);
    }""")
    scopes = page.evaluate(
        "navigator.serviceWorker.getRegistrations().then((rs) => rs.map((r) => r.scope).sort())")
    assert scopes == [worker_phone.origin + "/", worker_phone.origin + "/inspect"]
    inspect_worker = page.evaluate(
        "navigator.serviceWorker.getRegistration('/inspect').then((r) => r.active.scriptURL)")
    assert inspect_worker.endswith("/inspect-sw.js")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_drafts_queued_offline_are_sent_by_themselves_on_reconnect(
    worker_phone: Visit, server: str
) -> None:
    page = ready_for_offline(worker_phone)
    note = f"地下室 {uuid.uuid4().hex[:8]}"
    pick_by_name(page, "银行")  # online: its checklist is kept, for its kind too
    go_offline(worker_phone)
    station_ids = []
    for n in (1, 2):
        button = page.locator("#queue li button").nth(n - 1)  # the list kept on the phone
        station_ids.append(str(button.get_attribute("data-id")))
        button.click()
        expect(page.locator("#checklist-card")).to_be_visible()
        answer_all(page, failing=("signage",) if n == 1 else ())
        page.fill("#notes", note)
        if n == 1:
            page.set_input_files("#photos", files=[
                {"name": "dark.png", "mimeType": "image/png", "buffer": png_bytes()}])
            expect(page.locator("#photo-list li")).to_have_count(1)
        page.click("#submit")
        expect(page.locator("#checklist-card")).to_be_hidden()  # the form is free again
        expect(page.locator("#outbox-count")).to_have_text(f"{n} 份待上传")
    items = page.locator("#outbox li")
    expect(items).to_have_count(2)
    for i in range(2):
        expect(items.nth(i)).to_contain_text("等待网络，联网后自动上传")
    assert all(not any(i["notes"] == note for i in inspections_of(server, s)) for s in station_ids)

    worker_phone.context.set_offline(False)  # no click: the page sends by itself
    expect(page.locator("#outbox-count")).to_have_text("全部已上传", timeout=30_000)
    for i in range(2):
        expect(items.nth(i)).to_contain_text(re.compile(r"已上传：检查记录 \d+"))
    for n, station_id in enumerate(station_ids, start=1):
        [stored] = [i for i in inspections_of(server, station_id) if i["notes"] == note]
        assert stored["passed"] is (n == 2)
        assert len(stored["evidence"]) == (1 if n == 1 else 0)

