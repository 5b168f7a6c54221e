"""The planner's page where there is nothing to show, with gaps to act on, a refused
radius and the language switch; screenshots for review and axe-core on them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, Visit, needs_chromium, new_visit, run_axe

pytestmark = needs_chromium
SHOTS = Path(os.environ.get("STATIONS_SHOTS", "/work/shots/issue-12"))
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(scope="module")
def cjk_browser(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium that can draw Chinese for the screenshots: the machine may have no CJK
    font, so this browser alone is pointed at the one matplotlib's ``mplfonts`` ships."""
    import importlib.util

    env = dict(os.environ)
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.origin is not None and Path("/etc/fonts/fonts.conf").exists():
        conf = tmp_path_factory.mktemp("fonts") / "fonts.conf"
        conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                        '<fontconfig><include>/etc/fonts/fonts.conf</include>'
                        f"<dir>{Path(spec.origin).parent / 'fonts'}</dir></fontconfig>")
        env["FONTCONFIG_FILE"] = str(conf)
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                           env=env)
    yield chromium
    chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest, cjk_browser: Any, server: str) -> Iterator[Visit]:
    browser = cjk_browser
    name = str(request.param)
    v = new_visit(browser, server, "phone" if name == "phone" else "desktop",
                  viewport=VIEWPORTS[name])
    v.name = name  # type: ignore[attr-defined]
    yield v
    v.context.close()
    v.check()


def test_a_county_without_stations_says_so_everywhere(screen: Visit, server: str) -> None:
    answer = httpx.get(f"{server}/api/coverage", params={"region": "410185"}).json()
    assert answer["region"]["stations"] == 0
    page = screen.open("/planner?region=410185&gaps=true")
    note = page.locator("#empty-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("登封市没有符合条件的站点")
    expect(page.locator("#status")).not_to_have_class("status error")
    expect(page.locator("#coverage-table tbody tr")).to_have_count(1)
    expect(page.locator("#coverage-table tfoot")).to_contain_text("0")
    frame = page.frame_locator("#coverage-map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator(".stations-empty").first).to_contain_text("登封市没有符合条件的站点")
    expect(frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg").first
           ).to_be_attached()  # the outline is drawn
    expect(frame.locator(".leaflet-control-scale-line")).to_be_visible()
    expect(page.locator("#gaps-table tbody tr")).to_have_count(1)  # the county itself
    expect(page.locator("#gaps-table tbody")).to_contain_text("整个登封市没有符合条件的站点")
    legend = frame.locator("details.stations-legend")
    expect(legend.locator("summary")).to_contain_text("登封市没有符合条件的站点")  # even folded
    if screen.name == "phone":  # type: ignore[attr-defined]
        expect(legend).not_to_have_attribute("open", "")
    else:
        expect(legend).to_have_attribute("open", "")
    page.wait_for_timeout(500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"planner-empty-county-{screen.name}.png"),  # type: ignore[attr-defined]
                    full_page=True)
    assert run_axe(page) == []


def test_gaps_are_listed_and_a_row_moves_the_map(screen: Visit, server: str) -> None:
    gaps = httpx.get(f"{server}/api/coverage/gaps", params={"region": "410100"}).json()["gaps"]
    assert gaps
    page = screen.open("/planner?region=410100&gaps=true")
    rows = page.locator("#gaps-table tbody tr")
    expect(rows).to_have_count(len(gaps))
    expect(page.frame_locator("#coverage-map").locator(".leaflet-container")).to_be_visible()
    page.wait_for_function("() => { const w = document.getElementById('coverage-map')"
                           ".contentWindow; return w && w.L && Object.values(w).some("
                           "v => v instanceof w.L.Map); }")
    rows.nth(0).locator("button").click()
    expect(rows.nth(0)).to_have_class("current")
    centre = page.evaluate("() => { const w = document.getElementById('coverage-map')"
                           ".contentWindow; const m = Object.values(w).find(v => v instanceof "
                           "w.L.Map); const c = m.getCenter(); return [c.lng, c.lat]; }")
    assert centre == pytest.approx([gaps[0]["lon"], gaps[0]["lat"]], abs=0.01)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"planner-gaps-{screen.name}.png"),  # type: ignore[attr-defined]
                    full_page=True)
    assert run_axe(page) == []


@pytest.mark.parametrize(("value", "reason"), [("0", "大于 0"), ("-5", "大于 0"),
                                               ("250000", "最大 200,000")])
def test_a_bad_radius_is_refused_with_its_reason(browser: Any, server: str, value: str,
                                                 reason: str) -> None:
    v = new_visit(browser, server, "desktop")
    page = v.open("/planner?region=410100")
    expect(page.locator("#coverage-table tbody tr").first).to_be_visible()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/coverage" in r.url else None)
    page.fill("#radius", value)
    page.locator("#radius").dispatch_event("change")
    expect(page.locator("#radius-error")).to_contain_text(reason)
    expect(page.locator("#status")).to_have_class("status error")
    expect(page.locator("#radius")).to_have_attribute("aria-invalid", "true")
    assert asked == []
    page.fill("#radius", "1500")
    page.locator("#radius").dispatch_event("change")
    expect(page.locator("#radius-error")).to_be_hidden()
    expect(page.locator("#status")).not_to_have_class("status error")
    v.context.close()
    v.check()


def test_the_map_and_files_follow_the_language(browser: Any, server: str) -> None:
    v = new_visit(browser, server, "desktop")
    page = v.open("/planner?region=410185")
    frame = page.frame_locator("#coverage-map")
    expect(frame.locator(".stations-empty").first).to_contain_text("没有符合条件")
    page.click("[data-lang-toggle]")
    expect(page.locator("#empty-note")).to_contain_text("no stations match here")
    expect(frame.locator(".stations-empty").first).to_contain_text("no stations match here")
    expect(frame.locator("html")).to_have_attribute("lang", "en")
    assert "lang=en" in (page.locator("#download-xlsx").get_attribute("href") or "")
    v.context.close()
    v.check()


def test_the_legend_never_covers_the_scale_bar(screen: Visit) -> None:
    page = screen.open("/maps/coverage?region=410185")
    scale = page.locator(".leaflet-control-scale")
    legend = page.locator("details.stations-legend")
    expect(scale).to_be_visible()
    expect(legend).to_be_visible()
    a, b = scale.bounding_box(), legend.bounding_box()
    assert a is not None and b is not None
    apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
             or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
    assert apart, (screen.name, a, b)  # type: ignore[attr-defined]
