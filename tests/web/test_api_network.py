"""Road reach over HTTP: nearest results by road, coverage along roads, the map."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.network.store import save_network
from stations.store.registry import Registry
from tests.support.networks import BANK_GAP_M, RIVER_COUNTY, river_graph, river_point
from web.app import create_app


def _row(sid: str, name: str, point: tuple[float, float], kind: str = "outdoor_worker_station"
         ) -> list[str]:
    return [sid, name, kind, f"{point[0]:.7f}", f"{point[1]:.7f}", "", "toilet", "24/7", "",
            "active", ""]


ACROSS = _row("E1", "对岸驿站", river_point(BANK_GAP_M, 0.0))
DOWNSTREAM = _row("W1", "下游驿站", river_point(0.0, -800.0))


@pytest.fixture
def river_client(db_url: str, write_csv: Callable[..., Path]) -> Iterator[TestClient]:
    registry = Registry.open(db_url)
    import_ledger(registry, write_csv([ACROSS, DOWNSTREAM]))
    save_network(registry.engine, river_graph(), profile="walk", region=RIVER_COUNTY,
                 counties=[RIVER_COUNTY], source="river", source_bytes=0)
    registry.close()
    with TestClient(create_app(Settings(db=db_url, seed_demo=False))) as client:
        client.app.state.services.networks.load_all()  # type: ignore[attr-defined]
        yield client


def test_nearest_results_are_ranked_by_road(river_client: TestClient) -> None:
    lon, lat = river_point(0.0, 0.0)
    body = river_client.get(f"/api/nearest?lon={lon}&lat={lat}&k=2").json()
    ids = [r["id"] for r in body["results"]]
    assert ids == ["W1", "E1"]  # the one across the river is nearer only as the crow flies
    near, far = body["results"]
    assert near["distance_m"] > far["distance_m"]
    assert near["road_distance_m"] == pytest.approx(800.0, rel=1e-2)
    assert far["road_distance_m"] == pytest.approx(4_300.0, rel=1e-2)
    assert near["travel_minutes"] == pytest.approx(12.0, rel=1e-2)  # 800 m at 4 km/h
    only = river_client.get(f"/api/nearest?lon={lon}&lat={lat}&k=1").json()["results"]
    assert [r["id"] for r in only] == ["W1"]


def test_nearest_away_from_any_network_is_as_before(river_client: TestClient) -> None:
    body = river_client.get("/api/nearest?lon=113.75&lat=34.70&k=2").json()
    assert [r["road_distance_m"] for r in body["results"]] == [None, None]
    assert body["results"][0]["distance_m"] <= body["results"][1]["distance_m"]
    assert river_client.get("/api/nearest?lon=113.6&lat=34.7&k=0").status_code == 422


def test_coverage_along_roads_over_http(river_client: TestClient) -> None:
    body = river_client.get(f"/api/coverage?region={RIVER_COUNTY}&network=walk&reach_m=1000").json()
    assert body["reach"]["method"] == "network" and body["reach"]["network"] == "walk"
    row = body["regions"][0]
    assert row["method"] == "network"
    assert row["covered_km2"] < row["circle_covered_km2"]
    plain = river_client.get(f"/api/coverage?region={RIVER_COUNTY}").json()
    assert "reach" not in plain and "method" not in plain["regions"][0]
    page = river_client.get(f"/maps/coverage?region={RIVER_COUNTY}&network=walk&minutes=15")
    assert page.status_code == 200 and "沿路网" in page.text


@pytest.mark.parametrize(("query", "field"), [
    ("network=boat", "network"), ("network=walk&minutes=-1", "minutes"),
    ("minutes=15", "minutes"), ("network=walk&buffer_m=abc", "buffer_m"),
])
def test_bad_reach_is_a_422_naming_the_parameter(river_client: TestClient, query: str,
                                                 field: str) -> None:
    response = river_client.get(f"/api/coverage?region={RIVER_COUNTY}&{query}")
    assert response.status_code == 422
    assert field in response.text
