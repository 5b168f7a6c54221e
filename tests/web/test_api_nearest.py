"""``GET /api/nearest`` and ``POST /api/route/stations`` end to end on the demo data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from geodata.crs import wgs84_to_gcj02
from geodata.geodesy import distance_m
from stations.config import Settings
from stations.io.demo import seed_demo
from stations.store.registry import Registry
from web.app import create_app

ZHENGZHOU = (113.6253, 34.7466)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    reg = Registry.open(url)
    seed_demo(reg)
    reg.close()
    return url


@pytest.fixture(scope="module")
def client(demo_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=demo_db, seed_demo=False, poll_seconds=0.2))) as c:
        yield c


def test_nearest_demo_stations_in_geodesic_order(client: TestClient) -> None:
    body = client.get("/api/nearest", params={"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 5}).json()
    results = body["results"]
    assert len(results) == 5
    distances = [r["distance_m"] for r in results]
    assert distances == sorted(distances)
    for r in results:
        assert r["kind"] == "outdoor_worker_station"
        exact = float(distance_m(ZHENGZHOU[0], ZHENGZHOU[1], r["lon"], r["lat"]))
        assert r["distance_m"] == pytest.approx(exact, abs=1.0)
        assert {"amap", "baidu", "geo"} <= set(r["navigation"])
        assert r["city"] == "郑州市"


def test_navigation_link_plans_an_amap_route_to_the_gcj02_spot(client: TestClient) -> None:
    r = client.get("/api/nearest", params={"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 1}).json()["results"][0]
    destination = parse_qs(urlparse(r["navigation"]["amap"]).query)["to"][0]
    lon, lat = (float(v) for v in destination.split(",")[:2])
    glon, glat = wgs84_to_gcj02(r["lon"], r["lat"])
    assert (lon, lat) == pytest.approx((glon, glat), abs=1e-5)


def test_filters_kind_and_services(client: TestClient) -> None:
    params = {"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 3, "kind": "driver_home",
              "service": ["shower", "truck_parking"]}
    results = client.get("/api/nearest", params=params).json()["results"]
    assert len(results) == 3
    assert all(r["kind"] == "driver_home" and r["province"] == "安徽省" for r in results)
    assert all({"shower", "truck_parking"} <= set(r["services"]) for r in results)


def test_status_filter_reaches_planned_and_suspended_stations(client: TestClient) -> None:
    base = {"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 100, "max_distance_m": 3000}
    active = client.get("/api/nearest", params=base).json()["results"]
    assert {r["status"] for r in active} == {"active"}
    anything = client.get("/api/nearest", params=base | {"status": "any"}).json()["results"]
    assert len(anything) >= len(active)
    bad = client.get("/api/nearest", params=base | {"status": "paused"})
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "status"


def test_responses_carry_security_headers(client: TestClient) -> None:
    response = client.get("/api/nearest", params={"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1]})
    assert response.headers["x-content-type-options"] == "nosniff"


def test_max_distance_limits_results(client: TestClient) -> None:
    params = {"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 100, "max_distance_m": 1500}
    results = client.get("/api/nearest", params=params).json()["results"]
    assert results and all(r["distance_m"] <= 1500 for r in results)


def test_query_point_in_gcj02(client: TestClient) -> None:
    wgs = client.get("/api/nearest", params={"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 3}).json()
    glon, glat = wgs84_to_gcj02(*ZHENGZHOU)
    gcj = client.get("/api/nearest", params={"lon": glon, "lat": glat, "k": 3, "crs": "gcj02"}).json()
    assert [r["id"] for r in gcj["results"]] == [r["id"] for r in wgs["results"]]
    for a, b in zip(gcj["results"], wgs["results"], strict=True):
        assert a["distance_m"] == pytest.approx(b["distance_m"], abs=0.5)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"lon": "abc", "lat": 34.7}, "lon", id="lon-not-number"),
        pytest.param({"lon": 113.6}, "lat", id="lat-missing"),
        pytest.param({"lon": 113.6, "lat": 95}, "lat", id="lat-out-of-range"),
        pytest.param({"lon": 213.6, "lat": 34}, "lon", id="lon-out-of-range"),
        pytest.param({"lon": "nan", "lat": 34}, "lon", id="lon-nan"),
        pytest.param({"lon": 113.6, "lat": 34.7, "k": 0}, "k", id="k-zero"),
        pytest.param({"lon": 113.6, "lat": 34.7, "k": 101}, "k", id="k-too-big"),
        pytest.param({"lon": 113.6, "lat": 34.7, "service": "beer"}, "service", id="unknown-service"),
        pytest.param({"lon": 113.6, "lat": 34.7, "kind": "hotel"}, "kind", id="unknown-kind"),
        pytest.param({"lon": 113.6, "lat": 34.7, "crs": "utm"}, "crs", id="unknown-crs"),
        pytest.param({"lon": 113.6, "lat": 34.7, "max_distance_m": -5}, "max_distance_m",
                     id="negative-distance"),
    ],
)
def test_bad_nearest_input_is_a_4xx_naming_the_parameter(client: TestClient, params: dict[str, object],
                                                         field: str) -> None:
    response = client.get("/api/nearest", params=params)
    assert 400 <= response.status_code < 500
    assert field in response.json()["detail"]["field"]


def test_route_stations_ordered_along_the_route(client: TestClient) -> None:
    # Hefei → Nanjing direction along the G40/G42 corridor in Anhui
    route = {"type": "LineString", "coordinates": [[117.0, 31.85], [117.6, 31.9], [118.3, 32.0]]}
    body = client.post("/api/route/stations", json={"route": route, "corridor_m": 10_000}).json()
    results = body["results"]
    assert results
    along = [r["along_m"] for r in results]
    assert along == sorted(along)
    assert all(r["offset_m"] <= 10_000 for r in results)
    assert all(r["kind"] == "driver_home" for r in results)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"route": {"type": "Point", "coordinates": [117, 31]}}, id="not-a-line"),
        pytest.param({"route": {"type": "LineString", "coordinates": [[117, 31]]}}, id="one-position"),
        pytest.param({"route": {"type": "LineString", "coordinates": [[117, 31], ["a", 2]]}}, id="not-numbers"),
        pytest.param({"route": {"type": "LineString", "coordinates": [[117, 31], [118, 31]]},
                      "corridor_m": 0}, id="corridor-zero"),
        pytest.param({"route": {"type": "LineString", "coordinates": [[117, 31], [118, 31]]},
                      "corridor_m": 10**9}, id="corridor-huge"),
        pytest.param({}, id="no-route"),
    ],
)
def test_malformed_routes_are_refused(client: TestClient, payload: dict[str, object]) -> None:
    response = client.post("/api/route/stations", json=payload)
    assert response.status_code == 422
    assert "Traceback" not in response.text


def test_index_follows_station_changes(demo_db: str) -> None:
    """A station suspended in the database (e.g. by another instance) leaves the results."""
    settings = Settings(db=demo_db, seed_demo=False, poll_seconds=0.2)
    with TestClient(create_app(settings)) as c:
        params = {"lon": ZHENGZHOU[0], "lat": ZHENGZHOU[1], "k": 1}
        first = c.get("/api/nearest", params=params).json()["results"][0]["id"]
        other = Registry.open(demo_db)
        other.set_status(first, "suspended", reason="测试 / test", actor="test")
        try:
            deadline = time.time() + 10
            while c.get("/api/nearest", params=params).json()["results"][0]["id"] == first:
                assert time.time() < deadline, "index did not follow the change"
                time.sleep(0.1)
        finally:
            other.set_status(first, "active", reason="恢复 / restore", actor="test")
            other.close()
