"""Recording an inspection: the overall result, position, time, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from geodata.crs import wgs84_to_gcj02
from stations.compliance import (
    station_standing,
)
from stations.errors import Forbidden, InvalidInput
from stations.store.compliance_tables import InspectionRow
from stations.store.registry import Registry
from tests.compliance.common import METRES_PER_DEGREE_LAT, NOW, PERIOD, count
from tests.support.compliance import (
    ZZ1_LAT,
    ZZ1_LON,
    all_pass,
)

# -- recording inspections --


@pytest.mark.parametrize(
    ("results", "passed"),
    [
        pytest.param(all_pass(), True, id="all-pass"),
        pytest.param(all_pass(signage=False), False, id="one-fails"),
    ],
)
def test_overall_result_is_pass_only_when_every_criterion_passes(
    submit: Callable[..., Any], results: dict[str, bool], passed: bool
) -> None:
    inspection = submit(results=results, notes="门口无标识", criterion_notes={"signage": "无牌"})
    assert inspection.passed is passed
    assert inspection.as_dict()["result"] == ("pass" if passed else "fail")
    assert inspection.checklist_id == "six_have" and inspection.checklist_version == 1
    assert inspection.inspector == "inspector"
    assert inspection.as_dict()["criterion_notes"] == {"signage": "无牌"}


GCJ_LON, GCJ_LAT = (float(v) for v in wgs84_to_gcj02(ZZ1_LON, ZZ1_LAT))


@pytest.mark.parametrize(
    ("position", "on_site"),
    [
        pytest.param({"lon": ZZ1_LON, "lat": ZZ1_LAT + 300 / METRES_PER_DEGREE_LAT}, True, id="300m-away"),
        pytest.param({"lon": ZZ1_LON, "lat": ZZ1_LAT + 800 / METRES_PER_DEGREE_LAT}, False, id="800m-away"),
        pytest.param({"lon": GCJ_LON, "lat": GCJ_LAT, "crs": "gcj02"}, True, id="gcj02-converted"),
        pytest.param({"lon": GCJ_LON, "lat": GCJ_LAT}, None, id="gcj02-taken-as-wgs84"),
        pytest.param({}, None, id="no-position"),
    ],
)
def test_a_visit_far_from_the_station_is_flagged(
    submit: Callable[..., Any], position: dict[str, Any], on_site: bool | None
) -> None:
    inspection = submit(**position)
    if not position:
        assert inspection.on_site is None and inspection.distance_m is None
    elif on_site is None:  # GCJ-02 numbers read as WGS-84 land a few hundred metres off
        assert inspection.distance_m > 100
    else:
        assert inspection.on_site is on_site
    if position.get("crs") == "gcj02":
        assert inspection.distance_m < 1
        assert inspection.lon == pytest.approx(ZZ1_LON, abs=1e-7)


def test_a_time_without_zone_is_china_time_and_verified_dates_are_china_dates(
    submit: Callable[..., Any], reg: Registry
) -> None:
    inspection = submit(inspected_at=datetime(2025, 5, 31, 7, 30))  # 07:30 in Zhengzhou
    assert inspection.inspected_at == datetime(2025, 5, 30, 23, 30, tzinfo=UTC)
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).last_verified == date(2025, 5, 31)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"results": all_pass(toilet=True)}, "results.toilet", id="unknown-criterion"),
        pytest.param({"results": {"signage": True}}, "results", id="missing-criteria"),
        pytest.param({"results": all_pass(signage="yes")}, "results.signage", id="not-a-bool"),
        pytest.param({"station_id": "NOPE"}, "station_id", id="unknown-station"),
        pytest.param({"lon": 113.66, "lat": 95.0}, "lat", id="latitude-out-of-range"),
        pytest.param({"lon": 113.66}, "lat", id="lon-without-lat"),
        pytest.param({"lon": 113.66, "lat": 34.77, "crs": "mars"}, "crs", id="unknown-crs"),
        pytest.param({"inspected_at": NOW + timedelta(days=1)}, "inspected_at", id="future"),
        pytest.param(
            {"criterion_notes": {"toilet": "x"}},
            "criterion_notes.toilet",
            id="note-for-unknown-criterion",
        ),
        pytest.param({"checklist_id": "driver_home"}, "checklist_id", id="checklist-of-other-kind"),
        pytest.param({"corrects_id": 999}, "corrects_id", id="correcting-nothing"),
    ],
)
def test_invalid_submissions_name_the_field_and_store_nothing(
    submit: Callable[..., Any], reg: Registry, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(**fields)
    assert caught.value.field == field
    assert count(reg, InspectionRow) == 0


def test_planners_may_not_log_inspections(submit: Callable[..., Any]) -> None:
    with pytest.raises(Forbidden):
        submit(user="planner")
