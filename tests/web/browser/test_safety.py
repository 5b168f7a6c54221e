"""Pages in a real browser: data shown as text, never markup; map coordinates as geodata draws them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from geodata.crs import wgs84_to_gcj02
from tests.support.browser import LAT, LON, XSS_ADDRESS, XSS_NAME, Visit, needs_chromium, wait_first_listed

pytestmark = needs_chromium


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
