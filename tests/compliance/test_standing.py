"""Standings from effective inspections, and the work queues."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stations.accounts.users import User
from stations.compliance import (
    load_checklists,
    queue,
    review_inspection,
    station_standing,
    station_table,
)
from stations.core.clock import CHINA_TZ
from stations.errors import InvalidInput
from stations.store.registry import Registry
from tests.compliance.common import NOW, PERIOD
from tests.support.compliance import (
    all_pass,
)

# -- standings and queues --

Event = tuple[int, bool, str | None]  # days before NOW, passed, review decision


@pytest.mark.parametrize(
    ("events", "period_days", "standing", "verified_days_ago"),
    [
        pytest.param([], 365, "never_inspected", None, id="never"),
        pytest.param([(10, True, None)], 365, "compliant", 10, id="recent-pass"),
        pytest.param([(10, True, "approved")], 365, "compliant", 10, id="approved-pass"),
        pytest.param([(400, True, None)], 365, "overdue", 400, id="old-pass"),
        pytest.param([(60, True, None)], 30, "overdue", 60, id="shorter-period"),
        pytest.param([(400, True, None), (10, False, None)], 365, "failing", 400, id="latest-fails"),
        pytest.param([(10, True, "rejected")], 365, "never_inspected", None, id="rejected-pass"),
        pytest.param(
            [(20, True, None), (10, False, "rejected")],
            365,
            "compliant",
            20,
            id="rejected-failure-ignored",
        ),
        pytest.param([(20, False, None), (10, True, None)], 365, "compliant", 10, id="fixed-after-failure"),
    ],
)
def test_standing_follows_the_newest_effective_inspection(
    submit: Callable[..., Any],
    reg: Registry,
    users: dict[str, User],
    events: list[Event],
    period_days: int,
    standing: str,
    verified_days_ago: int | None,
) -> None:
    for days_ago, passed, decision in events:
        when = NOW - timedelta(days=days_ago)
        inspection = submit(results=all_pass(signage=passed), now=when)
        if decision:
            review_inspection(reg, users["admin"], inspection.id, decision)
    got = station_standing(reg, "ZZ1", period_days=period_days, now=NOW)
    assert got.standing == standing
    expected = (
        None if verified_days_ago is None else (NOW - timedelta(days=verified_days_ago)).astimezone(CHINA_TZ).date()
    )
    assert got.last_verified == expected


def test_registry_frame_carries_standing_for_the_nearest_search(submit: Callable[..., Any], reg: Registry) -> None:
    submit(now=datetime.now(UTC))
    submit(station_id="ZZ2", results=all_pass(layout=False), now=datetime.now(UTC))
    frame = station_table(reg, period_days=PERIOD).set_index("id")
    assert frame.loc["ZZ1", "standing"] == "compliant"
    assert frame.loc["ZZ1", "last_verified"] is not None
    assert frame.loc["ZZ2", "standing"] == "failing"
    assert frame.loc["AH1", "standing"] == "never_inspected"
    assert frame.loc["AH1", "last_verified"] is None


@pytest.mark.parametrize(
    ("which", "region", "ids"),
    [
        pytest.param("overdue", None, ["ZZ2", "ZZ1"], id="overdue-never-first"),
        pytest.param("overdue", "410000", ["ZZ2", "ZZ1"], id="overdue-henan"),
        pytest.param("overdue", "340000", [], id="overdue-anhui"),
        pytest.param("failing", None, ["AH1"], id="failing"),
        pytest.param("failing", "340500", ["AH1"], id="failing-maanshan"),
        pytest.param("failing", "410100", [], id="failing-zhengzhou"),
    ],
)
def test_queues_list_active_stations_by_region(
    submit: Callable[..., Any], reg: Registry, which: str, region: str | None, ids: list[str]
) -> None:
    submit(now=NOW - timedelta(days=500))  # ZZ1: passed long ago, overdue
    all_fail = {c: False for c in load_checklists().select("driver_home", None).codes}
    submit(station_id="AH1", results=all_fail, now=NOW)  # AH1: failing
    # ZZ2 was never inspected; ZZ3 is only planned, so in no queue.
    listed = queue(reg, which, region=region, period_days=PERIOD, now=NOW)
    assert [s["id"] for s in listed] == ids
    if which == "overdue" and ids:
        assert [s["standing"] for s in listed] == ["never_inspected", "overdue"]


def test_unknown_queue_or_region_is_refused(reg: Registry) -> None:
    with pytest.raises(InvalidInput):
        queue(reg, "late", period_days=PERIOD)
    with pytest.raises(InvalidInput) as caught:
        queue(reg, "overdue", region="41", period_days=PERIOD)
    assert caught.value.field == "region"
