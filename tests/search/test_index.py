"""Nearest-station search: exact geodesic answers, filters, input checks, live rebuilds."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02
from geodata.geodesy import to_ecef_m
from stations.core.clock import CHINA_TZ
from stations.errors import InvalidInput
from stations.search.index import LiveIndex, NearestIndex
from tests.support.frames import CITIES, GEOD, brute_force, station_frame

MONDAY_0730 = datetime(2024, 5, 6, 7, 30, tzinfo=CHINA_TZ)
SATURDAY_2330 = datetime(2024, 5, 11, 23, 30, tzinfo=CHINA_TZ)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return station_frame(4000, seed=7)


@pytest.fixture(scope="module")
def index(frame: pd.DataFrame) -> NearestIndex:
    return NearestIndex.build(frame)


def query_points(n: int, seed: int) -> list[tuple[float, float]]:
    """Points near the test cities, some in dense centres, some on the outskirts."""
    rng = np.random.default_rng(seed)
    city = rng.integers(len(CITIES), size=n)
    return [(CITIES[c][0] + rng.normal(0, 0.1), CITIES[c][1] + rng.normal(0, 0.1)) for c in city]


def assert_same(results, expected_ids, expected_m) -> None:
    assert [r.id for r in results] == expected_ids
    assert [r.distance_m for r in results] == pytest.approx(expected_m, abs=0.051)


@pytest.mark.parametrize("k", [1, 5, 17, 100])
def test_unfiltered_matches_brute_force(frame, index, k):
    for lon, lat in query_points(40, seed=k):
        assert_same(index.query(lon, lat, k), *brute_force(frame, lon, lat, k))


@pytest.mark.parametrize(
    ("filters", "reference"),
    [
        pytest.param({"kind": "driver_home"}, {"kind": "driver_home"}, id="kind"),
        pytest.param({"services": ["shower"]}, {"services": ["shower"]}, id="rare-service"),
        pytest.param({"services": ["toilet", "hot_water", "wifi"]},
                     {"services": ["toilet", "hot_water", "wifi"]}, id="all-services"),
        pytest.param({"services": "lodging", "kind": "outdoor_worker_station"},
                     {"services": ["lodging"], "kind": "outdoor_worker_station"},
                     id="service-as-str-and-kind"),
        pytest.param({"open_now": True, "now": MONDAY_0730}, {"open_at": MONDAY_0730},
                     id="open-monday-morning"),
        pytest.param({"open_now": True, "now": SATURDAY_2330.replace(tzinfo=None)},
                     {"open_at": SATURDAY_2330}, id="open-saturday-night-naive"),
        pytest.param({"status": None}, {"status": None}, id="any-status"),
        pytest.param({"status": "planned"}, {"status": ["planned"]}, id="planned"),
        pytest.param({"status": ["suspended", "revoked"]}, {"status": ["suspended", "revoked"]},
                     id="two-statuses"),
        pytest.param({"compliant_only": True}, {"compliant_only": True}, id="compliant"),
        pytest.param({"max_distance_m": 1500.0}, {"max_distance_m": 1500.0}, id="max-distance"),
        pytest.param({"kind": "driver_home", "services": ["shower"], "compliant_only": True,
                      "open_now": True, "now": MONDAY_0730},
                     {"kind": "driver_home", "services": ["shower"], "compliant_only": True,
                      "open_at": MONDAY_0730}, id="everything"),
    ],
)
def test_filters_match_brute_force(frame, index, filters, reference):
    for lon, lat in query_points(25, seed=3):
        assert_same(index.query(lon, lat, 5, **filters), *brute_force(frame, lon, lat, 5,
                                                                      **reference))


def test_max_distance_returns_fewer_and_none_beyond(frame, index):
    lon, lat = CITIES[3][0] + 0.3, CITIES[3][1]  # ~24 km off a small cluster
    assert index.query(lon, lat, 5, max_distance_m=5000.0) == []
    results = index.query(lon, lat, 100, max_distance_m=22_000.0)
    assert 0 < len(results) < 100
    assert max(r.distance_m for r in results) <= 22_000.0
    assert_same(results, *brute_force(frame, lon, lat, 100, max_distance_m=22_000.0))


def test_nothing_qualifies_gives_empty_list(index):
    assert index.query(116.4, 39.9, 5, kind="driver_home", services=["shower", "lodging"],
                       status="closed") == []


@pytest.mark.parametrize("max_distance_m", [None, 3000.0])
def test_very_selective_filter_matches_brute_force(max_distance_m):
    """Three compliant stations among thousands: the search checks every station."""
    table = station_frame(12_000, seed=5)
    table["standing"] = "failing"
    table.loc[table.index[table["status"] == "active"][:3], "standing"] = "compliant"
    index = NearestIndex.build(table)
    compliant = table[table["standing"] == "compliant"]
    rng = np.random.default_rng(8)
    near = [(lon + rng.normal(0, 0.02), lat + rng.normal(0, 0.02))
            for lon, lat in zip(compliant["lon"], compliant["lat"], strict=True) for _ in range(4)]
    for lon, lat in near + query_points(10, seed=8):
        assert_same(index.query(lon, lat, 5, compliant_only=True, max_distance_m=max_distance_m),
                    *brute_force(table, lon, lat, 5, compliant_only=True,
                                 max_distance_m=max_distance_m))


def circle_frame(radius_m: float, step_m: float, n: int, seed: int) -> pd.DataFrame:
    """Stations around (116.4, 39.9) at radius + i * step, in shuffled directions."""
    rng = np.random.default_rng(seed)
    azimuth = rng.permutation(np.linspace(0, 360, n, endpoint=False))
    lon, lat, _ = GEOD.fwd(np.full(n, 116.4), np.full(n, 39.9), azimuth,
                           radius_m + step_m * np.arange(n))
    order = rng.permutation(n)  # table order unrelated to distance
    return pd.DataFrame({"id": [f"C{i}" for i in order], "name": "x", "kind": "driver_home",
                         "status": "active", "lon": lon[order], "lat": lat[order]})


@pytest.mark.parametrize(
    ("radius_m", "step_m"),
    [pytest.param(500.0, 0.01, id="500m-1cm-apart"),
     pytest.param(20_000.0, 0.001, id="20km-1mm-apart"),
     pytest.param(300_000.0, 0.002, id="300km-2mm-apart")],
)
def test_near_ties_are_ranked_geodesically(radius_m, step_m):
    circle = circle_frame(radius_m, step_m, 24, seed=int(radius_m))
    index = NearestIndex.build(circle)
    by_distance = sorted(circle["id"], key=lambda i: int(i[1:]))
    positions, dist = index.query_positions(116.4, 39.9, 24)
    assert circle["id"].to_numpy()[positions].tolist() == by_distance
    assert np.all(np.diff(dist) > 0)
    # fewer than all: the ten nearest by chord are not the ten nearest on the ground
    assert (index.query_positions(116.4, 39.9, 10)[0] == positions[:10]).all()
    first_ten, _ = index.query_batch([116.4, 116.4], [39.9, 39.9], 10)
    assert (first_ten == positions[:10]).all()


def test_near_ties_differ_from_chord_order():
    """The 300 km circle is a real test: ranking by straight-line distance gets it wrong."""
    circle = circle_frame(300_000.0, 0.002, 24, seed=300_000)
    chord = np.linalg.norm(to_ecef_m(circle["lon"], circle["lat"]) - to_ecef_m(116.4, 39.9),
                           axis=1)
    by_chord = circle["id"].to_numpy()[np.argsort(chord)].tolist()
    assert by_chord != sorted(circle["id"], key=lambda i: int(i[1:]))


def test_exact_ties_keep_table_order():
    twins = pd.DataFrame({"id": ["B", "A", "C"], "name": "x", "kind": "driver_home",
                          "status": "active", "lon": [116.41, 116.41, 116.42],
                          "lat": [39.9, 39.9, 39.9]})
    assert [r.id for r in NearestIndex.build(twins).query(116.4, 39.9, 3)] == ["B", "A", "C"]


def test_far_away_point_is_still_exact(frame, index):
    for lon, lat in [(2.35, 48.85), (-74.0, 40.7), (150.0, -30.0)]:
        assert_same(index.query(lon, lat, 5), *brute_force(frame, lon, lat, 5))


@pytest.mark.parametrize("filters", [
    pytest.param({}, id="unfiltered"),
    pytest.param({"services": ["shower"], "open_now": True, "now": MONDAY_0730}, id="filtered"),
    pytest.param({"max_distance_m": 800.0}, id="max-distance"),
])
@pytest.mark.parametrize("n", [pytest.param(200, id="tree-per-batch"),
                               pytest.param(5, id="point-by-point")])
def test_batch_matches_single_queries(index, filters, n):
    points = query_points(n, seed=11)
    lons, lats = (np.array(v) for v in zip(*points, strict=True))
    positions, dist = index.query_batch(lons, lats, 5, **filters)
    assert positions.shape == dist.shape == (n, 5)
    for i, (lon, lat) in enumerate(points):
        single_pos, single_dist = index.query_positions(lon, lat, 5, **filters)
        found = positions[i] >= 0
        assert positions[i][found].tolist() == single_pos.tolist()
        assert dist[i][found] == pytest.approx(single_dist, abs=1e-6)
        assert np.isnan(dist[i][~found]).all()


@pytest.mark.parametrize(("crs", "convert"), [
    pytest.param("gcj02", wgs84_to_gcj02, id="gcj02"),
    pytest.param("BD-09", wgs84_to_bd09, id="bd09"),
])
def test_point_in_chinese_map_systems_is_converted(frame, index, crs, convert):
    station = frame[frame["status"] == "active"].iloc[10]
    lon, lat = convert(station["lon"], station["lat"])
    first = index.query(lon, lat, 1, crs=crs)[0]
    assert first.id == station["id"]
    assert first.distance_m < 0.05
    wgs = index.query(lon, lat, 1)[0]  # read as WGS-84 the same numbers are hundreds of m off
    assert wgs.id != station["id"] or wgs.distance_m > 100


def test_result_carries_what_a_rider_needs(frame, index):
    result = index.query(116.4, 39.9, 1, now=MONDAY_0730)[0]
    row = frame.set_index("id").loc[result.id]
    assert (result.name, result.kind, result.status) == (row["name"], row["kind"], "active")
    assert (result.lon, result.lat) == (row["lon"], row["lat"])
    assert result.services == row["services"]
    assert result.opening_hours == row["opening_hours"]
    assert result.standing == (row["standing"] or "never_inspected")
    _, _, expected = GEOD.inv(116.4, 39.9, row["lon"], row["lat"])
    assert result.distance_m == pytest.approx(expected, abs=0.051)
    azimuth, _, _ = GEOD.inv(116.4, 39.9, row["lon"], row["lat"])
    assert result.bearing_deg == pytest.approx(azimuth % 360, abs=0.051)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data["navigation"]) == {"amap", "baidu", "geo", "apple"}
    assert data["address"] == row["address"] and data["adcode"] == "110101"


@pytest.mark.parametrize(("hours", "expected"), [
    pytest.param("24/7", True, id="always"),
    pytest.param("Mo-Fr 08:00-18:00", False, id="not-yet"),
    pytest.param("22:00-08:00", True, id="overnight"),
    pytest.param(None, None, id="unknown"),
])
def test_open_now_flag(hours, expected):
    one = pd.DataFrame({"id": ["A"], "name": "x", "kind": "driver_home", "status": "active",
                        "lon": [116.4], "lat": [39.9], "opening_hours": [hours]})
    assert NearestIndex.build(one).query(116.4, 39.9, 1, now=MONDAY_0730)[0].open_now is expected


def test_missing_standing_column_means_never_inspected():
    index = NearestIndex.build(station_frame(50, seed=1, standing=False))
    assert {r.standing for r in index.query(116.4, 39.9, 10, status=None)} == {"never_inspected"}
    assert index.query(116.4, 39.9, 10, compliant_only=True) == []


@pytest.mark.parametrize("statuses", [pytest.param([], id="no-stations"),
                                      pytest.param(["planned", "closed"], id="none-active")])
def test_tables_with_nothing_to_find(statuses):
    table = pd.DataFrame({"id": [f"P{i}" for i in range(len(statuses))], "name": "x",
                          "kind": "driver_home", "status": statuses,
                          "lon": [116.4] * len(statuses), "lat": [39.9] * len(statuses)})
    index = NearestIndex.build(table)
    assert index.query(116.4, 39.9, 5) == []
    positions, dist = index.query_batch([116.4, 117.0], [39.9, 40.0], 3)
    assert (positions == -1).all() and np.isnan(dist).all()
    assert len(index.query(116.4, 39.9, 5, status=None)) == len(statuses)


def test_stations_without_coordinates_are_skipped():
    table = pd.DataFrame({"id": ["A", "B", "C"], "name": "x", "kind": "driver_home",
                          "status": "active", "lon": [116.4, np.nan, 116.5],
                          "lat": [39.9, 39.9, None]})
    assert [r.id for r in NearestIndex.build(table).query(116.4, 39.9, 5)] == ["A"]


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        pytest.param(("116.4", 39.9), {}, "lon", id="lon-text"),
        pytest.param((float("nan"), 39.9), {}, "lon", id="lon-nan"),
        pytest.param((None, 39.9), {}, "lon", id="lon-missing"),
        pytest.param((181.0, 39.9), {}, "lon", id="lon-out-of-range"),
        pytest.param((116.4, -90.5), {}, "lat", id="lat-out-of-range"),
        pytest.param((116.4, float("inf")), {}, "lat", id="lat-infinite"),
        pytest.param((116.4, True), {}, "lat", id="lat-bool"),
        pytest.param(([116.4, 116.5], [39.9, 39.8]), {}, "lon", id="several-points"),
        pytest.param((116.4, 39.9), {"k": 0}, "k", id="k-zero"),
        pytest.param((116.4, 39.9), {"k": 101}, "k", id="k-too-big"),
        pytest.param((116.4, 39.9), {"k": 2.5}, "k", id="k-fraction"),
        pytest.param((116.4, 39.9), {"k": True}, "k", id="k-bool"),
        pytest.param((116.4, 39.9), {"kind": "shop"}, "kind", id="unknown-kind"),
        pytest.param((116.4, 39.9), {"services": ["sauna"]}, "service", id="unknown-service"),
        pytest.param((116.4, 39.9), {"services": 5}, "service", id="services-not-list"),
        pytest.param((116.4, 39.9), {"status": ["open"]}, "status", id="unknown-status"),
        pytest.param((116.4, 39.9), {"status": []}, "status", id="no-status"),
        pytest.param((116.4, 39.9), {"crs": "epsg:3857"}, "crs", id="unknown-crs"),
        pytest.param((116.4, 39.9), {"crs": None}, "crs", id="crs-none"),
        pytest.param((116.4, 39.9), {"max_distance_m": 0}, "max_distance_m", id="max-zero"),
        pytest.param((116.4, 39.9), {"max_distance_m": -5.0}, "max_distance_m", id="max-negative"),
        pytest.param((116.4, 39.9), {"max_distance_m": "5"}, "max_distance_m", id="max-text"),
        pytest.param((116.4, 39.9), {"max_distance_m": float("nan")}, "max_distance_m",
                     id="max-nan"),
        pytest.param((116.4, 39.9), {"open_now": "yes"}, "open_now", id="open-now-text"),
        pytest.param((116.4, 39.9), {"compliant_only": 1}, "compliant_only", id="compliant-int"),
        pytest.param((116.4, 39.9), {"now": "noon"}, "now", id="now-text"),
    ],
)
def test_bad_input_names_the_parameter(index, args, kwargs, field):
    with pytest.raises(InvalidInput) as caught:
        index.query(*args, **kwargs)
    assert caught.value.field == field
    assert " / " in caught.value.reason  # Chinese, then English


@pytest.mark.parametrize(("lons", "lats", "field"), [
    pytest.param([116.4, 200.0], [39.9, 39.9], "lon", id="lon-out-of-range"),
    pytest.param([116.4, 116.5], [39.9], "lon", id="shapes-differ"),
    pytest.param([116.4, 116.5], [39.9, float("nan")], "lat", id="lat-nan"),
])
def test_bad_batch_input(index, lons, lats, field):
    with pytest.raises(InvalidInput) as caught:
        index.query_batch(lons, lats)
    assert caught.value.field == field


def test_frame_without_required_columns_is_refused():
    with pytest.raises(InvalidInput) as caught:
        NearestIndex.build(pd.DataFrame({"id": ["A"], "lon": [1.0], "lat": [2.0]}))
    assert caught.value.field == "stations"


def new_station(frame: pd.DataFrame) -> pd.DataFrame:
    extra = frame.iloc[[0]].copy()
    extra["id"], extra["lon"], extra["lat"], extra["status"] = "NEW", 100.0, 30.0, "active"
    return pd.concat([frame, extra], ignore_index=True)


def test_rebuild_swaps_in_the_new_index(frame):
    live = LiveIndex.build(frame)
    old = live.current
    assert old.query(100.0, 30.0, 1)[0].id != "NEW"
    live.rebuild(new_station(frame))
    assert live.current is not old
    assert live.current.query(100.0, 30.0, 1)[0].id == "NEW"
    assert old.query(100.0, 30.0, 1)[0].id != "NEW"  # a held index never changes


def test_queries_keep_working_during_a_background_rebuild(frame, monkeypatch):
    live = LiveIndex.build(frame)
    started, release = threading.Event(), threading.Event()
    real_build = NearestIndex.build.__func__

    def slow_build(cls, table, *args):
        started.set()
        assert release.wait(10)
        return real_build(cls, table, *args)

    monkeypatch.setattr(NearestIndex, "build", classmethod(slow_build))
    future = live.rebuild_async(new_station(frame))
    assert started.wait(10)
    during = live.current.query(100.0, 30.0, 3)  # the rebuild is blocked right now
    assert len(during) == 3 and during[0].id != "NEW"
    assert not future.done()
    release.set()
    assert future.result(10) is live.current
    assert live.current.query(100.0, 30.0, 1)[0].id == "NEW"


def test_a_late_rebuild_does_not_replace_a_newer_one(frame, monkeypatch):
    live = LiveIndex.build(frame)
    release = threading.Event()
    real_build = NearestIndex.build.__func__

    def build(cls, table, *args):
        if "NEW" not in set(table["id"]):  # the older rebuild finishes last
            assert release.wait(10)
        return real_build(cls, table, *args)

    monkeypatch.setattr(NearestIndex, "build", classmethod(build))
    stale = live.rebuild_async(frame)
    live.rebuild(new_station(frame))
    release.set()
    stale.result(10)
    assert live.current.query(100.0, 30.0, 1)[0].id == "NEW"
