"""The planner's page in a real browser (the inspector's: test_inspect*.py)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.support.browser import Visit, needs_chromium

pytestmark = needs_chromium


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
