"""The ``regions`` collection: provinces, cities and counties with stations and coverage."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient

from geodata.regions import regions_frame
from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from web.app import create_app

ITEMS = "/ogc/collections/regions/items"


@pytest.fixture(scope="module")
def ogc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The regions are computed in memory from the registry: one database is enough."""
    tmp = tmp_path_factory.mktemp("regions")
    ledger = tmp / "ledger.csv"
    with ledger.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([LEDGER_HEADER, *GOOD_ROWS])
    url = f"sqlite:///{tmp / 'stations.db'}"
    reg = Registry.open(url)
    import_ledger(reg, ledger)
    reg.close()
    with TestClient(create_app(Settings(db=url, seed_demo=False, home=tmp))) as c:
        yield c


@pytest.mark.parametrize(
    ("query", "count"),
    [
        pytest.param("level=province", 34, id="provinces"),
        pytest.param("level=city", 368, id="cities"),
        pytest.param("level=county", 2891, id="counties"),
        pytest.param("", 34 + 368 + 2891, id="everything"),
        pytest.param("level=city&adcode=410000", len([a for a in regions_frame("city")["adcode"]
                                                      if a.startswith("41")]), id="cities-of-henan"),
        pytest.param("level=province,city&adcode=410100", 1, id="one-city"),
    ],
)
def test_level_and_adcode_filters(ogc: TestClient, query: str, count: int) -> None:
    body = ogc.get(f"{ITEMS}?{query}&limit=1").json()
    assert body["numberMatched"] == count


def test_a_city_carries_its_stations_and_coverage_per_kind(ogc: TestClient) -> None:
    feature = ogc.get(f"{ITEMS}/city-410100").json()
    props = feature["properties"]
    assert props["name"] == "郑州市" and props["level"] == "city" and props["parent_adcode"] == "410000"
    assert props["outdoor_worker_station_count"] == 2  # ZZ3 is only planned
    assert props["driver_home_count"] == 0 and props["stations"] == 2
    # two 1 km circles (about 3.1 km² each) in a city of about 7,500 km²
    assert 2 * 3.0 / props["area_km2"] < props["outdoor_worker_station_coverage_ratio"] < 2 * 3.2 / props["area_km2"]
    assert props["driver_home_coverage_ratio"] == 0
    geometry = shapely.geometry.shape(feature["geometry"])
    assert geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid
    assert geometry.contains(shapely.Point(113.6601, 34.7786))
    # driver homes reach 50 km: the Anhui home covers part of 含山县 and more
    hanshan = ogc.get(f"{ITEMS}/county-340522").json()["properties"]
    assert hanshan["driver_home_count"] == 1 and hanshan["driver_home_coverage_ratio"] > 0.9


def test_bbox_keeps_the_regions_it_touches(ogc: TestClient) -> None:
    body = ogc.get(f"{ITEMS}?level=county&bbox=113.65,34.77,113.67,34.79&limit=100").json()
    assert "county-410105" in [f["id"] for f in body["features"]]  # 金水区
    assert body["numberMatched"] < 6


def test_pages_walk_the_counties_by_next_links(ogc: TestClient) -> None:
    seen: list[str] = []
    url: str | None = f"{ITEMS}?level=county&adcode=410100&limit=4"
    while url:
        body = ogc.get(url).json()
        seen += [f["id"] for f in body["features"]]
        url = next((x["href"] for x in body["links"] if x["rel"] == "next"), None)
    expected = sorted(f"county-{a}" for a in regions_frame("county")["adcode"] if a.startswith("4101"))
    assert seen == expected and len(seen) > 8


def test_regions_in_web_mercator(ogc: TestClient) -> None:
    response = ogc.get(f"{ITEMS}/province-410000?crs=EPSG:3857")
    assert response.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3857>"
    west, south, east, north = shapely.geometry.shape(response.json()["geometry"]).bounds
    assert 12_200_000 < west < east < 13_100_000 and 3_600_000 < south < north < 4_400_000


@pytest.mark.parametrize(
    ("url", "status"),
    [
        pytest.param(f"{ITEMS}?level=town", 400, id="unknown-level"),
        pytest.param(f"{ITEMS}?kind=driver_home", 400, id="stations-filter"),
        pytest.param(f"{ITEMS}/county-999999", 404, id="unknown-region"),
        pytest.param(f"{ITEMS}/410100", 404, id="adcode-without-level"),
    ],
)
def test_bad_requests(ogc: TestClient, url: str, status: int) -> None:
    assert ogc.get(url).status_code == status


def test_the_regions_page_in_a_browser_lists_them(ogc: TestClient, tmp_path: Path) -> None:
    page = ogc.get(f"{ITEMS}?level=province&f=html&limit=5").text
    assert "北京市" in page and "outdoor_worker_station_coverage_ratio" in page
