"""Real OGC API clients against a live server: GDAL's OAPIF driver (pyogrio's wheel and
Debian's ``ogrinfo``/``ogr2ogr``), the ``ogctests`` Part 1 Core checker and QGIS 3 (PyQGIS,
headless). Small data: 120 synthetic stations and the ledger of the other web tests."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from stations.io.ledger import import_ledger
from stations.io.synth import write_synthetic_csv
from stations.store.features import PUBLIC_STATUSES
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from tests.support.ogc_clients import DEBIAN_PYTHON, OGCTESTS_PYTHON, QGIS_PROBE, needs, serve_in_process

BBOX = (113.5, 34.6, 113.8, 34.9)  # central Zhengzhou
UNPUBLISHED = [
    ["ZZ4", "已撤销驿站", "outdoor_worker_station", "113.6501", "34.7601", "", "toilet", "", "", "revoked", ""],
    ["ZZ5", "已关闭驿站", "outdoor_worker_station", "113.6502", "34.7602", "", "toilet", "", "", "closed", ""],
]


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ogc-live")
    db = tmp / "stations.db"
    reg = Registry.open(f"sqlite:///{db}")
    import_ledger(reg, write_synthetic_csv(tmp / "synthetic.csv", n=120, seed=7))
    ledger = tmp / "ledger.csv"
    with ledger.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([LEDGER_HEADER, *GOOD_ROWS, *UNPUBLISHED])
    import_ledger(reg, ledger)
    reg.close()
    return db


@pytest.fixture(scope="module")
def published(registry_file: Path) -> pd.DataFrame:
    reg = Registry.open(f"sqlite:///{registry_file}")
    try:
        frame = reg.frame()
    finally:
        reg.close()
    return frame[frame["status"].isin(PUBLIC_STATUSES)].set_index("id").sort_index()


@pytest.fixture(scope="module")
def ogc_url(registry_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_in_process(f"sqlite:///{registry_file}", tmp_path_factory.mktemp("home")) as base:
        yield f"{base}/ogc"


def in_bbox(frame: pd.DataFrame, bbox: tuple[float, float, float, float]) -> list[str]:
    west, south, east, north = bbox
    inside = frame["lon"].between(west, east) & frame["lat"].between(south, north)
    return sorted(frame.index[inside])


def test_gdal_reads_every_published_station_with_its_properties_across_pages(
        ogc_url: str, published: pd.DataFrame) -> None:
    frame = pyogrio.read_dataframe(f"OAPIF:{ogc_url}", layer="stations", PAGE_SIZE=25)
    assert len(published) > 100  # so PAGE_SIZE=25 walked at least five next links
    frame = frame.set_index("id").sort_index()
    assert list(frame.index) == list(published.index)  # every one, once; none revoked or closed
    for column in ("name", "kind", "status", "address", "phone", "adcode", "county"):
        assert frame[column].fillna("").tolist() == published[column].fillna("").tolist(), column
    assert frame.geometry.x.tolist() == pytest.approx(published["lon"].tolist(), abs=1e-9)
    assert frame.geometry.y.tolist() == pytest.approx(published["lat"].tolist(), abs=1e-9)
    assert frame.loc["AH1", "services"] == "hot_water;truck_parking:40;shower;laundry"


def test_gdal_bbox_and_property_filters_reach_the_server(ogc_url: str, published: pd.DataFrame) -> None:
    frame = pyogrio.read_dataframe(f"OAPIF:{ogc_url}", layer="stations", bbox=BBOX,
                                   where="kind = 'outdoor_worker_station'", PAGE_SIZE=3)
    expected = in_bbox(published[published["kind"] == "outdoor_worker_station"], BBOX)
    assert len(expected) > 3  # several pages
    assert sorted(frame["id"]) == expected


def test_gdal_reads_the_regions_layer_with_polygons_and_ratios(ogc_url: str) -> None:
    frame = pyogrio.read_dataframe(f"OAPIF:{ogc_url}", layer="regions", where="level = 'city'",
                                   bbox=(113.0, 34.0, 114.5, 35.0))
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    zhengzhou = frame[frame["adcode"] == "410100"].iloc[0]
    assert zhengzhou["name"] == "郑州市" and zhengzhou["outdoor_worker_station_count"] >= 2
    assert 0 < zhengzhou["outdoor_worker_station_coverage_ratio"] < 1
    assert {"driver_home_count", "driver_home_coverage_ratio", "area_km2"} <= set(frame.columns)


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


@needs("gdal-bin")
def test_ogrinfo_and_ogr2ogr_from_debian(ogc_url: str, published: pd.DataFrame, tmp_path: Path) -> None:
    info = _run(["ogrinfo", "-ro", "-q", "-al", f"OAPIF:{ogc_url}", "stations",
                 "-spat", *map(str, BBOX), "-where", "status = 'active'"])
    assert info.returncode == 0, info.stderr
    expected = in_bbox(published[published["status"] == "active"], BBOX)
    assert info.stdout.count("OGRFeature(stations)") == len(expected)
    out = tmp_path / "stations.gpkg"
    copy = _run(["ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{ogc_url}", "stations",
                 "-oo", "PAGE_SIZE=40"])
    assert copy.returncode == 0, copy.stderr
    copied = pyogrio.read_dataframe(out)
    assert sorted(copied["id"]) == list(published.index)


@needs("ogctests")
def test_the_ogctests_checker_passes_part_1_core(ogc_url: str) -> None:
    script = ("import sys; from ogctests.main import run_ogctests; sys.exit(run_ogctests("
              f"'features/core', instance_url={ogc_url!r}, flags=['-q', '-p', 'no:cacheprovider', "
              "'-W', 'ignore']))")
    result = _run([str(OGCTESTS_PYTHON), "-c", script], cwd="/tmp")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


@needs("python3-qgis")
def test_qgis_loads_both_layers(ogc_url: str, published: pd.DataFrame) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": "/tmp"}
    result = _run([str(DEBIAN_PYTHON), str(QGIS_PROBE), ogc_url, *map(str, BBOX)], env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    stations, regions = report["stations"], report["regions"]
    assert stations["valid"] and stations["crs"] in ("EPSG:4326", "OGC:CRS84")
    assert stations["feature_count"] == len(published)
    assert stations["ids"] == list(published.index)
    assert stations["bbox_ids"] == in_bbox(published, BBOX)
    assert {"name", "kind", "services", "status"} <= set(stations["fields"])
    assert regions["valid"] and regions["feature_count"] == 34 + 368 + 2891
    assert "Polygon" in regions["geometry_type"]
    assert "outdoor_worker_station_coverage_ratio" in regions["fields"]
    assert {"city-410100", "county-410105", "province-410000"} <= set(regions["bbox_ids"])
