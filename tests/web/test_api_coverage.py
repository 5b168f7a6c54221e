"""``GET /api/coverage`` and ``POST /api/coverage/demand`` on a real database, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from geodata.regions import region
from stations.store.registry import Registry

DEMAND_CSV = "经度,纬度,权重\n113.6601,34.7786,10\n113.70,34.80,5\n113.9,34.6,1\n"


def test_coverage_of_a_city_by_county(client: TestClient) -> None:
    response = client.get("/api/coverage?region=410100&radius_m=1000")
    assert response.status_code == 200
    body = response.json()
    assert [r["adcode"] for r in body["regions"]] == [c.adcode for c in region("410100").children()]
    by_code = {r["adcode"]: r for r in body["regions"]}
    assert by_code["410105"]["stations"] == 1  # ZZ1, active
    assert by_code["410102"]["stations"] == 0  # ZZ3 is only planned
    assert by_code["410105"]["covered_km2"] == pytest.approx(3.1416, rel=1e-3)
    assert body["region"]["stations"] == 2 and body["radius_m"] == 1000


def test_country_by_province_is_the_default(client: TestClient) -> None:
    body = client.get("/api/coverage?kind=driver_home").json()
    assert body["region"]["adcode"] == "100000"
    assert len(body["regions"]) == len(region(None).children())
    anhui = next(r for r in body["regions"] if r["adcode"] == "340000")
    assert anhui["stations"] == 1
    assert anhui["covered_km2"] > 7_000  # one 50 km driver home, mostly inside Anhui


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("region=999999", "region", id="unknown-region"),
        pytest.param("radius_m=0", "radius_m", id="zero-radius"),
        pytest.param("radius_m=-10", "radius_m", id="negative-radius"),
        pytest.param("radius_m=500000", "radius_m", id="absurd-radius"),
        pytest.param("radius_m=abc", "radius_m", id="radius-not-a-number"),
        pytest.param("kind=bus_stop", "kind", id="unknown-kind"),
        pytest.param("region=410100&by=province", "by", id="level-above"),
        pytest.param("suggest=3", "suggest", id="suggest-without-demand"),
    ],
)
def test_bad_parameters_are_named_in_a_4xx(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/coverage?{query}")
    assert 400 <= response.status_code < 500
    detail = response.json()["detail"]
    assert detail["field"] == field
    assert field in detail["message"] or "invalid parameter" in detail["message"]


def test_answers_follow_registry_changes(client: TestClient, db_url: str) -> None:
    url = "/api/coverage?region=410100&radius_m=1000"
    before = client.get(url).json()
    assert client.get(url).json() == before
    other = Registry.open(db_url)  # another instance writes
    other.set_status("ZZ2", "suspended", reason="装修", actor="test")
    other.close()
    after = client.get(url).json()
    assert after["region"]["stations"] == before["region"]["stations"] - 1
    assert after["revision"] > before["revision"]


def test_demand_upload_as_csv(client: TestClient) -> None:
    response = client.post("/api/coverage/demand?region=410100&radius_m=1000&gaps=true",
                           files={"file": ("demand.csv", DEMAND_CSV.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"]["demand_weight"] == pytest.approx(16)
    assert body["region"]["covered_weight"] == pytest.approx(10)
    assert body["gaps_basis"] == "demand"
    assert [round(g["uncovered_weight"]) for g in body["gaps"]] == [5, 1]


def test_demand_as_geojson_with_suggested_sites(client: TestClient) -> None:
    features = [{"type": "Feature", "properties": {"weight": w},
                 "geometry": {"type": "Point", "coordinates": [x, y]}}
                for x, y, w in ((113.70, 34.80, 5), (113.9, 34.6, 1))]
    response = client.post("/api/coverage/demand?region=410100&radius_m=1000&suggest=1",
                           json={"type": "FeatureCollection", "features": features})
    assert response.status_code == 200, response.text
    (site,) = response.json()["suggestions"]
    assert site["gain_weight"] == pytest.approx(5)
    assert site["lon"] == pytest.approx(113.70, abs=0.01)


def test_bad_demand_rows_are_listed(client: TestClient) -> None:
    bad = "lon,lat,weight\n113.7,34.8,1\n113.7,abc,1\n113.7,34.8,-1\n"
    response = client.post("/api/coverage/demand?region=410100",
                           files={"file": ("demand.csv", bad.encode(), "text/csv")})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(3, "lat"), (4, "weight")]


def test_demand_body_must_be_given(client: TestClient) -> None:
    response = client.post("/api/coverage/demand?region=410100")
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "body"


def run_cli(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"}
    return subprocess.run([sys.executable, "-m", "stations", "coverage", *args, "--db", db_url],
                          capture_output=True, text=True, env=env, timeout=180)


def test_the_cli_prints_the_same_json_and_refuses_bad_input(client: TestClient, db_url: str,
                                                            tmp_path: Path) -> None:
    api = client.get("/api/coverage?region=410100&radius_m=1000").json()
    out = tmp_path / "map.html"
    done = run_cli("--region", "410100", "--radius-m", "1000", "--json", "--out", str(out),
                   db_url=db_url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["regions"] == api["regions"]
    assert out.stat().st_size > 100_000 and "<script src=" not in out.read_text("utf-8")
    refused = run_cli("--region", "410100", "--radius-m", "0", db_url=db_url)
    assert refused.returncode == 1
    assert "radius_m" in refused.stderr and "Traceback" not in refused.stderr
