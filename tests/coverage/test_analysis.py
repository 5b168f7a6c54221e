"""Covered area per sub-region, checked against circles and lenses measured by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import shapely

from geodata.geodesy import geodesic_area_m2
from geodata.regions import region
from stations.compliance.standing import station_table
from stations.coverage.analysis import analyse
from stations.coverage.geometry import AreaMeter, circle_polygons, coverage_pieces
from stations.coverage.query import DEFAULT_RADIUS_M, parse_query
from stations.coverage.service import CoverageService
from stations.errors import InvalidInput
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.coverage import GEOD, MOHE, SANYA, ZHENGZHOU, combine, offset, stations
from tests.support.ledgers import GOOD_ROWS

# A county at each latitude and a point well inside it.
COUNTIES = [
    pytest.param("460204", (109.3876, 18.4242), id="sanya-18N"),
    pytest.param("410105", (113.7320, 34.8194), id="zhengzhou-35N"),
    pytest.param("232701", (122.6832, 52.9038), id="mohe-53N"),
]


def lens_m2(r: float, d: float) -> float:
    """Area shared by two circles of radius r whose centres are d apart."""
    return 2 * r * r * math.acos(d / (2 * r)) - d / 2 * math.sqrt(4 * r * r - d * d)


def relative_error(measured: float, exact: float) -> float:
    return abs(measured - exact) / exact


def inside_by(adcode: str, point: tuple[float, float]) -> float:
    """A lower bound, in metres, of how far a point is from its county's border."""
    degrees = region(adcode).geometry.boundary.distance(shapely.Point(point))
    return degrees * 111_000 * math.cos(math.radians(point[1] + 1))


@pytest.mark.parametrize("radius_m", [1_000.0, 3_000.0])
@pytest.mark.parametrize(("adcode", "point"), COUNTIES)
def test_one_station_covers_pi_r_squared(adcode: str, point: tuple[float, float],
                                         radius_m: float) -> None:
    assert inside_by(adcode, point) > radius_m * 1.2  # the whole circle is in the county
    result = analyse(stations([point]), parse_query(adcode, radius_m=radius_m))
    covered_m2 = result.table["covered_km2"].iloc[0] * 1e6
    exact = math.pi * radius_m**2
    ours = relative_error(covered_m2, exact)
    assert ours < 0.001
    # what a buffer drawn in degrees would claim: wrong by cos(latitude), worst in the north
    in_degrees = shapely.Point(point).buffer(radius_m / 111_320, quad_segs=32)
    assert relative_error(geodesic_area_m2(in_degrees), exact) - ours >= 0.005


@pytest.mark.parametrize("spacing", [0.5, 1.0, 1.5], ids=["d=r/2", "d=r", "d=3r/2"])
@pytest.mark.parametrize(("adcode", "point"), COUNTIES)
def test_two_overlapping_circles_follow_the_lens_formula(adcode: str, point: tuple[float, float],
                                                         spacing: float) -> None:
    radius_m = 2_000.0
    second = offset(point, east_m=spacing * radius_m * 0.6, north_m=spacing * radius_m * 0.8)
    result = analyse(stations([point, second]), parse_query(adcode, radius_m=radius_m))
    covered_m2 = result.table["covered_km2"].iloc[0] * 1e6
    shared = lens_m2(radius_m, spacing * radius_m)
    assert relative_error(covered_m2, 2 * math.pi * radius_m**2 - shared) < 0.001
    assert relative_error(2 * math.pi * radius_m**2 - covered_m2, shared) < 0.01


@pytest.mark.parametrize("place", [SANYA, ZHENGZHOU, MOHE], ids=["sanya", "zhengzhou", "mohe"])
@pytest.mark.parametrize("radius_m", [500.0, 50_000.0, 200_000.0])
def test_circles_are_geodesic_circles(place: tuple[float, float], radius_m: float) -> None:
    circle = circle_polygons(np.array([place[0]]), np.array([place[1]]), np.array([radius_m]))[0]
    ring = shapely.get_coordinates(circle)[:-1]
    _, _, distance = GEOD.inv(np.full(len(ring), place[0]), np.full(len(ring), place[1]),
                              ring[:, 0], ring[:, 1])
    # vertices sit on one geodesic circle, just outside r so the polygon has the circle's area
    assert np.ptp(distance) / radius_m < 2e-4
    assert relative_error(geodesic_area_m2(circle), math.pi * radius_m**2) < 5e-4


@pytest.mark.parametrize("place", [SANYA, MOHE], ids=["sanya", "mohe"])
def test_equal_area_measure_agrees_with_geodesic_far_from_its_centre(
        place: tuple[float, float]) -> None:
    meter = AreaMeter(105.0, 35.0)  # the middle of China, as for a national question
    points = [place, offset(place, east_m=40_000), offset(place, north_m=30_000)]
    pieces = coverage_pieces(np.array([p[0] for p in points]), np.array([p[1] for p in points]),
                             np.full(3, 50_000.0), meter)
    assert len(pieces.geometries) == 1
    assert relative_error(pieces.area_m2[0], geodesic_area_m2(pieces.geometries[0])) < 1e-4


def test_table_of_a_hand_made_city() -> None:
    """郑州市 by county: two overlapping stations in 金水区, one in 中原区, nothing else counts."""
    r = 500.0
    jinshui = (113.7320, 34.8194)
    zhongyuan = (113.5472, 34.7865)
    counted = stations([jinshui, offset(jinshui, east_m=600), zhongyuan])
    ignored = combine(
        stations([offset(zhongyuan, north_m=3_000)], status="planned"),
        stations([offset(jinshui, north_m=-3_000)], kind="driver_home"),
    )
    query = parse_query("410100", radius_m=r, kind="outdoor_worker_station")
    result = analyse(combine(counted, ignored), query)
    table = result.table.set_index("adcode")
    assert list(table.index) == [s.adcode for s in region("410100").children()]
    assert table.loc["410105", "stations"] == 2
    assert table.loc["410102", "stations"] == 1
    assert table["stations"].sum() == 3
    expected_km2 = {"410105": (2 * math.pi * r * r - lens_m2(r, 600)) / 1e6,
                    "410102": math.pi * r * r / 1e6}
    for adcode, row in table.iterrows():
        assert row["covered_km2"] == pytest.approx(expected_km2.get(adcode, 0.0), rel=1e-3,
                                                   abs=1e-9)
        assert row["area_km2"] == pytest.approx(region(adcode).area_km2, rel=1e-9)
        assert row["coverage_ratio"] == pytest.approx(row["covered_km2"] / row["area_km2"])
    totals = result.totals()
    assert totals["adcode"] == "410100"
    assert totals["stations"] == 3
    assert totals["covered_km2"] == pytest.approx(sum(expected_km2.values()), rel=1e-3)


def shared_border_point(a: str, b: str) -> tuple[float, float]:
    border = region(a).geometry.boundary.intersection(region(b).geometry.boundary)
    line = max(shapely.get_parts(shapely.line_merge(border)), key=lambda g: g.length)
    middle = line.interpolate(0.5, normalized=True)
    return middle.x, middle.y


def test_a_circle_across_a_border_is_split_without_loss() -> None:
    r = 800.0
    point = shared_border_point("410105", "410104")
    result = analyse(stations([point]), parse_query("410100", radius_m=r))
    table = result.table.set_index("adcode")
    assert table.loc["410105", "covered_km2"] > 0.05
    assert table.loc["410104", "covered_km2"] > 0.05
    assert table["covered_km2"].sum() == pytest.approx(math.pi * r * r / 1e6, rel=1e-3)


def test_a_station_outside_the_region_covers_into_it_but_is_not_counted() -> None:
    border = shared_border_point("410105", "410104")
    outside = next(p for p in (offset(border, east_m=e, north_m=n)
                               for e, n in ((300, 0), (-300, 0), (0, 300), (0, -300)))
                   if not region("410105").geometry.contains(shapely.Point(p)))
    row = analyse(stations([outside]), parse_query("410105", radius_m=1_000)).table.iloc[0]
    assert row["stations"] == 0
    assert 0 < row["covered_km2"] < math.pi


@pytest.mark.parametrize(
    ("standing", "compliant_only", "covered"),
    [
        pytest.param("compliant", True, True, id="compliant-counts"),
        pytest.param("failing", True, False, id="failing-dropped"),
        pytest.param("never_inspected", False, True, id="any-standing-by-default"),
    ],
)
def test_compliant_only(standing: str, compliant_only: bool, covered: bool) -> None:
    frame = stations([(113.7320, 34.8194)], standing=standing)
    row = analyse(frame, parse_query("410105", radius_m=500,
                                     compliant_only=compliant_only)).table.iloc[0]
    assert bool(row["covered_km2"] > 0) is covered


def test_default_radius_depends_on_the_kind() -> None:
    query = parse_query("410100")
    assert query.radii_m == DEFAULT_RADIUS_M
    point = (113.7320, 34.8194)
    home = stations([offset(point, north_m=-20_000)], kind="driver_home")
    both = analyse(combine(stations([point]), home), query)
    body = both.to_json()
    assert body["radius_m"] is None and body["radii_m"]["driver_home"] == 50_000
    # the station's 1 km circle lies inside the home's 50 km one and adds nothing
    home_only = analyse(home, query).totals()["covered_km2"]
    assert both.totals()["covered_km2"] == pytest.approx(home_only, rel=1e-9)
    assert home_only > 0.5 * math.pi * 50**2
    alone = analyse(stations([point]), parse_query("410100", kind="outdoor_worker_station"))
    assert alone.totals()["covered_km2"] == pytest.approx(math.pi, rel=1e-3)


def test_json_lists_one_entry_per_sub_region_with_the_public_fields() -> None:
    body = analyse(stations([(113.7320, 34.8194)]), parse_query("410000", radius_m=1000)).to_json()
    assert len(body["regions"]) == len(region("410000").children())
    for entry in body["regions"]:
        assert {"adcode", "name", "stations", "area_km2", "covered_km2",
                "coverage_ratio"} <= set(entry)
    assert body["region"]["adcode"] == "410000"
    assert body["radius_m"] == 1000 and body["kind"] is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"region_key": "999999"}, "region", id="unknown-region"),
        pytest.param({"region_key": "火星"}, "region", id="unknown-name"),
        pytest.param({"radius_m": 0}, "radius_m", id="zero-radius"),
        pytest.param({"radius_m": -5.0}, "radius_m", id="negative-radius"),
        pytest.param({"radius_m": 250_000}, "radius_m", id="absurd-radius"),
        pytest.param({"radius_m": float("nan")}, "radius_m", id="nan-radius"),
        pytest.param({"kind": "bike_shed"}, "kind", id="unknown-kind"),
        pytest.param({"region_key": "410100", "by": "province"}, "by", id="by-above-region"),
        pytest.param({"by": "town"}, "by", id="unknown-level"),
    ],
)
def test_bad_questions_name_the_parameter(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_query(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("key", "by", "levels"),
    [
        pytest.param(None, None, {"province"}, id="country-by-province"),
        pytest.param("410000", None, {"city"}, id="province-by-city"),
        pytest.param("410000", "county", {"county"}, id="province-by-county"),
        pytest.param("110000", None, {"county"}, id="municipality-by-district"),
        pytest.param("410105", None, {"county"}, id="county-itself"),
    ],
)
def test_sub_regions(key: str | None, by: str | None, levels: set[str]) -> None:
    result = analyse(stations([]), parse_query(key, radius_m=1000, by=by))
    assert set(result.table["level"]) == levels
    if key == "410105":
        assert list(result.table["adcode"]) == ["410105"]


def test_answers_are_cached_until_the_registry_changes(
        db_url: str, write_csv: Callable[..., Path]) -> None:
    registry = Registry.open(db_url)
    import_ledger(registry, write_csv(GOOD_ROWS))
    service = CoverageService(registry, load=lambda: station_table(registry, period_days=365))
    query = parse_query("410100", radius_m=1_000)
    first = service.analyse(query)
    assert service.analyse(query) is first
    registry.set_status("ZZ1", "suspended", reason="维修", actor="test")
    second = service.analyse(query)
    assert second is not first
    assert second.totals()["stations"] == first.totals()["stations"] - 1
    registry.close()
