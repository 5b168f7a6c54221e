"""Demand files, demand within reach, and gaps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geodata.crs import wgs84_to_gcj02
from stations.coverage.analysis import analyse
from stations.coverage.demand import read_demand, within_reach
from stations.coverage.gaps import gap_resolution
from stations.coverage.query import parse_query
from stations.errors import LedgerInvalid
from tests.support.coverage import GEOD, ZHENGZHOU, clustered_demand, offset, stations

JINSHUI = (113.7320, 34.8194)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        pytest.param("d.csv", "lon,lat,weight\n113.7,34.8,2\n113.6,34.7,3\n", "utf-8",
                     id="english-headers"),
        pytest.param("d.csv", "经度,纬度,权重\n113.7,34.8,2\n113.6,34.7,3\n", "gbk",
                     id="chinese-headers-gbk"),
        pytest.param("d.geojson", json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.7, 34.8]},
             "properties": {"weight": 2}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [113.6, 34.7]},
             "properties": {"权重": 3}}]}), "utf-8", id="geojson"),
    ],
)
def test_reads_demand_files(tmp_path: Path, name: str, text: str, encoding: str) -> None:
    demand = read_demand(write(tmp_path, name, text, encoding))
    assert demand.lon.tolist() == [113.7, 113.6]
    assert demand.weight.tolist() == [2.0, 3.0]


def test_weight_defaults_to_one(tmp_path: Path) -> None:
    demand = read_demand(write(tmp_path, "d.csv", "lng,latitude\n113.7,34.8\n"))
    assert demand.weight.tolist() == [1.0]


def test_gcj02_demand_is_stored_as_wgs84(tmp_path: Path) -> None:
    lon, lat = wgs84_to_gcj02(113.7, 34.8)
    demand = read_demand(write(tmp_path, "d.csv", f"lon,lat\n{lon!r},{lat!r}\n"), crs="gcj02")
    assert demand.lon[0] == pytest.approx(113.7, abs=1e-8)
    assert demand.lat[0] == pytest.approx(34.8, abs=1e-8)


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        pytest.param("abc,34.8,1", "lon", "not a number", id="lon-not-a-number"),
        pytest.param(",34.8,1", "lon", "missing", id="lon-missing"),
        pytest.param("113.7,95,1", "lat", "out of range", id="lat-out-of-range"),
        pytest.param("113.7,34.8,-2", "weight", "negative", id="negative-weight"),
        pytest.param("113.7,34.8,inf", "weight", "finite", id="infinite-weight"),
        pytest.param("2.35,48.85,1", "lon,lat", "not a location in China", id="paris"),
    ],
)
def test_bad_rows_are_reported_as_file_row_field_reason(tmp_path: Path, row: str, field: str,
                                                        reason: str) -> None:
    path = write(tmp_path, "d.csv", f"lon,lat,weight\n113.7,34.8,1\n{row}\n")
    with pytest.raises(LedgerInvalid) as caught:
        read_demand(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:3: {field}: ")
    assert reason in problem.reason


def test_a_file_without_coordinates_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerInvalid, match="required column"):
        read_demand(write(tmp_path, "d.csv", "名称,人数\n甲,2\n"))


def test_within_reach_is_exact_at_the_radius() -> None:
    rng = np.random.default_rng(3)
    st_lon, st_lat, _ = GEOD.fwd(np.full(50, ZHENGZHOU[0]), np.full(50, ZHENGZHOU[1]),
                                 rng.uniform(0, 360, 50), rng.uniform(0, 20_000, 50))
    lon, lat, _ = GEOD.fwd(np.full(2000, ZHENGZHOU[0]), np.full(2000, ZHENGZHOU[1]),
                           rng.uniform(0, 360, 2000), rng.uniform(0, 25_000, 2000))
    _, _, d = GEOD.inv(np.repeat(lon, 50), np.repeat(lat, 50), np.tile(st_lon, 2000),
                       np.tile(st_lat, 2000))
    nearest = d.reshape(2000, 50).min(axis=1)
    covered = within_reach(lon, lat, st_lon, st_lat, 1_500.0)
    assert covered.tolist() == (nearest <= 1_500.0).tolist()
    assert 0 < covered.sum() < 2000


def test_share_of_demand_within_reach_per_region() -> None:
    far = offset(JINSHUI, east_m=3_000)
    demand = clustered_demand([(JINSHUI, 30.0), (far, 10.0), ((113.5472, 34.7865), 60.0)])
    result = analyse(stations([JINSHUI]), parse_query("410100", radius_m=1_000), demand=demand)
    table = result.table.set_index("adcode")
    assert table.loc["410105", "demand_weight"] == pytest.approx(40.0)
    assert table.loc["410105", "covered_weight"] == pytest.approx(30.0)
    assert table.loc["410105", "demand_coverage_ratio"] == pytest.approx(0.75)
    assert table.loc["410102", "demand_coverage_ratio"] == 0.0
    assert result.totals()["demand_coverage_ratio"] == pytest.approx(0.3)


@pytest.mark.parametrize(("radius_m", "resolution"), [(500, 9), (1_000, 8), (50_000, 5)])
def test_gap_hexagons_follow_the_radius(radius_m: float, resolution: int) -> None:
    assert gap_resolution(radius_m) == resolution


def test_gaps_rank_uncovered_demand_by_weight() -> None:
    spots = [(offset(JINSHUI, east_m=3_000), 10.0), (offset(JINSHUI, north_m=-4_000), 50.0),
             (JINSHUI, 99.0)]
    result = analyse(stations([JINSHUI]), parse_query("410100", radius_m=1_000),
                     demand=clustered_demand(spots), gaps=True)
    assert result.gap_basis == "demand"
    assert [round(g.uncovered_weight) for g in result.gaps] == [50, 10]
    assert {g.adcode for g in result.gaps} <= {"410105", "410104", "410103"}
    body = result.to_json()
    assert body["gaps"][0]["resolution"] == 8


def test_gaps_without_demand_are_uncovered_hexagons_near_stations() -> None:
    busy = [offset(JINSHUI, east_m=e) for e in (0, 150, 300)]
    frame = stations([*busy, offset(JINSHUI, north_m=2_500)],
                     status=["planned", "planned", "planned", "active"])
    result = analyse(frame, parse_query("410100", radius_m=1_000), gaps=True)
    assert result.gap_basis == "stations_nearby"
    top = result.gaps[0]
    assert top.uncovered_weight >= 3  # the three planned stations, at least
    _, _, from_busy = GEOD.inv(top.lon, top.lat, *busy[1])
    assert from_busy < 2_000
    assert result.notes  # says what stands in for the missing built-up layer
