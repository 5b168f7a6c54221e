"""What the driver page asks of the API, without a browser: reach, hours, travel modes,
carriageways, the stations kept offline, the manifest, the service worker and local docs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from geodata.geodesy import distance_m
from stations.config import Settings
from stations.io.demo import seed_demo
from stations.store.registry import Registry
from web.app import create_app
from web.routers.pages import PAGE_TEXT_FILE

ZHENGZHOU = {"lon": 113.6253, "lat": 34.7466}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('driver') / 'stations.db'}"
    registry = Registry.open(url)
    seed_demo(registry)
    registry.close()
    with TestClient(create_app(Settings(db=url, seed_demo=False))) as client:
        yield client


def nearest(demo: TestClient, **params: Any) -> Any:
    response = demo.get("/api/nearest", params=ZHENGZHOU | params)
    assert response.status_code == 200, response.text
    return response.json()


def test_within_reach_only_and_the_nearest_beyond_named_apart(demo: TestClient) -> None:
    near = nearest(demo, k=10, reach_m=3000, kind="outdoor_worker_station")
    assert near["reach_m"] == 3000 and near["beyond"] is None
    assert len(near["results"]) == 10 and all(r["distance_m"] <= 3000 for r in near["results"])
    far = nearest(demo, k=10, reach_m=3000, service="toilet")
    assert far["results"] == []
    assert far["beyond"]["distance_m"] > 200_000 and "toilet" in far["beyond"]["services"]
    assert far["beyond"]["id"] == nearest(demo, k=1, service="toilet")["results"][0]["id"]
    none = nearest(demo, reach_m=3000, kind="outdoor_worker_station", service="shower")
    assert none == {"results": [], "reach_m": 3000, "beyond": None}
    # a hard limit holds for the one beyond, too
    capped = nearest(demo, reach_m=3000, service="toilet", max_distance_m=100_000)
    assert capped["beyond"] is None
    assert "reach_m" not in nearest(demo)  # without reach_m, the answer is as it was


@pytest.mark.parametrize(("value", "field"), [("0", "reach_m"), ("-5", "reach_m"),
                                              ("600000", "reach_m"), ("x", "reach_m"),
                                              ("plane", "travel")])
def test_bad_reach_or_travel_is_a_422_naming_it(demo: TestClient, value: str, field: str) -> None:
    response = demo.get("/api/nearest", params=ZHENGZHOU | {field: value})
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == field


def test_results_carry_hours_in_china_time(demo: TestClient) -> None:
    results = nearest(demo, k=100, max_distance_m=300_000)["results"]
    by_text = {r["opening_hours"]: r["hours"] for r in results}
    assert by_text["24/7"]["state"] == "always"
    for text, hours in by_text.items():
        assert hours["state"] in {"always", "open", "closed", "unknown"}, text
        if hours["state"] == "open":
            assert re.fullmatch(r"\d\d:\d\d", hours["closes_at"]) and hours["opens_at"] is None
            assert 0 <= hours["day_offset"] <= 6 and 0 < hours["minutes"] <= 7 * 1440
        if hours["state"] == "closed":
            assert re.fullmatch(r"\d\d:\d\d", hours["opens_at"]) and hours["closes_at"] is None
    for r in results:  # the same moment as open_now
        assert r["open_now"] is (None if r["hours"]["state"] == "unknown"
                                 else r["hours"]["state"] != "closed")


@pytest.mark.parametrize(("travel", "amap", "baidu"), [("car", "car", "driving"),
                                                       ("ride", "ride", "riding"),
                                                       ("walk", "walk", "walking")])
def test_links_plan_a_route_for_the_travel_mode_from_the_point_searched(
    demo: TestClient, travel: str, amap: str, baidu: str
) -> None:
    r = nearest(demo, k=1, travel=travel)["results"][0]
    assert parse_qs(urlsplit(r["navigation"]["amap"]).query)["mode"] == [amap]
    q = parse_qs(urlsplit(r["navigation"]["baidu"]).query)
    assert q["mode"] == [baidu]
    assert q["origin"][0].startswith("latlng:")  # from where the search was made


def test_route_results_carry_the_same_fields(demo: TestClient) -> None:
    body = {"route": {"type": "LineString", "coordinates": [[117.2, 31.9], [117.8, 31.9]]},
            "corridor_m": 10_000, "travel": "car"}
    found = demo.post("/api/route/stations", json=body).json()["results"]
    assert found and all({"hours", "carriageway", "navigation"} <= set(r) for r in found)
    origin = parse_qs(urlsplit(found[0]["navigation"]["baidu"]).query)["origin"][0]
    assert origin.startswith("latlng:31.9")  # BD-09 of where the route starts


def test_service_areas_say_which_carriageway(demo: TestClient) -> None:
    results = nearest(demo, lon=117.71, lat=31.96, k=2, kind="driver_home")["results"]
    sides = {r["name"]: r["carriageway"] for r in results}
    east = sides["文集服务区(沪陕高速上海方向)司机之家"]
    west = sides["文集服务区(沪陕高速西安方向)司机之家"]
    assert east["toward"] == "上海" and 45 < east["bearing_deg"] < 135
    assert west["toward"] == "西安" and 250 < west["bearing_deg"] < 320
    assert nearest(demo, k=1)["results"][0]["carriageway"] is None  # a city station


def test_offline_stations_around_a_point(demo: TestClient) -> None:
    body = demo.get("/api/offline/stations", params=ZHENGZHOU | {"radius_m": 15_000,
                                                                 "travel": "ride"}).json()
    assert body["radius_m"] == 15_000 and body["truncated"] is False
    stations = body["stations"]
    assert len(stations) >= 10
    distances = [distance_m(ZHENGZHOU["lon"], ZHENGZHOU["lat"], s["lon"], s["lat"])
                 for s in stations]
    assert distances == sorted(distances) and max(distances) <= 15_000
    every = nearest(demo, k=100, max_distance_m=15_000)["results"]
    assert {s["id"] for s in stations} == {r["id"] for r in every}
    week = next(s for s in stations if s["opening_hours"] == "08:00-20:00")["week"]
    assert week == [[d * 1440 + 480, d * 1440 + 1200] for d in range(7)]
    assert all(parse_qs(urlsplit(s["navigation"]["amap"]).query)["mode"] == ["ride"]
               for s in stations)
    limited = demo.get("/api/offline/stations", params=ZHENGZHOU | {"radius_m": 15_000,
                                                                    "limit": 5}).json()
    assert limited["truncated"] is True and len(limited["stations"]) == 5
    assert limited["radius_m"] < 15_000
    assert [s["id"] for s in limited["stations"]] == [s["id"] for s in stations[:5]]


@pytest.mark.parametrize(("params", "field"), [({"radius_m": 0}, "radius_m"),
                                               ({"radius_m": 400_000}, "radius_m"),
                                               ({"limit": 0}, "limit"),
                                               ({"limit": 10_000}, "limit"),
                                               ({"kind": "bus_stop"}, "kind"),
                                               ({"lat": 95}, "lat")])
def test_offline_stations_refuse_bad_input_naming_it(demo: TestClient, params: dict[str, Any],
                                                     field: str) -> None:
    response = demo.get("/api/offline/stations", params=ZHENGZHOU | params)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == field


def test_manifest_and_service_worker(demo: TestClient) -> None:
    manifest = demo.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["start_url"] == "/" and body["display"] == "standalone"
    assert demo.get("/sw.js").headers["service-worker-allowed"] == "/"


@pytest.mark.parametrize(("url", "page", "cache"), [
    pytest.param("/sw.js", "/", "stations-shell-v1", id="driver"),
    pytest.param("/inspect-sw.js", "/inspect", "stations-inspect-shell-v1", id="inspector"),
])
def test_each_service_worker_is_one_whole_script(demo: TestClient, url: str, page: str, cache: str) -> None:
    worker = demo.get(url)
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "no-cache" in worker.headers["cache-control"]
    text = worker.text
    # self-contained: its own page and cache, and the shared install/fetch code, once
    assert f'const PAGE = "{page}";' in text and f'"{cache[:-2]}"' in text and 'CACHE_PREFIX + "v1"' in text
    assert text.count('addEventListener("fetch"') == text.count("async function networkFirst") == 1
    assert "importScripts" not in text
    kept = re.findall(r'"(/[^"]*)"', text.split("const SHELL = [")[1].split("];")[0])
    assert kept[0] == page
    for path in kept:
        assert demo.get(path).status_code == 200, path  # everything it keeps exists


def test_docs_come_from_the_app_not_a_cdn(demo: TestClient) -> None:
    page = demo.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert demo.get(url).status_code == 200, url
    policy = dict(part.strip().split(" ", 1) for part in
                  page.headers["content-security-policy"].split(";"))
    assert policy["script-src"] == policy["style-src"] == "'self' 'unsafe-inline'"
    assert demo.get("/docs/oauth2-redirect").status_code == 200
    assert demo.get("/openapi.json").json()["paths"]["/api/offline/stations"]


def test_words_built_at_run_time_exist_in_both_languages() -> None:
    text = json.loads(PAGE_TEXT_FILE.read_text(encoding="utf-8"))
    keys = [f"common.weekday_{d}" for d in range(7)]
    keys += [f"driver.side_{s}" for s in ("yours", "other", "unknown")]
    keys += [f"driver.nav_{a}" for a in ("amap", "baidu", "apple", "system")]
    keys += [f"driver.app_{a}" for a in ("amap", "baidu", "apple", "geo")]
    keys += [f"driver.mode_{m}" for m in ("rider", "driver")]
    for key in keys:
        assert text[key]["zh"] and text[key]["en"], key
