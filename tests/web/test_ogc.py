"""OGC API - Features under ``/ogc``, on both databases: documents, filters, keyset paging,
CRS, errors and HTML views (real clients: ``test_ogc_clients.py``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.databases import BACKENDS, postgis_schema_url
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from web.app import create_app

ITEMS = "/ogc/collections/stations/items"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
# GOOD_ROWS (three in Zhengzhou, ZZ3 planned; one driver home in Anhui), a revoked and a
# closed station (never published) and a suspended one
EXTRA_ROWS = [
    ["ZZ4", "已撤销驿站", "outdoor_worker_station", "113.6501", "34.7601", "", "toilet", "", "", "revoked", ""],
    ["ZZ5", "已关闭驿站", "outdoor_worker_station", "113.6502", "34.7602", "", "toilet", "", "", "closed", ""],
    ["ZZ6", "暂停驿站", "outdoor_worker_station", "113.6503", "34.7603", "", "toilet;wifi", "", "", "suspended", ""],
]
PUBLISHED = ["AH1", "ZZ1", "ZZ2", "ZZ3", "ZZ6"]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([LEDGER_HEADER, *rows])
    return path


def serve(url: str, ledger: Path) -> Iterator[TestClient]:
    reg = Registry.open(url)
    import_ledger(reg, ledger)
    reg.close()
    with TestClient(create_app(Settings(db=url, seed_demo=False))) as c:
        yield c


@pytest.fixture(scope="module", params=BACKENDS)
def ogc(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app per backend for the tests that only read (the registry never changes)."""
    tmp = tmp_path_factory.mktemp("ogc")
    ledger = write_rows(tmp / "ledger.csv", GOOD_ROWS + EXTRA_ROWS)
    if request.param == "sqlite":
        yield from serve(f"sqlite:///{tmp / 'stations.db'}", ledger)
        return
    for url in postgis_schema_url():
        yield from serve(url, ledger)


def ids(body: dict[str, Any]) -> list[str]:
    return [f["id"] for f in body["features"]]


def rel(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [link for link in body["links"] if link["rel"] == name]


def test_landing_page_links_everything_a_client_needs(ogc: TestClient) -> None:
    response = ogc.get("/ogc")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert all(link["href"].startswith("http://testserver/ogc") for link in body["links"])
    assert ogc.get("/ogc/").json()["title"] == body["title"]


def test_conformance_declares_core_geojson_html_oas30_and_crs(ogc: TestClient) -> None:
    classes = ogc.get("/ogc/conformance").json()["conformsTo"]
    for name in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                 "ogcapi-features-1/1.0/conf/html", "ogcapi-features-1/1.0/conf/oas30",
                 "ogcapi-features-2/1.0/conf/crs"):
        assert f"http://www.opengis.net/spec/{name}" in classes


def test_api_is_openapi_30_naming_each_items_path_with_its_filters(ogc: TestClient) -> None:
    response = ogc.get("/ogc/api")
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = response.json()
    assert doc["openapi"].startswith("3.0.")
    assert doc["servers"] == [{"url": "http://testserver/ogc"}]
    params = doc["components"]["parameters"]

    def names(path: str) -> set[str]:
        return {params[p["$ref"].rsplit("/", 1)[1]]["name"] for p in doc["paths"][path]["get"]["parameters"]}

    assert {"kind", "status", "service", "adcode", "bbox", "limit", "datetime", "crs"} <= names(
        "/collections/stations/items")
    assert {"level", "adcode", "bbox"} <= names("/collections/regions/items")
    assert params["limit"]["schema"]["maximum"] == 10_000
    assert ogc.get("/ogc/api?f=html").headers["content-type"].startswith("text/html")


def test_collections_describe_both_layers_in_the_same_words(ogc: TestClient) -> None:
    listed = {c["id"]: c for c in ogc.get("/ogc/collections").json()["collections"]}
    assert set(listed) == {"stations", "regions"}
    for cid, described in listed.items():
        alone = ogc.get(f"/ogc/collections/{cid}")
        assert alone.headers["content-crs"] == f"<{CRS84}>"
        alone_body = alone.json()
        for key in ("id", "title", "description", "extent"):
            assert alone_body[key] == described[key]
        assert described["crs"][0] == CRS84 and described["storageCrs"] == CRS84
        assert {EPSG + "4326", EPSG + "4490", EPSG + "3857"} <= set(described["crs"])
    west, south, east, north = listed["stations"]["extent"]["spatial"]["bbox"][0]
    assert (west, south, east, north) == (113.6121, 31.583, 118.021, 34.7786)


def test_items_are_the_published_stations_with_their_public_fields(ogc: TestClient) -> None:
    response = ogc.get(ITEMS)
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-crs"] == f"<{CRS84}>"
    body = response.json()
    assert ids(body) == PUBLISHED  # never revoked or closed
    assert body["numberMatched"] == body["numberReturned"] == 5
    zz1 = body["features"][1]
    assert zz1["geometry"] == {"type": "Point", "coordinates": [113.6601, 34.7786]}
    props = zz1["properties"]
    assert props["name"] == "金水区爱心驿站" and props["county"] == "金水区"
    assert props["services"] == "drinking_water;toilet;phone_charging"
    assert props["updated"].endswith("Z")
    assert "links" not in zz1  # per-feature links would double the page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("kind=driver_home", ["AH1"], id="kind"),
        pytest.param("status=planned,suspended", ["ZZ3", "ZZ6"], id="statuses"),
        pytest.param("service=drinking_water,first_aid", ["ZZ2"], id="services-all"),
        pytest.param("service=toilet&service=wifi", ["ZZ6"], id="services-repeated"),
        pytest.param("adcode=410100", ["ZZ1", "ZZ2", "ZZ3", "ZZ6"], id="adcode-city"),
        pytest.param("adcode=340000", ["AH1"], id="adcode-province"),
        pytest.param("bbox=113.63,34.72,113.67,34.79", ["ZZ1", "ZZ2", "ZZ6"], id="bbox"),
        pytest.param("bbox=113.63,34.72,0,113.67,34.79,100", ["ZZ1", "ZZ2", "ZZ6"], id="bbox-3d"),
        pytest.param("bbox=34.72,113.63,34.79,113.67&bbox-crs=EPSG:4490", ["ZZ1", "ZZ2", "ZZ6"],
                     id="bbox-cgcs2000-lat-first"),
        pytest.param(f"bbox=34.72,113.63,34.79,113.67&bbox-crs={EPSG}4326", ["ZZ1", "ZZ2", "ZZ6"],
                     id="bbox-4326-uri"),
        pytest.param("bbox=12649233,4125895,12653686,4135379&bbox-crs=EPSG:3857",
                     ["ZZ1", "ZZ2", "ZZ6"], id="bbox-web-mercator"),
        pytest.param("datetime=2000-01-01T00:00:00Z/..", PUBLISHED, id="datetime-open-end"),
        pytest.param("datetime=../2000-01-01", [], id="datetime-before-anything"),
        pytest.param("kind=outdoor_worker_station&status=active&bbox=113,34,114,35", ["ZZ1", "ZZ2"],
                     id="combined"),
    ],
)
def test_filters(ogc: TestClient, query: str, expected: list[str]) -> None:
    body = ogc.get(f"{ITEMS}?{query}").json()
    assert ids(body) == expected
    assert body["numberMatched"] == len(expected)


def test_next_links_walk_every_page_once_with_keyset_cursors(ogc: TestClient) -> None:
    seen: list[str] = []
    url: str | None = f"{ITEMS}?limit=2"
    pages = 0
    while url:
        body = ogc.get(url).json()
        assert body["numberMatched"] == 5 and body["numberReturned"] == len(body["features"])
        seen += ids(body)
        pages += 1
        following = rel(body, "next")
        url = following[0]["href"] if following else None
        if url:
            assert "after=" in url and "offset" not in url
    assert seen == PUBLISHED and pages == 3
    last = ogc.get(f"{ITEMS}?limit=2&after=ZZ2").json()
    assert ids(last) == ["ZZ3", "ZZ6"] and not rel(last, "next")
    back = ogc.get(rel(last, "prev")[0]["href"]).json()
    assert ids(back) == ["ZZ1", "ZZ2"]
    first = ogc.get(rel(back, "prev")[0]["href"]).json()
    assert ids(first) == ["AH1"] and not rel(first, "prev")


def test_a_page_stays_put_when_a_station_is_added_before_it(db_url: str, tmp_path: Path) -> None:
    for client in serve(db_url, write_rows(tmp_path / "ledger.csv", GOOD_ROWS + EXTRA_ROWS)):
        first = client.get(f"{ITEMS}?limit=2").json()
        reg = Registry.open(db_url)
        import_ledger(reg, write_rows(tmp_path / "more.csv", [
            ["AA0", "新驿站", "outdoor_worker_station", "113.6", "34.7", "", "", "", "", "active", ""]]))
        reg.close()
        following = client.get(rel(first, "next")[0]["href"]).json()
        assert ids(following) == ["ZZ2", "ZZ3"]
        assert following["numberMatched"] == 6  # the count follows the registry's revision
        # whereas an offset page shifts: it was ZZ1, ZZ2 before AA0 came
        assert ids(client.get(f"{ITEMS}?limit=2&offset=1").json()) == ["AH1", "ZZ1"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("limit=unlimited", "limit", id="limit-not-a-number"),
        pytest.param("limit=0", "limit", id="limit-zero"),
        pytest.param("offset=-1", "offset", id="negative-offset"),
        pytest.param("ooga=booga", "ooga", id="unknown-parameter"),
        pytest.param("level=county", "level", id="other-collections-filter"),
        pytest.param("kind=bank", "kind", id="unknown-kind"),
        pytest.param("status=revoked", "status", id="unpublished-status"),
        pytest.param("service=beer", "service", id="unknown-service"),
        pytest.param("adcode=41", "adcode", id="short-adcode"),
        pytest.param("bbox=1,2,3", "bbox", id="bbox-three-numbers"),
        pytest.param("bbox=114,35,113,34", "bbox", id="bbox-south-above-north"),
        pytest.param("bbox=113,34,114,35&bbox-crs=EPSG:2000", "bbox-crs", id="unknown-bbox-crs"),
        pytest.param("bbox-crs=EPSG:4326", "bbox-crs", id="bbox-crs-alone"),
        pytest.param("crs=EPSG:4479", "crs", id="unknown-crs"),
        pytest.param("datetime=yesterday", "datetime", id="bad-datetime"),
        pytest.param("datetime=2024-01-01T00:00:00", "datetime", id="datetime-without-zone"),
        pytest.param("datetime=2024-02-01/2024-01-01", "datetime", id="interval-backwards"),
        pytest.param("f=xml", "f", id="unknown-format"),
        pytest.param("after=ZZ1&offset=2", "offset", id="cursor-and-offset"),
        pytest.param("limit=1&limit=2", "limit", id="repeated"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(ogc: TestClient, query: str, field: str) -> None:
    response = ogc.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert body["detail"]["field"] == field
    assert " / " in body["description"]  # Chinese, then English


def test_a_limit_above_the_maximum_is_served_as_the_maximum(ogc: TestClient) -> None:
    assert ogc.get(f"{ITEMS}?limit=50000").json()["numberReturned"] == 5


@pytest.mark.parametrize(
    ("crs", "expected"),
    [
        pytest.param("EPSG:4326", [34.7786, 113.6601], id="wgs84-lat-first"),
        pytest.param(f"{EPSG}4490", [34.7786, 113.6601], id="cgcs2000-lat-first"),
        pytest.param("EPSG:3857", [12652584.46, 4133834.32], id="web-mercator"),
        pytest.param(CRS84, [113.6601, 34.7786], id="crs84"),
    ],
)
def test_features_in_each_crs_say_so(ogc: TestClient, crs: str, expected: list[float]) -> None:
    response = ogc.get(f"{ITEMS}?crs={crs}&kind=outdoor_worker_station&limit=1")
    uri = crs if crs.startswith("http") else EPSG + crs.split(":")[1]
    assert response.headers["content-crs"] == f"<{uri}>"
    coordinates = response.json()["features"][0]["geometry"]["coordinates"]
    assert coordinates == pytest.approx(expected, abs=0.01)
    one = ogc.get(f"/ogc/collections/stations/items/ZZ1?crs={crs}")
    assert one.headers["content-crs"] == f"<{uri}>"
    assert one.json()["geometry"]["coordinates"] == pytest.approx(expected, abs=0.01)


def test_one_feature_links_itself_and_its_collection(ogc: TestClient) -> None:
    response = ogc.get("/ogc/collections/stations/items/ZZ2")
    assert response.headers["content-type"] == "application/geo+json"
    feature = response.json()
    assert feature["id"] == "ZZ2" and feature["properties"]["opening_hours"] == "24/7"
    assert {"self", "alternate", "collection"} <= {link["rel"] for link in feature["links"]}


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/ogc/collections/stations/items/ZZ4", id="revoked-station"),
        pytest.param("/ogc/collections/stations/items/nope", id="unknown-station"),
        pytest.param("/ogc/collections/roads", id="unknown-collection"),
        pytest.param("/ogc/collections/roads/items", id="unknown-collection-items"),
    ],
)
def test_what_is_not_published_is_404(ogc: TestClient, url: str) -> None:
    response = ogc.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        pytest.param(f"{ITEMS}?f=html", {}, id="items-f-html"),
        pytest.param(ITEMS, {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, id="items-accept"),
        pytest.param("/ogc/collections/stations/items/ZZ1?f=html", {}, id="one-station"),
        pytest.param("/ogc", {"accept": "text/html"}, id="landing"),
        pytest.param("/ogc/collections?f=html", {}, id="collections"),
        pytest.param("/ogc/collections/stations?f=html", {}, id="collection"),
        pytest.param("/ogc/conformance?f=html", {}, id="conformance"),
    ],
)
def test_browsers_get_html(ogc: TestClient, url: str, headers: dict[str, str]) -> None:
    response = ogc.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text


def test_html_pages_speak_one_language_at_a_time(ogc: TestClient) -> None:
    zh = ogc.get(f"{ITEMS}?f=html&limit=2").text
    en = ogc.get(f"{ITEMS}?f=html&limit=2&lang=en").text
    assert ">下一页<" in zh and ">Next page<" not in zh
    assert ">Next page<" in en and ">下一页<" not in en
    assert "金水区爱心驿站" in zh  # the table lists the page's stations
    assert "application/json" in zh and 'id="ogc-features"' in zh  # data for the map script


def test_an_unlocated_station_has_a_null_geometry_and_no_bbox_finds_it(db_url: str, tmp_path: Path) -> None:
    unlocated = ["ZZ7", "无坐标驿站", "outdoor_worker_station", "", "", "河南省郑州市金水区花园路8号",
                 "toilet", "", "", "active", ""]
    for client in serve(db_url, write_rows(tmp_path / "ledger.csv", [*GOOD_ROWS, unlocated])):
        for crs in ("", "&crs=EPSG:3857"):
            body = client.get(f"{ITEMS}?adcode=410105{crs}").json()
            by_id = {f["id"]: f for f in body["features"]}
            assert set(by_id) == {"ZZ1", "ZZ7"}  # found by its region, from the address
            assert by_id["ZZ7"]["geometry"] is None and by_id["ZZ1"]["geometry"] is not None
        assert ids(client.get(f"{ITEMS}?bbox=113,34,114,35").json()) == ["ZZ1", "ZZ2", "ZZ3"]
        assert client.get(f"{ITEMS}/ZZ7").json()["geometry"] is None


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        pytest.param("kind = 'driver_home'", ["AH1"], id="equals"),
        pytest.param("(kind = 'outdoor_worker_station') AND (status <> 'active')", ["ZZ3", "ZZ6"],
                     id="gdal-style"),
        pytest.param("county LIKE '金水%' OR county = '二七区'", ["ZZ1", "ZZ2", "ZZ6"], id="like-or"),
        pytest.param("status IN ('planned', 'suspended')", ["ZZ3", "ZZ6"], id="in"),
        pytest.param("NOT adcode BETWEEN '410000' AND '419999'", ["AH1"], id="not-between"),
        pytest.param("phone IS NULL AND status = 'active'", ["AH1", "ZZ2"], id="is-null"),
        pytest.param("updated > TIMESTAMP('2000-01-01T00:00:00Z')", PUBLISHED, id="updated"),
        pytest.param("status = 'revoked'", [], id="unpublished-stays-unpublished"),
    ],
)
def test_cql2_text_filters(ogc: TestClient, cql: str, expected: list[str]) -> None:
    body = ogc.get(ITEMS, params={"filter": cql, "filter-lang": "cql2-text"}).json()
    assert ids(body) == expected and body["numberMatched"] == len(expected)


def test_queryables_name_what_a_filter_may_use(ogc: TestClient) -> None:
    response = ogc.get("/ogc/collections/stations/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    properties = response.json()["properties"]
    assert properties["kind"]["enum"] == ["outdoor_worker_station", "driver_home"]
    assert properties["updated"]["format"] == "date-time"
    assert ogc.get(ITEMS, params={"filter": "beer = 1"}).json()["detail"]["field"] == "filter"
    assert ogc.get(f"{ITEMS}?filter=kind%3D%27x%27&filter-lang=cql2-json").status_code == 400
    assert ogc.get("/ogc/collections/regions/items?filter=level%3D%27city%27").status_code == 400
