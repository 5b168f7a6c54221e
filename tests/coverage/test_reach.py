"""Coverage along roads: the river case, the circle fallback, demand and siting by road,
and network coverage never larger than the circles of the same reach plus the buffer."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from stations.coverage.analysis import analyse
from stations.coverage.query import parse_query
from stations.coverage.reach import NetworkReach, parse_reach
from stations.errors import InvalidInput
from stations.network.importer import import_network
from stations.network.service import NetworkService
from stations.network.store import save_network
from stations.store.registry import Registry
from tests.support.coverage import clustered_demand, stations
from tests.support.networks import (
    BANK_GAP_M,
    HELSINKI_OFFSET,
    RIVER_COUNTY,
    helsinki_pbf,
    river_graph,
    river_point,
)


@pytest.fixture(scope="module")
def river(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkService]:
    """A registry file holding the river network as the walk network of its county."""
    registry = Registry.open(f"sqlite:///{tmp_path_factory.mktemp('river') / 'r.db'}")
    save_network(registry.engine, river_graph(), profile="walk", region=RIVER_COUNTY,
                 counties=[RIVER_COUNTY], source="river", source_bytes=0)
    yield NetworkService(registry.engine, registry.revision)
    registry.close()


EAST_BANK = river_point(BANK_GAP_M, 0.0)
ROAD = parse_reach("walk", reach_m=1_000)


def test_the_river_stops_the_walk_where_the_circle_does_not(river: NetworkService) -> None:
    frame = stations([EAST_BANK])
    query = parse_query(RIVER_COUNTY)
    result = analyse(frame, query, reach=ROAD, networks=river)
    row = result.to_json()["regions"][0]
    assert row["method"] == "network" and result.reach is not None
    assert result.reach["method"] == "network" and result.reach["networks"][0]["source"] == "river"
    # 1 km along the east bank road each way, 50 m on each side: about 2 km x 100 m
    assert row["covered_km2"] == pytest.approx(0.2, rel=0.1)
    assert row["circle_covered_km2"] == pytest.approx(3.1416, rel=1e-3)
    west_bank = clustered_demand([(river_point(0.0, 0.0), 10.0)], spread_m=10)
    east_bank = clustered_demand([(river_point(BANK_GAP_M, 600.0), 5.0)], spread_m=10)
    demand = type(west_bank)(np.r_[west_bank.lon, east_bank.lon], np.r_[west_bank.lat, east_bank.lat],
                             np.r_[west_bank.weight, east_bank.weight])
    by_road = analyse(frame, query, demand=demand, reach=ROAD, networks=river)
    by_circle = analyse(frame, parse_query(RIVER_COUNTY, radius_m=1_000), demand=demand)
    assert by_circle.totals()["covered_weight"] == pytest.approx(15.0)
    assert by_road.totals()["covered_weight"] == pytest.approx(5.0)  # only the east bank


def test_a_new_site_goes_where_the_road_cannot_reach(river: NetworkService) -> None:
    frame = stations([EAST_BANK])
    demand = clustered_demand([(river_point(0.0, -300.0), 10.0)], spread_m=20)
    result = analyse(frame, parse_query(RIVER_COUNTY), demand=demand, suggest=1, reach=ROAD,
                     networks=river)
    assert result.suggestions and result.suggestions[0].gain_weight == pytest.approx(10.0)
    # the circles think the west bank is served already: nothing to suggest
    circles = analyse(frame, parse_query(RIVER_COUNTY, radius_m=1_000), demand=demand, suggest=1)
    assert circles.suggestions == []


def test_regions_without_a_network_fall_back_to_circles(river: NetworkService) -> None:
    frame = stations([EAST_BANK, (113.70, 34.78)])  # the second is in 金水区, no network
    result = analyse(frame, parse_query("410100"), reach=ROAD, networks=river)
    rows = {r["adcode"]: r for r in result.to_json()["regions"]}
    assert rows[RIVER_COUNTY]["method"] == "network"
    assert rows["410105"]["method"] == "circle"
    assert rows["410105"]["covered_km2"] == pytest.approx(rows["410105"]["circle_covered_km2"])
    assert rows["410105"]["covered_km2"] == pytest.approx(3.1416, rel=1e-3)
    assert result.reach is not None and result.reach["method"] == "mixed"
    assert any("circles" in note for note in result.notes)
    drive = analyse(frame, parse_query("410100"), reach=parse_reach("drive", minutes=10),
                    networks=river)
    assert drive.reach is not None and drive.reach["method"] == "circle"
    assert drive.reach["networks"] == []
    assert drive.reach["circle_radius_m"] == pytest.approx(10 * 40_000 / 60, rel=1e-3)


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkService]:
    registry = Registry.open(f"sqlite:///{tmp_path_factory.mktemp('hel') / 'h.db'}")
    import_network(registry.engine, helsinki_pbf(), region_key=RIVER_COUNTY, offset=HELSINKI_OFFSET)
    yield NetworkService(registry.engine, registry.revision)
    registry.close()


@pytest.mark.parametrize(("reach_m", "buffer_m"), [(300.0, 50.0), (800.0, 25.0), (1500.0, 10.0)])
def test_roads_never_cover_more_than_circles_of_the_same_reach(
        helsinki: NetworkService, reach_m: float, buffer_m: float) -> None:
    info = helsinki.catalogue()[0]
    west, south, east, north = info.bounds
    rng = np.random.default_rng(7)
    frame = stations(list(zip(rng.uniform(west, east, 12), rng.uniform(south, north, 12), strict=True)))
    road = analyse(frame, parse_query(RIVER_COUNTY),
                   reach=NetworkReach("walk", reach_m=reach_m, buffer_m=buffer_m), networks=helsinki)
    circle = analyse(frame, parse_query(RIVER_COUNTY, radius_m=reach_m + buffer_m))
    covered = road.totals()["covered_km2"]
    assert 0 < covered <= circle.totals()["covered_km2"]
    assert road.table["circle_covered_km2"].iloc[0] <= circle.totals()["covered_km2"]


def test_minutes_and_metres_agree_for_walkers(helsinki: NetworkService) -> None:
    info = helsinki.catalogue()[0]
    west, south, east, north = info.bounds
    frame = stations([((west + east) / 2, (south + north) / 2)])
    query = parse_query(RIVER_COUNTY)
    minutes = analyse(frame, query, reach=parse_reach("walk", minutes=10), networks=helsinki)
    metres = analyse(frame, query, reach=parse_reach("walk", reach_m=10 * 4000 / 60), networks=helsinki)
    assert minutes.totals()["covered_km2"] == pytest.approx(metres.totals()["covered_km2"], rel=1e-3)


@pytest.mark.parametrize(("kwargs", "field"), [
    pytest.param({"network": "boat"}, "network", id="unknown-network"),
    pytest.param({"network": "walk", "minutes": 10, "reach_m": 500}, "minutes", id="both"),
    pytest.param({"network": "walk", "minutes": 0}, "minutes", id="zero-minutes"),
    pytest.param({"network": "walk", "minutes": 1e9}, "minutes", id="too-long"),
    pytest.param({"network": "walk", "reach_m": -5}, "reach_m", id="negative"),
    pytest.param({"network": "walk", "buffer_m": 5_000}, "buffer_m", id="wide-buffer"),
    pytest.param({"network": "walk", "buffer_m": 0}, "buffer_m", id="no-buffer"),
    pytest.param({"minutes": 15}, "minutes", id="minutes-without-network"),
])
def test_bad_reach_names_the_parameter(kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as caught:
        parse_reach(**kwargs)
    assert caught.value.field == field


def test_reach_defaults_to_a_15_minute_walk() -> None:
    reach = parse_reach("walk")
    assert reach == NetworkReach("walk", minutes=15.0)
    assert reach.circle_radius_m == pytest.approx(1_000.0)
    assert parse_reach(None) is None


def test_a_new_station_updates_the_answer_without_solving_again(helsinki: NetworkService,
                                                                 tmp_path) -> None:  # type: ignore[no-untyped-def]
    info = helsinki.catalogue()[0]
    west, south, east, north = info.bounds
    rng = np.random.default_rng(11)
    middle = (south + north) / 2
    points = list(zip(rng.uniform(west, east, 8), rng.uniform(middle, north, 8), strict=True))
    points.append(((west + east) / 2, south + (north - south) / 8))  # alone in the south
    query = parse_query(RIVER_COUNTY)
    reach = parse_reach("walk", minutes=5)
    before = analyse(stations(points[:8]), query, reach=reach, networks=helsinki)
    after = analyse(stations(points), query, reach=reach, networks=helsinki)  # repaired field
    fresh = NetworkService(helsinki.engine, lambda: 0)
    again = analyse(stations(points), query, reach=reach, networks=fresh)  # solved anew
    assert after.totals()["covered_km2"] == pytest.approx(again.totals()["covered_km2"])
    assert after.totals()["covered_km2"] > before.totals()["covered_km2"]
