"""What waits for an admin's review, what it does to the standing, and the review queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from stations.accounts.users import User
from stations.compliance import review_inspection, review_queue, station_standing
from stations.compliance.records import may_read
from stations.errors import Forbidden, InvalidInput
from stations.store.registry import Registry
from tests.compliance.common import METRES_PER_DEGREE_LAT, NOW, PERIOD
from tests.support.compliance import ZZ1_LAT, ZZ1_LON, all_pass

AT_STATION = {"lon": ZZ1_LON, "lat": ZZ1_LAT}
FAR = {"lon": ZZ1_LON, "lat": ZZ1_LAT + 833_000 / METRES_PER_DEGREE_LAT}  # 833 km north


@pytest.mark.parametrize(
    ("fields", "reasons"),
    [
        pytest.param(AT_STATION, (), id="on-site-today"),
        pytest.param({}, (), id="no-position"),
        pytest.param(FAR, ("off_site",), id="833-km-away"),
        pytest.param(AT_STATION | {"on_site": False}, ("off_site",), id="declared-off-site"),
        pytest.param({"on_site": False}, ("off_site",), id="declared-without-position"),
        pytest.param(AT_STATION | {"inspected_at": NOW - timedelta(days=8)}, ("late",), id="8-days-late"),
        pytest.param(AT_STATION | {"inspected_at": NOW - timedelta(days=6, hours=23)}, (), id="6-days-late"),
        pytest.param(FAR | {"inspected_at": NOW - timedelta(days=30)}, ("off_site", "late"), id="both"),
    ],
)
def test_what_waits_for_review_does_not_count_until_approved(
    submit: Callable[..., Any],
    reg: Registry,
    users: dict[str, User],
    fields: dict[str, Any],
    reasons: tuple[str, ...],
) -> None:
    submit(results=all_pass(signage=False), now=NOW - timedelta(days=40), **AT_STATION)
    passing = submit(**fields)
    assert passing.review_reasons == reasons
    standing = station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing
    assert standing == ("failing" if reasons else "compliant")
    if reasons:
        assert passing.as_dict()["review_status"] == "pending_review"
        review_inspection(reg, users["admin"], passing.id, "approve")
        assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "compliant"


@pytest.mark.parametrize(
    ("when", "field"),
    [
        pytest.param(NOW + timedelta(hours=1), "inspected_at", id="future"),
        pytest.param(NOW.replace(year=1999), "inspected_at", id="before-2000"),
    ],
)
def test_impossible_visit_dates_are_refused(submit: Callable[..., Any], when: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(inspected_at=when)
    assert caught.value.field == field


def test_the_inspector_never_reviews_their_own_even_as_admin(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    own = submit(user="admin", on_site=False)
    with pytest.raises(Forbidden):
        review_inspection(reg, users["admin"], own.id, "approve")
    with pytest.raises(Forbidden):  # not an admin
        review_inspection(reg, users["inspector2"], own.id, "approve")


def test_the_review_queue_lists_what_waits_inside_the_callers_region(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    waiting = submit(on_site=False, now=NOW)
    submit(station_id="ZZ2", now=NOW)  # counts at once: not in the queue
    henan, anhui = (replace(users["planner"], region=r) for r in ("410000", "340000"))
    answer = review_queue(reg, henan)
    assert answer["region"] == "410000"
    assert [i["id"] for i in answer["inspections"]] == [waiting.id]
    assert answer["inspections"][0]["review_reasons"] == ["off_site"]
    assert review_queue(reg, anhui)["inspections"] == []
    assert review_queue(reg, users["planner"], "410100")["count"] == 1
    with pytest.raises(Forbidden):
        review_queue(reg, henan, "340000")
    assert review_queue(reg, henan, "100000")["region"] == "410000"  # narrowed to their own
    review_inspection(reg, users["admin"], waiting.id, "reject", "不在现场")
    assert review_queue(reg, users["planner"])["count"] == 0


@pytest.mark.parametrize(
    ("role", "region", "sees"),
    [
        pytest.param(None, None, False, id="public"),
        pytest.param("inspector", "100000", True, id="inspector-of-the-country"),
        pytest.param("planner", "410100", True, id="planner-of-zhengzhou"),
        pytest.param("admin", "340000", False, id="admin-of-anhui"),
        pytest.param("host", "100000", False, id="host"),
    ],
)
def test_whole_records_are_for_staff_of_the_stations_region(role: str | None, region: str | None, sees: bool) -> None:
    user = None if role is None else User(id=1, name="x", role=role, region=region or "100000")
    assert may_read(user, "410105") is sees
