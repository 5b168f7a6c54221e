"""Checklists as data: bundled and provincial files, selection, bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stations.compliance import (
    load_checklists,
)
from stations.compliance.checklists import Checklists, parse_checklist
from stations.errors import InvalidInput, NotFound
from stations.store.registry import Registry


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
def test_bad_checklist_files_name_the_field(tmp_path: Path, overrides: dict[str, Any], field: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(checklist_json(**overrides)), "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_checklists([tmp_path])
    assert str(path) in str(caught.value)
    assert f"{field}:" in str(caught.value)
