"""The pages without a browser: security headers, no inline code, the text dictionary,
region lookups, the coverage table download and the station name filter."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.demo import seed_demo
from stations.store.registry import Registry
from web.app import create_app
from web.middleware import tile_source
from web.routers.pages import PAGE_TEXT_FILE, TEMPLATES_DIR

PAGES = ("/", "/planner", "/inspect")
STATIC_PAGES_DIR = Path(__file__).resolve().parents[2] / "web" / "static" / "pages"
TILE_URL = "https://{s}.tiles.example.test/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{root / 'stations.db'}"
    registry = Registry.open(url)
    seed_demo(registry)
    registry.close()
    settings = Settings(db=url, seed_demo=False, secret_key="test-secret-for-pages-0123456789",
                        tile_url=TILE_URL, tile_attribution="© 测试 <b>tiles</b>",
                        tile_crs="gcj02")
    with TestClient(create_app(settings)) as c:
        yield c


def csp(response: object) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


# --- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_allow_only_their_own_scripts_and_styles(demo: TestClient, path: str) -> None:
    response = demo.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "https://*.tiles.example.test" in policy["img-src"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_coverage_map_may_run_inline_scripts_but_none_from_elsewhere(demo: TestClient) -> None:
    response = demo.get("/maps/coverage", params={"region": "410100"})
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "https://*.tiles.example.test" in policy["img-src"]
    external = [src for tag, attrs in tags_of(response.text) if tag == "script"
                if (src := attrs.get("src")) and not src.startswith("/")]
    assert external == []


@pytest.mark.parametrize("path", ["/api/stations?limit=1", "/api/regions", "/healthz"])
def test_api_answers_carry_nosniff(demo: TestClient, path: str) -> None:
    response = demo.get(path)
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        pytest.param("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                     "https://tile.openstreetmap.org", id="plain-host"),
        pytest.param("https://{s}.tile.example.org/{z}/{x}/{y}.png",
                     "https://*.tile.example.org", id="subdomain-template"),
        pytest.param("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
                     "https://*.is.autonavi.com", id="template-inside-label"),
        pytest.param("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080",
                     id="port"),
        pytest.param("/tiles/{z}/{x}/{y}.png", None, id="same-origin"),
    ],
)
def test_tile_source(tile_url: str, source: str | None) -> None:
    assert tile_source(tile_url) == source


# --- page markup -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_code(demo: TestClient, path: str) -> None:
    tags = tags_of(demo.get(path).text)
    for tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", attrs
    assert not any(tag == "style" for tag, _ in tags)


@pytest.mark.parametrize("path", PAGES)
def test_every_linked_file_is_served_by_the_app(demo: TestClient, path: str) -> None:
    tags = tags_of(demo.get(path).text)
    links = [attrs.get("src") or attrs.get("href") for tag, attrs in tags
             if tag in ("script", "link") and (attrs.get("src") or attrs.get("href"))]
    assert links
    for link in links:
        # the app's own files (the driver page also links its manifest, /manifest.webmanifest)
        assert link and link.startswith("/") and not link.startswith("//"), link
        assert demo.get(link).status_code == 200, link


def page_config(demo: TestClient, path: str) -> dict[str, object]:
    html = demo.get(path).text
    found = re.search(r'<script type="application/json" id="page-config">(.*?)</script>', html,
                      re.S)
    assert found
    config: dict[str, object] = json.loads(found.group(1))
    return config


def test_page_config_carries_tile_settings_escaped(demo: TestClient) -> None:
    html = demo.get("/").text
    assert "<b>tiles</b>" not in html  # settings text cannot open tags in the page
    config = page_config(demo, "/")
    assert config["tile"] == {"url": TILE_URL, "attribution": "© 测试 <b>tiles</b>",
                              "crs": "gcj02"}


def test_dictionary_has_both_languages_for_every_key_the_pages_use() -> None:
    text = json.loads(PAGE_TEXT_FILE.read_text(encoding="utf-8"))
    for key, entry in text.items():
        assert entry.get("zh") and entry.get("en"), key
    sources = [*TEMPLATES_DIR.glob("*.html"), *STATIC_PAGES_DIR.glob("*.js")]
    used = set()
    for source in sources:
        used |= set(re.findall(r"(?<![\w.])((?:common|driver|planner|inspect)\.[a-z_]+[a-z])\b",
                               source.read_text(encoding="utf-8")))
    used -= {"driver.js", "planner.js", "inspect.js", "common.js"}
    missing = sorted(key for key in used if key not in text)
    assert missing == []
    # keys built at run time: roles and standings
    for suffix in ("role_inspector", "role_planner", "role_admin", "standing_compliant",
                   "standing_failing", "standing_overdue", "standing_never_inspected"):
        assert f"inspect.{suffix}" in text


def test_page_text_is_chinese_first(demo: TestClient) -> None:
    html = demo.get("/").text
    assert '<html lang="zh-CN">' in html
    assert "附近的驿站和司机之家" in html
    assert "卫生间" in html and "货车停车" in html and "营业中" in html


# --- regions ------------------------------------------------------------------------------


def test_provinces(demo: TestClient) -> None:
    body = demo.get("/api/regions").json()
    names = {r["name"] for r in body["regions"]}
    assert {"河南省", "安徽省", "北京市"} <= names
    assert all(r["level"] == "province" and r["has_children"] for r in body["regions"])


@pytest.mark.parametrize(
    ("key", "adcode", "level"),
    [pytest.param("410100", "410100", "city", id="adcode"),
     pytest.param("郑州", "410100", "city", id="short-name"),
     pytest.param("金水区", "410105", "county", id="county-name")],
)
def test_one_region_with_a_point_inside(demo: TestClient, key: str, adcode: str,
                                         level: str) -> None:
    body = demo.get(f"/api/regions/{key}").json()
    assert (body["adcode"], body["level"]) == (adcode, level)
    west, south, east, north = body["bbox"]
    lon, lat = body["center"]
    assert west <= lon <= east and south <= lat <= north


def test_children_go_one_level_down(demo: TestClient) -> None:
    body = demo.get("/api/regions/410100/children").json()
    assert body["region"]["name"] == "郑州市"
    assert {"中原区", "金水区"} <= {r["name"] for r in body["regions"]}
    assert all(r["level"] == "county" and not r["has_children"] for r in body["regions"])


def test_unknown_region_is_404(demo: TestClient) -> None:
    response = demo.get("/api/regions/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]["message"]


# --- coverage table download -----------------------------------------------------------


def test_coverage_csv_has_the_same_figures_as_the_json(demo: TestClient) -> None:
    params = {"region": "410100", "radius_m": "800", "lang": "en"}
    answer = demo.get("/api/coverage", params=params).json()
    response = demo.get("/api/coverage.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="coverage-410100-' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the Chinese
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(answer["regions"]) + 1  # + the region's totals
    for row, region in zip(rows, answer["regions"], strict=False):
        assert row["adcode"] == region["adcode"]
        assert row["region"] == region["name"]
        assert int(row["stations"]) == region["stations"]
        assert float(row["area covered"].rstrip("%")) / 100 == pytest.approx(
            region["coverage_ratio"], abs=5e-5)
    assert rows[-1]["adcode"] == "410100"
    assert int(rows[-1]["stations"]) == answer["region"]["stations"]


def test_coverage_xlsx_opens_with_the_same_rows(demo: TestClient) -> None:
    answer = demo.get("/api/coverage", params={"region": "340000"}).json()
    response = demo.get("/api/coverage.xlsx", params={"region": "340000"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:2] == ["行政区划代码", "行政区"]
    assert len(rows) == 1 + len(answer["regions"]) + 1
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    for region in answer["regions"]:
        assert by_code[region["adcode"]]["站点数"] == region["stations"]


def test_coverage_download_refuses_unknown_formats(demo: TestClient) -> None:
    assert demo.get("/api/coverage.pdf").status_code == 422


@pytest.mark.parametrize(
    "query",
    [pytest.param("region=999999", id="unknown-region"),
     pytest.param("radius_m=-5", id="bad-radius"),
     pytest.param("kind=bus_stop", id="bad-kind")],
)
def test_coverage_download_refuses_what_the_json_refuses(demo: TestClient, query: str) -> None:
    refused = demo.get(f"/api/coverage?{query}")
    assert refused.status_code == 422
    download = demo.get(f"/api/coverage.csv?{query}")
    assert download.status_code == refused.status_code
    assert download.json()["detail"]["field"] == refused.json()["detail"]["field"]


# --- station name filter -----------------------------------------------------------------


def test_stations_filter_by_name(demo: TestClient) -> None:
    body = demo.get("/api/stations", params={"q": "银行", "limit": 100}).json()
    assert body["numberMatched"] > 0
    assert all("银行" in f["properties"]["name"] for f in body["features"])
    everything = demo.get("/api/stations", params={"limit": 1}).json()["numberMatched"]
    assert body["numberMatched"] < everything


def test_name_filter_takes_wildcards_literally(demo: TestClient) -> None:
    assert demo.get("/api/stations", params={"q": "%"}).json()["numberMatched"] == 0


def test_scripts_and_maps_travel_compressed(client: TestClient) -> None:
    leaflet = client.get("/static/vendor/leaflet/1.9.4/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert leaflet.status_code == 200
    assert leaflet.headers.get("content-encoding") == "gzip"
    page = client.get("/maps/coverage?region=410100", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
