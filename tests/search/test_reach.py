"""Nearest within reach, and the stations a phone keeps for searching offline."""

from __future__ import annotations

import pandas as pd
import pytest

from stations.errors import InvalidInput
from stations.search.index import NearestIndex
from stations.search.reach import nearest_within_reach, stations_around


@pytest.fixture(scope="module")
def index() -> NearestIndex:
    # a row of stations going east from (116.0, 30.0), one every ~1 km (0.0104° at 30°N)
    rows = [{"id": f"S{i}", "name": f"站{i}", "kind": "outdoor_worker_station" if i % 2 else
             "driver_home", "status": "active", "lon": 116.0 + 0.0104 * i, "lat": 30.0,
             "services": ("toilet",) if i == 7 else ("drinking_water",),
             "opening_hours": "08:00-20:00"} for i in range(1, 11)]
    rows.append({"id": "OLD", "name": "已关", "kind": "driver_home", "status": "closed",
                 "lon": 116.0, "lat": 30.0, "services": (), "opening_hours": None})
    return NearestIndex.build(pd.DataFrame(rows))


def test_within_reach_and_nothing_beyond_when_some_are(index: NearestIndex) -> None:
    answer = nearest_within_reach(index, 116.0, 30.0, 10, 3500)
    assert [r.id for r in answer.results] == ["S1", "S2", "S3"]
    assert answer.beyond is None and answer.reach_m == 3500


def test_the_nearest_beyond_reach_is_named_apart(index: NearestIndex) -> None:
    answer = nearest_within_reach(index, 116.0, 30.0, 10, 3500, services=["toilet"])
    assert answer.results == []
    assert answer.beyond is not None and answer.beyond.id == "S7"
    assert answer.beyond.distance_m == pytest.approx(7 * 1002, rel=0.01)
    assert nearest_within_reach(index, 116.0, 30.0, 10, 3500, services=["toilet"],
                                max_distance_m=5000).beyond is None


@pytest.mark.parametrize("reach", [0, -1, 600_000, float("nan"), "3000"])
def test_reach_must_be_a_sensible_number_of_metres(index: NearestIndex, reach: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        nearest_within_reach(index, 116.0, 30.0, 10, reach)  # type: ignore[arg-type]
    assert caught.value.field == "reach_m"


def test_stations_around_are_active_nearest_first_with_their_week(index: NearestIndex) -> None:
    area = stations_around(index, 116.0, 30.0, 5_500)
    assert [s["id"] for s in area["stations"]] == ["S1", "S2", "S3", "S4", "S5"]
    assert area["truncated"] is False and area["radius_m"] == 5_500
    assert area["stations"][0]["week"][0] == [480, 1200]
    assert set(area["stations"][0]["navigation"]) == {"amap", "baidu", "apple", "geo"}


def test_a_limit_keeps_the_nearest_and_says_how_far_the_list_is_complete(
    index: NearestIndex
) -> None:
    area = stations_around(index, 116.0, 30.0, 50_000, limit=4)
    assert [s["id"] for s in area["stations"]] == ["S1", "S2", "S3", "S4"]
    assert area["truncated"] is True
    assert 4 * 1002 < area["radius_m"] <= 5 * 1010


def test_stations_around_of_some_kinds(index: NearestIndex) -> None:
    area = stations_around(index, 116.0, 30.0, 50_000, kinds=["driver_home"])
    assert [s["id"] for s in area["stations"]] == ["S2", "S4", "S6", "S8", "S10"]
