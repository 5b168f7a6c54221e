"""Checklists, pre-filled criteria, inspections, corrections, reviews and standings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from geodata.crs import wgs84_to_gcj02
from stations.accounts.users import User, get_user
from stations.compliance import (
    EvidenceStore,
    Submission,
    check_photo,
    get_inspection,
    list_inspections,
    load_checklists,
    prefill,
    queue,
    record_inspection,
    review_inspection,
    station_standing,
    station_table,
)
from stations.compliance import inspections as inspections_module
from stations.compliance.checklists import Checklists, parse_checklist
from stations.compliance.prefill import neighbours_frame
from stations.core.clock import CHINA_TZ
from stations.core.model import Station
from stations.errors import Conflict, Forbidden, InvalidInput, NotFound
from stations.store.compliance_tables import EvidenceRow, InspectionResultRow, InspectionRow
from stations.store.registry import Registry
from tests.support.compliance import (
    ZZ1_LAT,
    ZZ1_LON,
    add_role_users,
    all_pass,
    files_under,
    jpeg_bytes,
    png_bytes,
    seed,
    webp_bytes,
)

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
PERIOD = 365  # inspection period of these tests (days)
METRES_PER_DEGREE_LAT = 110_940.0  # near 35°N; only used to place test points


@pytest.fixture
def reg(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    """GOOD_ROWS and one user per role, on each test backend."""
    seed(registry, write_csv)
    add_role_users(registry)
    return registry


@pytest.fixture
def users(reg: Registry) -> dict[str, User]:
    return {name: get_user(reg, name) for name in ("inspector", "inspector2", "planner", "admin")}


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


@pytest.fixture
def submit(reg: Registry, users: dict[str, User], store: EvidenceStore) -> Callable[..., Any]:
    checklists = load_checklists()

    def do(user: str = "inspector", now: datetime = NOW, **fields: Any) -> Any:
        sub = Submission(**({"station_id": "ZZ1", "results": all_pass()} | fields))
        return record_inspection(
            reg, users[user], sub, checklists=checklists, evidence=store, now=now
        )

    return do


def checklist_json(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "six_have_henan",
        "version": 1,
        "kind": "outdoor_worker_station",
        "region": "41",
        "valid_from": "2024-01-01",
        "title": {"zh": "河南省六有", "en": "Henan six-have"},
        "criteria": [
            {"code": "signage", "zh": "标识", "en": "Signage", "how_judged": "inspector"},
            {
                "code": "hotline",
                "zh": "12351热线",
                "en": "12351 hotline",
                "how_judged": "inspector",
            },
        ],
    }
    return base | overrides


# -- checklists as data --


def test_a_provincial_checklist_dropped_into_a_directory_is_selected_in_that_province(
    reg: Registry, tmp_path: Path
) -> None:
    extra = tmp_path / "checklists"
    extra.mkdir()
    (extra / "henan.json").write_text(json.dumps(checklist_json(), ensure_ascii=False), "utf-8")
    checklists = load_checklists([extra])
    zz1, ah1 = reg.get("ZZ1"), reg.get("AH1")
    assert zz1.adcode is not None and zz1.adcode.startswith("41")
    assert checklists.select(zz1.kind, zz1.adcode).id == "six_have_henan"
    assert load_checklists().select(zz1.kind, zz1.adcode).id == "six_have"
    assert checklists.select(ah1.kind, ah1.adcode).id == "driver_home"


@pytest.mark.parametrize(
    ("available", "adcode", "on", "expected"),
    [
        pytest.param([{}], "410105", date(2025, 1, 1), ("six_have_henan", 1), id="province"),
        pytest.param([{}], "340522", date(2025, 1, 1), ("six_have", 1), id="other-province"),
        pytest.param([{}], None, date(2025, 1, 1), ("six_have", 1), id="no-adcode"),
        pytest.param(
            [{}, {"version": 2}],
            "410105",
            date(2025, 1, 1),
            ("six_have_henan", 2),
            id="newest-version",
        ),
        pytest.param(
            [{}, {"version": 2, "valid_from": "2030-01-01"}],
            "410105",
            date(2025, 1, 1),
            ("six_have_henan", 1),
            id="future-version-skipped",
        ),
        pytest.param(
            [{"version": 3}, {"id": "zz", "region": "4101"}],
            "410105",
            date(2025, 1, 1),
            ("zz", 1),
            id="city-beats-province",
        ),
        pytest.param(
            [{"region": "410000"}],
            "410105",
            date(2025, 1, 1),
            ("six_have_henan", 1),
            id="six-digit-region",
        ),
        pytest.param([{}], "410105", date(2022, 1, 1), None, id="nothing-valid-yet"),
    ],
)
def test_most_specific_region_then_newest_version_wins(
    available: list[dict[str, Any]], adcode: str | None, on: date, expected: tuple[str, int] | None
) -> None:
    bundled = [c for c in load_checklists() if c.id == "six_have"]
    ours = [parse_checklist(checklist_json(**o)) for o in available]
    checklists = Checklists(bundled + ours)
    if expected is None:
        with pytest.raises(NotFound):
            checklists.select("outdoor_worker_station", adcode, on)
        return
    chosen = checklists.select("outdoor_worker_station", adcode, on)
    assert (chosen.id, chosen.version) == expected


def test_bundled_checklists_cover_both_kinds() -> None:
    checklists = load_checklists()
    six = checklists.select("outdoor_worker_station", None)
    assert six.codes == ("signage", "layout", "facilities", "functions", "management", "on_map")
    home = checklists.select("driver_home", None)
    free_services = {"truck_parking", "hot_water", "food_heating", "shower", "laundry"}
    assert free_services <= {s for c in home.criteria for s in c.required_services}
    assert {"parking_security", "signage", "fire_safety", "hygiene"} <= set(home.codes)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"kind": "bank"}, "kind", id="unknown-kind"),
        pytest.param({"version": "1"}, "version", id="text-version"),
        pytest.param({"region": "Henan"}, "region", id="region-name"),
        pytest.param({"valid_from": "1/1/2024"}, "valid_from", id="bad-date"),
        pytest.param({"criteria": []}, "criteria", id="no-criteria"),
        pytest.param(
            {"criteria": [{"code": "a", "zh": "甲", "en": "A", "how_judged": "guess"}]},
            "criteria[0].how_judged",
            id="how-judged",
        ),
        pytest.param(
            {
                "criteria": [
                    {
                        "code": "a",
                        "zh": "甲",
                        "en": "A",
                        "how_judged": "data",
                        "required_services": ["beer"],
                    }
                ]
            },
            "criteria[0].required_services",
            id="unknown-service",
        ),
        pytest.param(
            {"criteria": [{"code": "a", "zh": "甲", "en": "A"}] * 2},
            "criteria",
            id="duplicate-code",
        ),
    ],
)
def test_bad_checklist_files_name_the_field(
    tmp_path: Path, overrides: dict[str, Any], field: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(checklist_json(**overrides)), "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_checklists([tmp_path])
    assert str(path) in str(caught.value)
    assert f"{field}:" in str(caught.value)


# -- pre-filled criteria --

URBAN = Station(
    "S",
    "测试驿站",
    "outdoor_worker_station",
    ZZ1_LON,
    ZZ1_LAT,
    adcode="410105",
    county="金水区",
    services=(
        "drinking_water",
        "rest_area",
        "phone_charging",
        "first_aid",
        "food_heating",
        "toilet",
    ),
)
RURAL = replace(URBAN, adcode="340522", county="含山县")


def neighbour(
    metres_north: float,
    *,
    kind: str = "outdoor_worker_station",
    status: str = "active",
    sid: str = "N",
) -> dict[str, Any]:
    return {
        "id": sid,
        "name": "邻站",
        "kind": kind,
        "status": status,
        "lon": ZZ1_LON,
        "lat": ZZ1_LAT + metres_north / METRES_PER_DEGREE_LAT,
    }


@pytest.mark.parametrize(
    ("station", "neighbours", "value", "says"),
    [
        pytest.param(URBAN, [neighbour(100)], False, "too close", id="too-close"),
        pytest.param(URBAN, [neighbour(1000)], True, "at 1000 m", id="urban-ok"),
        pytest.param(URBAN, [neighbour(5000)], False, "too far", id="urban-too-far"),
        pytest.param(URBAN, [], False, "no other active station", id="urban-alone"),
        pytest.param(RURAL, [neighbour(5000)], True, "not urban", id="rural-far-ok"),
        pytest.param(
            RURAL,
            [neighbour(100, status="planned")],
            True,
            "no other active",
            id="planned-neighbour-ignored",
        ),
        pytest.param(
            RURAL,
            [neighbour(100, kind="driver_home")],
            True,
            "no other active",
            id="other-kind-ignored",
        ),
        pytest.param(
            URBAN, [neighbour(0, sid="S"), neighbour(800)], True, "at 800 m", id="itself-ignored"
        ),
    ],
)
def test_layout_reflects_spacing_to_neighbours_and_states_the_rule(
    station: Station, neighbours: list[dict[str, Any]], value: bool, says: str
) -> None:
    frame = pd.DataFrame(neighbours, columns=["id", "name", "kind", "status", "lon", "lat"])
    judged = prefill(station, load_checklists().select(station.kind, station.adcode), frame)
    assert judged["layout"]["value"] is value
    explanation = judged["layout"]["explanation"]
    assert says in explanation
    assert "200 m" in explanation and "3000 m" in explanation


@pytest.mark.parametrize(
    ("station", "value", "says"),
    [
        pytest.param(URBAN, True, "findable on the map", id="active-in-china"),
        pytest.param(replace(URBAN, status="planned"), False, "status is planned", id="planned"),
        pytest.param(replace(URBAN, lon=2.35, lat=48.85), False, "not in China", id="paris"),
    ],
)
def test_on_map_needs_a_published_station_in_china(
    station: Station, value: bool, says: str
) -> None:
    judged = prefill(
        station,
        load_checklists().select(station.kind, None),
        pd.DataFrame(columns=["id", "name", "kind", "status", "lon", "lat"]),
    )
    assert judged["on_map"]["value"] is value
    assert says in judged["on_map"]["explanation"]


def test_services_are_compared_with_the_checklist_and_missing_ones_named(reg: Registry) -> None:
    zz1 = reg.get("ZZ1")  # drinking_water, toilet, phone_charging
    checklist = load_checklists().select(zz1.kind, zz1.adcode)
    judged = prefill(zz1, checklist, neighbours_frame(reg, zz1, checklist))
    assert judged["facilities"]["value"] is False
    assert "rest_area" in judged["facilities"]["explanation"]
    assert "first_aid" in judged["facilities"]["explanation"]
    assert "急救药箱" in judged["facilities"]["explanation"]
    assert judged["functions"]["value"] is False
    assert "food_heating" in judged["functions"]["explanation"]
    assert judged["signage"] == {
        "value": None,
        "explanation": "由检查人员现场判断 / judged by the inspector on site",
    }
    assert prefill(URBAN, checklist, neighbours_frame(reg, zz1, checklist))["facilities"]["value"]


def test_driver_home_prefill_checks_the_free_services(reg: Registry) -> None:
    ah1 = reg.get("AH1")  # hot_water, shower, laundry, truck_parking
    checklist = load_checklists().select(ah1.kind, ah1.adcode)
    judged = prefill(ah1, checklist, neighbours_frame(reg, ah1, checklist))
    assert {c: judged[c]["value"] for c in ("hot_water", "shower", "laundry", "food_heating")} == {
        "hot_water": True,
        "shower": True,
        "laundry": True,
        "food_heating": False,
    }
    assert "rest_area" in judged["parking_rest"]["explanation"]
    assert judged["fire_safety"]["value"] is None


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
        pytest.param(
            {"lon": ZZ1_LON, "lat": ZZ1_LAT + 300 / METRES_PER_DEGREE_LAT}, True, id="300m-away"
        ),
        pytest.param(
            {"lon": ZZ1_LON, "lat": ZZ1_LAT + 800 / METRES_PER_DEGREE_LAT}, False, id="800m-away"
        ),
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
    assert _count(reg, InspectionRow) == 0


def test_planners_may_not_log_inspections(submit: Callable[..., Any]) -> None:
    with pytest.raises(Forbidden):
        submit(user="planner")


# -- append-only, corrections, reviews --------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE inspections SET passed = false", id="update-inspection"),
        pytest.param("DELETE FROM inspections", id="delete-inspection"),
        pytest.param("UPDATE inspection_results SET passed = false", id="update-result"),
        pytest.param("DELETE FROM inspection_results", id="delete-result"),
        pytest.param("DELETE FROM inspection_evidence", id="delete-evidence"),
        pytest.param("UPDATE inspection_reviews SET decision = 'approved'", id="update-review"),
    ],
)
def test_inspection_records_cannot_be_changed_even_in_sql(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User], statement: str
) -> None:
    first = submit(results=all_pass(signage=False), photos=[check_photo(png_bytes())])
    review_inspection(reg, users["admin"], first.id, "rejected", "照片不清楚")
    with pytest.raises(DBAPIError, match="append-only"), reg.engine.begin() as conn:
        conn.execute(text(statement))
    after = get_inspection(reg, first.id)
    assert after.passed is False
    assert after.review is not None and after.review.decision == "rejected"
    assert (len(after.results), len(after.evidence)) == (6, 1)


def test_a_correction_supersedes_the_record_it_corrects(
    submit: Callable[..., Any], reg: Registry
) -> None:
    wrong = submit(results=all_pass(signage=False), now=NOW - timedelta(days=2))
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "failing"
    fixed = submit(results=all_pass(), corrects_id=wrong.id, notes="误录 / entered wrongly")
    assert station_standing(reg, "ZZ1", period_days=PERIOD, now=NOW).standing == "compliant"
    listed = {i.id: i for i in list_inspections(reg, "ZZ1")}
    assert listed[wrong.id].corrected_by == fixed.id
    assert listed[wrong.id].passed is False  # the corrected record itself is unchanged
    with pytest.raises(Conflict):
        submit(corrects_id=wrong.id)


def test_a_correction_must_be_of_the_same_station(submit: Callable[..., Any]) -> None:
    other = submit(station_id="ZZ2")
    with pytest.raises(InvalidInput) as caught:
        submit(corrects_id=other.id)
    assert caught.value.field == "corrects_id"


def test_review_is_set_once_by_an_admin_who_did_not_inspect(
    submit: Callable[..., Any], reg: Registry, users: dict[str, User]
) -> None:
    mine = submit(user="admin")
    with pytest.raises(Forbidden):
        review_inspection(reg, users["admin"], mine.id, "approved")
    theirs = submit()
    with pytest.raises(Forbidden):
        review_inspection(reg, users["inspector2"], theirs.id, "approved")
    with pytest.raises(InvalidInput):
        review_inspection(reg, users["admin"], theirs.id, "maybe")
    reviewed = review_inspection(reg, users["admin"], theirs.id, "approved", "好")
    assert reviewed.review is not None and reviewed.review.reviewer == "admin"
    with pytest.raises(Conflict):
        review_inspection(reg, users["admin"], theirs.id, "rejected")
    with pytest.raises(NotFound):
        review_inspection(reg, users["admin"], 999, "approved")


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
        pytest.param(
            [(400, True, None), (10, False, None)], 365, "failing", 400, id="latest-fails"
        ),
        pytest.param([(10, True, "rejected")], 365, "never_inspected", None, id="rejected-pass"),
        pytest.param(
            [(20, True, None), (10, False, "rejected")],
            365,
            "compliant",
            20,
            id="rejected-failure-ignored",
        ),
        pytest.param(
            [(20, False, None), (10, True, None)], 365, "compliant", 10, id="fixed-after-failure"
        ),
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
        None
        if verified_days_ago is None
        else (NOW - timedelta(days=verified_days_ago)).astimezone(CHINA_TZ).date()
    )
    assert got.last_verified == expected


def test_registry_frame_carries_standing_for_the_nearest_search(
    submit: Callable[..., Any], reg: Registry
) -> None:
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


# -- evidence and atomicity --


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        pytest.param(jpeg_bytes(), "image/jpeg", id="jpeg"),
        pytest.param(png_bytes(), "image/png", id="png"),
        pytest.param(webp_bytes(), "image/webp", id="webp"),
    ],
)
def test_photos_are_typed_by_their_content(data: bytes, media_type: str) -> None:
    assert check_photo(data, name="x.bin").media_type == media_type


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"GIF89a" + b"\x00" * 100, "not JPEG, PNG or WebP", id="gif"),
        pytest.param(b"%PDF-1.7 pretending.jpg", "not JPEG, PNG or WebP", id="pdf"),
        pytest.param(jpeg_bytes(5 * 1024 * 1024 + 1), "larger than 5 MB", id="too-big"),
    ],
)
def test_bad_photos_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_photo(data, name="photo.jpg", field="photos[0]")
    assert says in str(caught.value)
    assert caught.value.field == "photos[0]"


def test_a_5mb_photo_is_accepted() -> None:
    assert check_photo(jpeg_bytes(5 * 1024 * 1024)).size_bytes == 5 * 1024 * 1024


def test_evidence_files_appear_only_with_their_inspection(
    submit: Callable[..., Any], store: EvidenceStore
) -> None:
    photo = check_photo(png_bytes(), name="门牌.png")
    inspection = submit(photos=[photo])
    assert [e.sha256 for e in inspection.evidence] == [photo.sha256]
    assert files_under(store.root) == [store.path(inspection.evidence[0].path)]
    assert store.path(inspection.evidence[0].path).read_bytes() == png_bytes()


@pytest.fixture
def fail_midway(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[None]:
    original_results = inspections_module._insert_results
    original_evidence = inspections_module._insert_evidence

    def evidence_then_crash(*args: Any) -> None:
        original_evidence(*args)
        raise RuntimeError("disk unplugged")

    def results_violating_a_constraint(s: Any, inspection_id: int, *args: Any) -> None:
        original_results(s, inspection_id, *args)
        s.add(InspectionResultRow(inspection_id=inspection_id, criterion="signage", passed=None))
        s.flush()

    if request.param == "crash":
        monkeypatch.setattr(inspections_module, "_insert_evidence", evidence_then_crash)
    else:
        monkeypatch.setattr(inspections_module, "_insert_results", results_violating_a_constraint)
    yield


@pytest.mark.parametrize(
    "fail_midway",
    [
        pytest.param("crash", id="crash-after-evidence"),
        pytest.param("constraint", id="constraint-violation"),
    ],
    indirect=True,
)
@pytest.mark.usefixtures("fail_midway")
def test_a_failure_midway_leaves_no_half_written_inspection(
    submit: Callable[..., Any], reg: Registry, store: EvidenceStore
) -> None:
    with pytest.raises((RuntimeError, DBAPIError)):
        submit(photos=[check_photo(png_bytes()), check_photo(jpeg_bytes())])
    assert (
        _count(reg, InspectionRow),
        _count(reg, InspectionResultRow),
        _count(reg, EvidenceRow),
    ) == (0, 0, 0)
    assert files_under(store.root) == []
    assert station_standing(reg, "ZZ1", period_days=PERIOD).standing == "never_inspected"


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geography'")
def test_migrations_match_the_tables(reg: Registry) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import stations.store.compliance_tables as tables
    from stations.store.tables import Base

    ours = {tables.UserRow.__tablename__, *tables.APPEND_ONLY_TABLES}
    with reg.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if any(f"'{name}'" in repr(d) for name in ours)] == []


def _count(reg: Registry, table: Any) -> int:
    with reg.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)
