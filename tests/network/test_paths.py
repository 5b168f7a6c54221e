"""Road distances on networks whose answers are known: the river with one bridge, a
one-way street, and the nearest-station field kept current as stations change."""

from __future__ import annotations

import numpy as np
import pytest

from geodata.geodesy import distance_m
from stations.network.field import solve_field, update_field
from stations.network.graph import build_graph, snap
from stations.network.nearest import costs_to_place, road_costs
from stations.network.osm import read_osm
from stations.network.profiles import PROFILES
from tests.support.networks import (
    BANK_GAP_M,
    HALF_LENGTH_M,
    HELSINKI_OFFSET,
    helsinki_pbf,
    river_graph,
    river_point,
)

WALK = PROFILES["walk"]


def _snapped(graph, points):  # type: ignore[no-untyped-def]
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    return snap(graph, lon, lat, WALK.max_snap_m)


def test_across_the_river_is_far_by_road() -> None:
    graph = river_graph()
    across = river_point(BANK_GAP_M, 0.0)
    downstream = river_point(0.0, -800.0)
    costs = road_costs(graph, WALK, *river_point(0.0, 0.0), _snapped(graph, [across, downstream]),
                       search_m=6_000.0)
    assert costs is not None
    by_road = costs["length"]
    # 2 km up the west bank, 300 m over the bridge, 2 km down the east bank
    assert by_road[0] == pytest.approx(2 * HALF_LENGTH_M + BANK_GAP_M, rel=1e-3)
    assert by_road[1] == pytest.approx(800.0, rel=1e-3)
    assert distance_m(*river_point(0.0, 0.0), *across) == pytest.approx(BANK_GAP_M, rel=1e-3)


def test_a_search_too_short_for_the_detour_finds_no_road() -> None:
    graph = river_graph()
    costs = road_costs(graph, WALK, *river_point(0.0, 0.0),
                       _snapped(graph, [river_point(BANK_GAP_M, 0.0)]), search_m=1_000.0)
    assert costs is not None and np.isinf(costs["length"][0])


def test_places_off_the_roads_walk_the_last_stretch() -> None:
    graph = river_graph()
    # 40 m west of the west bank road, 500 m south: the walk is 40 + 500 + 0 m
    costs = road_costs(graph, WALK, *river_point(-40.0, 0.0),
                       _snapped(graph, [river_point(0.0, -500.0)]), search_m=3_000.0)
    assert costs is not None
    assert costs["length"][0] == pytest.approx(540.0, rel=1e-2)
    # a point farther from every road than the profile allows is off the network
    assert road_costs(graph, WALK, *river_point(-2_000.0, 0.0),
                      _snapped(graph, [river_point(0.0, 0.0)]), search_m=5_000.0) is None


def test_one_way_streets_are_taken_the_right_way() -> None:
    drive = PROFILES["drive"]
    graph = river_graph(oneway_east=True)  # east bank: northbound only
    south, north = river_point(BANK_GAP_M, -1_000.0), river_point(BANK_GAP_M, 1_000.0)
    stations = snap(graph, *np.array([north, south]).T, drive.max_snap_m)
    costs = road_costs(graph, drive, *south, stations, search_m=20_000.0)
    assert costs is not None
    assert costs["length"][0] == pytest.approx(2_000.0, rel=1e-3)  # with the traffic
    assert np.isinf(costs["length"][1]) or costs["length"][1] < 1.0  # itself
    going_back = road_costs(graph, drive, *north, stations, search_m=20_000.0)
    assert going_back is not None
    assert np.isinf(going_back["length"][1])  # the bridge is the only way off, and no way back
    # the same, asked the other way round: from the points to one place
    to_north = costs_to_place(graph, drive, *north, snap(graph, *np.array([south]).T,
                                                         drive.max_snap_m), 20_000.0, "length")
    assert to_north[0] == pytest.approx(2_000.0, rel=1e-3)


def test_the_field_gives_each_node_its_nearest_station_by_road() -> None:
    graph = river_graph()
    east = river_point(BANK_GAP_M, 0.0)
    keys = (("E", *east),)
    field = solve_field(graph, keys, _snapped(graph, [east]), "length", WALK.access_kmh)
    west_middle = int(np.argmin(distance_m(graph.lon, graph.lat, *river_point(0.0, 0.0))))
    assert field.cost[west_middle] == pytest.approx(2 * HALF_LENGTH_M + BANK_GAP_M, rel=1e-3)
    assert field.station[west_middle] == 0
    minutes = solve_field(graph, keys, _snapped(graph, [east]), "time", WALK.access_kmh)
    assert minutes.cost[west_middle] / 60 == pytest.approx(4.3 / 4.0 * 60, rel=1e-3)


@pytest.fixture(scope="module")
def helsinki():  # type: ignore[no-untyped-def]
    return read_osm(helsinki_pbf(), WALK, offset=HELSINKI_OFFSET)


def _random_stations(graph, n, seed):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    west, south, east, north = graph.bounds
    lon, lat = rng.uniform(west, east, n), rng.uniform(south, north, n)
    return [(f"S{seed}-{i}", float(x), float(y)) for i, (x, y) in enumerate(zip(lon, lat, strict=True))]


@pytest.mark.parametrize("weight", ["length", "time"])
@pytest.mark.parametrize(("removed", "added"), [
    pytest.param((), 1, id="one-new"), pytest.param((3,), 0, id="one-gone"),
    pytest.param((1, 5, 9), 2, id="some-of-both"), pytest.param(tuple(range(40)), 0, id="most-gone"),
])
def test_repairing_the_field_gives_what_solving_again_gives(helsinki, weight, removed, added) -> None:  # type: ignore[no-untyped-def]
    before = _random_stations(helsinki, 50, 1)
    after = [s for i, s in enumerate(before) if i not in removed] + _random_stations(helsinki, added, 2)

    def field_of(stations):  # type: ignore[no-untyped-def]
        keys = tuple(stations)
        return keys, snap(helsinki, [s[1] for s in stations], [s[2] for s in stations], WALK.max_snap_m)

    old = solve_field(helsinki, *field_of(before), weight, WALK.access_kmh)
    keys, snaps = field_of(after)
    repaired = update_field(old, helsinki, keys, snaps, WALK.access_kmh)
    fresh = solve_field(helsinki, keys, snaps, weight, WALK.access_kmh)
    assert np.array_equal(np.isinf(repaired.cost), np.isinf(fresh.cost))
    finite = np.isfinite(fresh.cost)
    assert np.allclose(repaired.cost[finite], fresh.cost[finite])
    # which station: the same one, or one exactly as near
    assert (repaired.station[finite] >= 0).all()


def test_lengths_are_geodesic_and_loops_and_unused_nodes_dropped() -> None:
    lon, lat = np.array([113.6, 113.61, 113.62]), np.array([34.7, 34.7, 34.7])
    graph = build_graph(lon, lat, [0, 1], [1, 1], 4.0, 0)
    assert graph.n_segments == 1 and graph.n_nodes == 2
    assert graph.length_m[0] == pytest.approx(float(distance_m(113.6, 34.7, 113.61, 34.7)))
    assert graph.seconds[0] == pytest.approx(graph.length_m[0] * 3.6 / 4.0)
