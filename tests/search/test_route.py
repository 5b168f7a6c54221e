"""Stations along a route: what lies within the corridor, how far along and how far off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geodata.crs import wgs84_to_gcj02
from geodata.geodesy import distance_m
from stations.errors import InvalidInput
from stations.search.index import LiveIndex, NearestIndex
from stations.search.route import stations_along_route
from tests.support.frames import GEOD, station_frame

# A meridian from 39°N to 40°N at 116°E; stations sit due east or west of it.
MERIDIAN = [[116.0, 39.0], [116.0, 40.0]]
OFFSETS = [  # (id, latitude, signed offset east in metres)
    ("on-route", 39.5, 0.0),
    ("east-300", 39.1, 300.0),
    ("west-1500", 39.8, -1500.0),
    ("east-1999", 39.35, 1999.0),
    ("west-2100", 39.6, -2100.0),
    ("east-5000", 39.2, 5000.0),
]


def meridian_frame() -> pd.DataFrame:
    ids, lats, offsets = zip(*OFFSETS, strict=True)
    lon, lat, _ = GEOD.fwd(np.full(len(ids), 116.0), np.array(lats),
                           np.where(np.array(offsets) >= 0, 90.0, 270.0), np.abs(offsets))
    rows = pd.DataFrame({"id": ids, "name": ids, "lon": lon, "lat": lat})
    beyond = pd.DataFrame({"id": ["south-of-start"], "name": ["south"], "lon": [116.0],
                           "lat": [38.99]})
    rows = pd.concat([rows, beyond], ignore_index=True)
    rows["kind"] = ["driver_home" if i % 2 else "outdoor_worker_station" for i in range(len(rows))]
    rows["status"] = "active"
    return rows


@pytest.fixture(scope="module")
def meridian_index() -> NearestIndex:
    return NearestIndex.build(meridian_frame())


@pytest.mark.parametrize("corridor_m", [2000.0, 2099.0, 5000.0])
def test_stations_at_known_offsets(meridian_index, corridor_m):
    results = stations_along_route(meridian_index, MERIDIAN, corridor_m)
    expected = {i: (lat, abs(off)) for i, lat, off in OFFSETS if abs(off) <= corridor_m}
    expected["south-of-start"] = (39.0, distance_m(116.0, 39.0, 116.0, 38.99))
    assert {r.station.id for r in results} == set(expected)
    for r in results:
        lat, offset = expected[r.station.id]
        assert r.along_m == pytest.approx(distance_m(116.0, 39.0, 116.0, lat), abs=0.5)
        assert r.offset_m == pytest.approx(offset, abs=0.5)
        assert r.station.distance_m == r.offset_m


def test_ordered_along_the_route(meridian_index):
    results = stations_along_route(meridian_index, MERIDIAN, 5000.0)
    assert [r.station.id for r in results] == [
        "south-of-start", "east-300", "east-5000", "east-1999", "on-route", "west-2100",
        "west-1500",
    ]
    along = [r.along_m for r in results]
    assert along[0] == 0.0 and along == sorted(along)


def test_reversed_route_reverses_the_order(meridian_index):
    forward = stations_along_route(meridian_index, MERIDIAN, 2000.0)
    backward = stations_along_route(meridian_index, MERIDIAN[::-1], 2000.0)
    assert [r.station.id for r in backward] == [r.station.id for r in forward][::-1]


def test_filters_apply(meridian_index):
    results = stations_along_route(meridian_index, MERIDIAN, 5000.0, kind="driver_home")
    assert results and {r.station.kind for r in results} == {"driver_home"}
    assert stations_along_route(meridian_index, MERIDIAN, 5000.0, services=["shower"]) == []


@pytest.mark.parametrize("source", ["frame", "live", "geojson"])
def test_accepted_inputs(meridian_index, source):
    stations = {"frame": meridian_frame(), "live": LiveIndex(meridian_index)}.get(
        source, meridian_index)
    route = {"type": "LineString", "coordinates": MERIDIAN} if source == "geojson" else MERIDIAN
    got = stations_along_route(stations, route, 2000.0)
    assert [r.station.id for r in got] == [
        r.station.id for r in stations_along_route(meridian_index, MERIDIAN, 2000.0)]


def test_route_in_gcj02_is_converted(meridian_index):
    dense = [[116.0, 39.0 + i / 100] for i in range(101)]
    gcj = [list(wgs84_to_gcj02(lon, lat)) for lon, lat in dense]
    plain = stations_along_route(meridian_index, dense, 2000.0)
    converted = stations_along_route(meridian_index, gcj, 2000.0, crs="gcj02")
    assert [r.station.id for r in converted] == [r.station.id for r in plain]
    for a, b in zip(converted, plain, strict=True):
        assert a.along_m == pytest.approx(b.along_m, abs=0.2)
        assert a.offset_m == pytest.approx(b.offset_m, abs=0.2)


def random_route(seed: int) -> list[list[float]]:
    """A wandering route through Beijing's cluster: 40 legs of 0.2-3 km."""
    rng = np.random.default_rng(seed)
    lon, lat, heading = 116.30, 39.85, 45.0
    coords = [[lon, lat]]
    for _ in range(40):
        heading += rng.normal(0, 40)
        lon, lat, _ = GEOD.fwd(lon, lat, heading, rng.uniform(200, 3000))
        coords.append([lon, lat])
    return coords


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_route_matches_a_local_projection(seed):
    """Reference: distances in an azimuthal equidistant projection centred on the route."""
    frame = station_frame(4000, seed=seed)
    active = frame[frame["status"] == "active"]
    route = random_route(seed)
    corridor = 1500.0
    lon0, lat0 = np.mean(route, axis=0)
    to_local = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84", always_xy=True)
    line = shapely.LineString(np.column_stack(to_local.transform(*np.array(route).T)))
    points = shapely.points(np.column_stack(to_local.transform(active["lon"], active["lat"])))
    offset = shapely.distance(line, points)
    along = shapely.line_locate_point(line, points)
    clear = np.abs(offset - corridor) > 1.0  # leave out stations on the corridor's edge
    inside = clear & (offset <= corridor)
    expected = dict(zip(active["id"][inside], zip(along[inside], offset[inside], strict=True),
                        strict=True))
    results = stations_along_route(NearestIndex.build(frame), route, corridor)
    got = {r.station.id: (r.along_m, r.offset_m) for r in results
           if r.station.id in set(active["id"][clear])}
    assert set(got) == set(expected) and len(got) > 20
    for sid, (a, o) in got.items():
        assert a == pytest.approx(expected[sid][0], abs=1.0)
        assert o == pytest.approx(expected[sid][1], abs=1.0)


def long_route(km: float) -> list[list[float]]:
    lats = np.linspace(20.0, 20.0 + km / 111.0, 200)
    return [[110.0, float(lat)] for lat in lats]


@pytest.mark.parametrize(
    ("route", "kwargs", "field"),
    [
        pytest.param("116,39;117,40", {}, "route", id="text"),
        pytest.param([[116.0, 39.0]], {}, "route", id="one-position"),
        pytest.param([], {}, "route", id="empty"),
        pytest.param([[116.0, 39.0], [116.0]], {}, "route", id="short-position"),
        pytest.param([[116.0, 39.0], ["116", 40.0]], {}, "route", id="text-number"),
        pytest.param([[116.0, 39.0], [True, 40.0]], {}, "route", id="bool-number"),
        pytest.param([[116.0, 39.0], [116.0, 95.0]], {}, "route", id="lat-out-of-range"),
        pytest.param([[116.0, 39.0], [float("nan"), 40.0]], {}, "route", id="nan"),
        pytest.param({"type": "Point", "coordinates": [116.0, 39.0]}, {}, "route", id="point"),
        pytest.param({"type": "LineString"}, {}, "route", id="no-coordinates"),
        pytest.param([[116.0, 39.0 + i * 1e-5] for i in range(10_001)], {}, "route",
                     id="too-many-vertices"),
        pytest.param(long_route(5100.0), {}, "route", id="too-long"),
        pytest.param(MERIDIAN, {"corridor_m": 0}, "corridor_m", id="corridor-zero"),
        pytest.param(MERIDIAN, {"corridor_m": -1.0}, "corridor_m", id="corridor-negative"),
        pytest.param(MERIDIAN, {"corridor_m": 50_001.0}, "corridor_m", id="corridor-too-wide"),
        pytest.param(MERIDIAN, {"corridor_m": "2000"}, "corridor_m", id="corridor-text"),
        pytest.param(MERIDIAN, {"kind": "hotel"}, "kind", id="unknown-kind"),
        pytest.param(MERIDIAN, {"crs": "utm"}, "crs", id="unknown-crs"),
    ],
)
def test_bad_input_names_the_parameter(meridian_index, route, kwargs, field):
    with pytest.raises(InvalidInput) as caught:
        stations_along_route(meridian_index, route, **kwargs)
    assert caught.value.field == field
    assert " / " in caught.value.reason


def test_longest_allowed_route_is_accepted(meridian_index):
    assert stations_along_route(meridian_index, long_route(4900.0), 1000.0) == []
