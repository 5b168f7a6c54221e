"""The unlocated lifecycle end to end: imported with an address only → listed for inspectors
→ located on site (API, or an inspection) → found by nearest search and counted in coverage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.compliance import TEST_SECRET, all_pass, bearer
from tests.support.waiting import eventually
from web.app import create_app

HEADER = ["name", "kind", "lon", "lat", "address", "services"]
ROWS = [
    ["经三路工会驿站", "outdoor_worker_station", "", "", "郑州市金水区经三路18号", "饮水、充电"],
    ["大学路驿站", "outdoor_worker_station", "", "", "郑州市二七区大学路80号", "饮水"],
    ["located", "outdoor_worker_station", "113.60", "34.80", "郑州市惠济区", "饮水"],
]
# where the inspector stands at 经三路工会驿站 (WGS-84), in 金水区
SITE = (113.6812, 34.7751)


@pytest.fixture
def client(db: str, write_csv: Callable[..., Path], tmp_path: Path) -> Iterator[TestClient]:
    registry = Registry.open(db)
    import_ledger(registry, write_csv(ROWS, header=HEADER, name="unlocated.csv"))
    registry.close()
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET,
                        evidence_dir=str(tmp_path / "evidence"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _id(client: TestClient, name: str) -> str:
    found = client.get("/api/stations", params={"q": name}).json()["features"]
    return str(found[0]["id"])


def _nearest_names(client: TestClient) -> list[str]:
    body = client.get("/api/nearest", params={"lon": SITE[0], "lat": SITE[1], "k": 10}).json()
    return [r["name"] for r in body["results"]]


def _coverage_row(client: TestClient, adcode: str) -> dict[str, Any]:
    body = client.get("/api/coverage", params={"region": "410100"}).json()
    return next(r for r in body["regions"] if r["adcode"] == adcode)


def test_imported_without_coordinates_then_located_on_site(client: TestClient) -> None:
    sid = _id(client, "经三路")
    feature = client.get(f"/api/stations/{sid}").json()
    assert feature["geometry"] is None and feature["properties"]["lon"] is None
    assert feature["properties"]["county"] == "金水区"
    # listed for inspectors, with the address to go to; never found by nearest; counted apart
    queue = client.get("/api/queues/unlocated", params={"region": "410100"}, headers=bearer("inspector"))
    assert queue.status_code == 200
    assert [s["name"] for s in queue.json()["stations"]] == ["大学路驿站", "经三路工会驿站"]
    assert queue.json()["stations"][1]["address"] == "郑州市金水区经三路18号"
    assert "经三路工会驿站" not in _nearest_names(client)
    row = _coverage_row(client, "410105")  # ZZ1 of the seeded ledger is there too
    assert (row["stations"], row["unlocated"]) == (1, 1)
    totals = client.get("/api/coverage", params={"region": "410100"}).json()["region"]
    assert totals["unlocated"] == 2

    # a planner may read the queue but not locate; an inspector standing there may
    assert client.post(f"/api/stations/{sid}/location", json={"lon": 1, "lat": 2},
                       headers=bearer("planner")).status_code == 403
    assert client.post(f"/api/stations/{sid}/location", json={"lon": SITE[0], "lat": SITE[1]}
                       ).status_code == 401
    bad = client.post(f"/api/stations/{sid}/location", json={"lon": 2.35, "lat": 48.85},
                      headers=bearer("inspector"))
    assert bad.status_code == 422 and "lon,lat" in bad.json()["detail"]["field"]
    done = client.post(f"/api/stations/{sid}/location",
                       json={"lon": SITE[0], "lat": SITE[1], "crs": "wgs84"}, headers=bearer("inspector"))
    assert done.status_code == 200, done.text
    assert done.json()["geometry"]["coordinates"] == [SITE[0], SITE[1]]
    assert done.json()["properties"]["adcode"] == "410105"

    last = client.get(f"/api/stations/{sid}/history",
                      headers=bearer("inspector")).json()["history"][-1]  # staff see who
    assert (last["actor"], last["action"]) == ("inspector", "locate")
    assert "located on site" in last["reason"] and last["changes"]["lon"] == [None, SITE[0]]
    assert eventually(lambda: "经三路工会驿站" in _nearest_names(client))  # the index catches up
    row = _coverage_row(client, "410105")
    assert (row["stations"], row["unlocated"]) == (2, 0)
    names = [s["name"] for s in client.get("/api/queues/unlocated", headers=bearer("admin")).json()["stations"]]
    assert names == ["大学路驿站"]


def test_an_inspection_on_site_can_set_the_location(client: TestClient) -> None:
    sid = _id(client, "大学路")
    checklist = client.get(f"/api/stations/{sid}/checklist").json()
    assert checklist["prefill"]["on_map"]["value"] is False
    assert "no coordinates" in checklist["prefill"]["on_map"]["explanation"]
    body = {"station_id": sid, "results": all_pass(), "crs": "gcj02", "set_location": True}
    refused = client.post("/api/inspections", json=body, headers=bearer("inspector"))
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == "set_location"
    from geodata.crs import wgs84_to_gcj02

    lon, lat = (float(v) for v in wgs84_to_gcj02(113.6401, 34.7236))
    stored = client.post("/api/inspections", json=body | {"lon": lon, "lat": lat},
                         headers=bearer("inspector"))
    assert stored.status_code == 201, stored.text
    assert stored.json()["on_site"] is True
    station = client.get(f"/api/stations/{sid}").json()
    assert station["geometry"]["coordinates"] == pytest.approx([113.6401, 34.7236], abs=1e-5)
    last = client.get(f"/api/stations/{sid}/history",
                      headers=bearer("inspector")).json()["history"][-1]  # staff see who
    assert last["action"] == "locate" and f"inspection {stored.json()['id']}" in last["reason"]
    assert "gcj02" in last["reason"]


def test_an_inspection_of_an_unlocated_station_without_set_location_leaves_it_unlocated(
    client: TestClient,
) -> None:
    sid = _id(client, "大学路")
    body = {"station_id": sid, "results": all_pass(), "lon": SITE[0], "lat": SITE[1]}
    stored = client.post("/api/inspections", json=body, headers=bearer("inspector"))
    assert stored.status_code == 201, stored.text
    assert stored.json()["on_site"] is None
    assert client.get(f"/api/stations/{sid}").json()["geometry"] is None
