"""The rules that turn notices and reports into what a driver is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stations.core.live import WINDOW_S, Notice, Report, closed_by_notice, live_state

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def report(state: str, minutes_ago: float, device: str, address: str | None = None,
           service: str | None = None) -> Report:
    return Report("S", state, NOW - minutes_ago * MIN, device, address or f"addr-{device}", service)


def notice(kind: str, start_min: float = -10, end_min: float = 60, nid: int = 1,
           **extra) -> Notice:
    return Notice(nid, "S", kind, NOW + start_min * MIN, NOW + end_min * MIN,
                  created_at=NOW + start_min * MIN, **extra)


def test_one_report_alone_shows_nothing() -> None:
    assert live_state([], [report("full", 1, "a")], NOW) is None


def test_two_independent_reports_within_an_hour_show_the_state() -> None:
    shown = live_state([], [report("full", 20, "a"), report("full", 2, "b")], NOW)
    assert shown is not None
    assert (shown.state, shown.source, shown.reports) == ("full", "reports", 2)
    assert shown.since == NOW - 20 * MIN
    assert NOW < shown.until <= NOW - 20 * MIN + timedelta(seconds=WINDOW_S)


@pytest.mark.parametrize("reports", [
    pytest.param([report("full", 3, "a"), report("full", 1, "a")], id="same-device-twice"),
    pytest.param([report("full", 3, "a", "x"), report("full", 1, "b", "x")], id="same-address"),
    pytest.param([report("full", 70, "a"), report("full", 1, "b")], id="one-older-than-an-hour"),
])
def test_reports_that_are_not_independent_or_not_recent_do_not_agree(reports) -> None:
    assert live_state([], reports, NOW) is None


def test_agreement_decays_with_time() -> None:
    reports = [report("closed", 0, "a"), report("closed", 5, "b")]
    assert live_state([], reports, NOW) is not None
    later = NOW + 40 * MIN  # weights 0.33 + 0.25: below the threshold
    assert live_state([], reports, later) is None
    shown = live_state([], reports, NOW)
    assert shown is not None and shown.until is not None
    assert live_state([], reports, shown.until - MIN) is not None
    assert live_state([], reports, shown.until + MIN) is None


def test_a_contrary_report_makes_a_contested_state_unknown() -> None:
    full = [report("full", 30, "a"), report("full", 25, "b")]
    assert live_state([], full, NOW) is not None
    assert live_state([], [*full, report("open", 1, "c")], NOW) is None


def test_a_notice_outranks_reports() -> None:
    reports = [report("open", 2, "a"), report("open", 1, "b")]
    shown = live_state([notice("full")], reports, NOW)
    assert shown is not None and (shown.state, shown.source) == ("full", "notice")
    spaces = live_state([notice("free_spaces", free_spaces=12)], [], NOW)
    assert spaces is not None and (spaces.state, spaces.free_spaces) == ("open", 12)


def test_one_notice_is_enough_and_ends_by_itself() -> None:
    n = notice("closed", -10, 30, reason="停水检修")
    shown = live_state([n], [], NOW)
    assert shown is not None and (shown.state, shown.until, shown.reason) == ("closed", n.ends_at,
                                                                              "停水检修")
    assert closed_by_notice([n], NOW) and not closed_by_notice([n], NOW + 31 * MIN)
    assert live_state([n], [], NOW + 31 * MIN) is None
    assert live_state([notice("closed", 10, 60)], [], NOW) is None  # not begun yet


def test_a_missing_service_needs_agreement_too() -> None:
    one = [report("service_missing", 1, "a", service="shower")]
    assert live_state([], one, NOW) is None
    two = [*one, report("service_missing", 2, "b", service="shower")]
    shown = live_state([], two, NOW)
    assert shown is not None and shown.services_unavailable == ("shower",)
    with_notice = live_state([notice("service_unavailable", service="hot_water")], [], NOW)
    assert with_notice is not None and with_notice.services_unavailable == ("hot_water",)
