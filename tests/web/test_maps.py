"""The coverage map: its layers, legend, bounds and features; local assets; escaped names."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from folium.plugins import FastMarkerCluster

from geodata.crs import wgs84_to_gcj02
from geodata.regions import locate, region
from stations.config import Settings
from stations.coverage.analysis import CoverageResult, analyse
from stations.coverage.query import parse_query
from stations.io.synth import synthetic_frame
from stations.render import coverage_map, inline_assets
from stations.render.assets import VENDOR_DIR
from stations.render.output import write_map
from tests.support.coverage import clustered_demand, offset, stations

JINSHUI = (113.7320, 34.8194)
HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">',
           "正常名称 & <b>粗体</b>"]
CDN_HOSTS = ("cdn.", "jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "googleapis")


@pytest.fixture(scope="module")
def city() -> CoverageResult:
    """郑州市 with a few stations (three with hostile names), demand, gaps and two sites."""
    points = [JINSHUI, offset(JINSHUI, east_m=700), offset(JINSHUI, north_m=-9_000),
              (113.5472, 34.7865)]
    frame = stations(points, names=[*HOSTILE, "中原区驿站"],
                     standing=["compliant", "failing", "never_inspected", "overdue"])
    demand = clustered_demand([(offset(JINSHUI, east_m=4_000), 20.0),
                               (offset(JINSHUI, north_m=5_000), 10.0), (JINSHUI, 5.0)])
    return analyse(frame, parse_query("410100", radius_m=1_000), demand=demand, gaps=True,
                   suggest=2)


def scripts_and_styles(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)


def test_layers_legend_and_bounds(city: CoverageResult) -> None:
    built = coverage_map(city)
    assert set(built.layers) == {"regions", "coverage", "stations", "gaps", "sites"}
    assert built.features["regions"] == len(region("410100").children())
    assert built.features["stations"] == 4
    assert built.station_mode == "markers"
    assert built.features["gaps"] == len(city.gaps) == 2
    assert built.features["sites"] == 2
    assert 1 <= built.features["coverage"] <= 3  # covered shapes, merged per county
    west, south, east, north = region("410100").geometry.bounds
    assert built.bounds == pytest.approx((south, west, north, east), abs=1e-4)
    page = built.html()
    assert page.count('class="stations-legend"') == 1
    assert "L.control.layers" in page
    for label in ("行政区覆盖率", "覆盖范围", "站点", "覆盖空白", "建议选址", "面积覆盖率"):
        assert label.encode("unicode_escape").decode() in page or label in page


def test_region_features_carry_the_table(city: CoverageResult) -> None:
    data = coverage_map(city).layers["regions"].data
    props = {f["properties"]["adcode"]: f["properties"] for f in data["features"]}
    row = city.table.set_index("adcode").loc["410105"]
    assert props["410105"]["stations"] == row["stations"]
    assert props["410105"]["ratio"] == f"{row['coverage_ratio']:.1%}"


def test_no_cdn_scripts_or_styles(city: CoverageResult) -> None:
    page = coverage_map(city).html()
    links = scripts_and_styles(page)
    assert links and all(link.startswith("/static/vendor/") for link in links)
    for link in links:
        assert (VENDOR_DIR / link.removeprefix("/static/vendor/")).is_file()
    assert not any(host in page for host in CDN_HOSTS)


def test_an_offline_file_inlines_everything(city: CoverageResult, tmp_path: Path) -> None:
    path = write_map(city, tmp_path / "map.html", Settings())
    page = path.read_text("utf-8")
    assert scripts_and_styles(page) == []
    assert "L.markerClusterGroup" in page and "leaflet" in page.lower()
    assert "data:image/png;base64," in page  # the layer-control icon travels with it
    assert inline_assets(page) == page


@pytest.mark.parametrize("name", HOSTILE)
def test_user_text_is_never_markup(city: CoverageResult, name: str) -> None:
    page = coverage_map(city).html()
    assert name not in page
    assert "<script>alert" not in page and "<img src=x" not in page
    cluster = coverage_map(city).layers["stations"]
    assert isinstance(cluster, FastMarkerCluster)
    shown = [row[4] for row in cluster.data]
    assert any("&lt;" in text for text in shown)
    assert all("<" not in text for text in shown)


def test_gcj02_tiles_get_gcj02_coordinates(city: CoverageResult) -> None:
    plain = coverage_map(city).layers["stations"].data
    shifted = coverage_map(city, tile_crs="gcj02").layers["stations"].data
    lon, lat = wgs84_to_gcj02(plain[0][1], plain[0][0])
    assert shifted[0][0] == pytest.approx(lat, abs=1e-6)
    assert shifted[0][1] == pytest.approx(lon, abs=1e-6)
    assert abs(shifted[0][1] - plain[0][1]) > 1e-3  # hundreds of metres, as on Amap


def test_png_for_a_report(city: CoverageResult, tmp_path: Path) -> None:
    import matplotlib.image

    path = write_map(city, tmp_path / "map.png", Settings())
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(path).shape
    assert width >= 1000 and height >= 800


@pytest.fixture(scope="module")
def national() -> CoverageResult:
    frame = synthetic_frame(200_000, seed=42)
    frame["adcode"] = locate(frame["lon"], frame["lat"])["adcode"]
    frame["standing"] = "never_inspected"
    return analyse(frame, parse_query(None))


def test_a_national_map_of_200000_stations_stays_small(national: CoverageResult) -> None:
    assert len(national.stations) > 150_000
    built = coverage_map(national)
    assert built.station_mode == "hexagons"
    assert built.features["stations"] <= 4_000
    assert built.features["regions"] == 34
    page = built.html().encode()
    assert len(page) <= 3_000_000
    assert len(gzip.compress(page)) <= 1_000_000


def test_the_app_serves_the_page_and_its_assets(client: TestClient) -> None:
    response = client.get("/maps/coverage?region=410100&radius_m=1000&gaps=true")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for link in scripts_and_styles(response.text):
        asset = client.get(link)
        assert asset.status_code == 200
        assert asset.content == (VENDOR_DIR / link.removeprefix("/static/vendor/")).read_bytes()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("region=000001", "region", id="unknown-region"),
        pytest.param("radius_m=-1", "radius_m", id="negative-radius"),
        pytest.param("radius_m=1e9", "radius_m", id="absurd-radius"),
        pytest.param("kind=taxi", "kind", id="unknown-kind"),
    ],
)
def test_bad_map_requests_are_4xx(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/maps/coverage?{query}")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]["field"] == field


def test_hexagon_counts_add_up(national: CoverageResult) -> None:
    data = coverage_map(national).layers["stations"].data
    totals = np.array([f["properties"]["total"] for f in data["features"]])
    assert totals.sum() == len(national.stations)
