"""Criteria the data can judge: layout, on the map, services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from stations.compliance import (
    load_checklists,
    prefill,
)
from stations.compliance.prefill import neighbours_frame
from stations.core.model import Station
from stations.store.registry import Registry
from tests.compliance.common import METRES_PER_DEGREE_LAT
from tests.support.compliance import (
    ZZ1_LAT,
    ZZ1_LON,
)

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
        pytest.param(URBAN, [neighbour(0, sid="S"), neighbour(800)], True, "at 800 m", id="itself-ignored"),
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
def test_on_map_needs_a_published_station_in_china(station: Station, value: bool, says: str) -> None:
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
