"""WGS-84 / GCJ-02 / BD-09 conversions, checked against published values and an
independent scalar implementation of the published algorithm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from geodata import crs
from geodata.errors import CoordinateError, CRSError, GeodataError

# --------------------------------------------------------------------------- reference
# The classic scalar algorithm (eviltransform / coordtransform), written out with the
# math module so that it shares no code with the vectorised implementation under test.

REF_A = 6378245.0
REF_EE = 0.00669342162296594323
REF_X_PI = math.pi * 3000.0 / 180.0


def ref_out_of_china(lng: float, lat: float) -> bool:
    return lng < 72.004 or lng > 137.8347 or lat < 0.8293 or lat > 55.8271


def ref_transform_lat(lng: float, lat: float) -> float:
    ret = -100.0 + 2.0 * lng + 3.0 * lat + 0.2 * lat * lat + 0.1 * lng * lat
    ret += 0.2 * math.sqrt(abs(lng))
    ret += (20.0 * math.sin(6.0 * lng * math.pi) + 20.0 * math.sin(2.0 * lng * math.pi)) * 2 / 3
    ret += (20.0 * math.sin(lat * math.pi) + 40.0 * math.sin(lat / 3.0 * math.pi)) * 2 / 3
    ret += (160.0 * math.sin(lat / 12.0 * math.pi) + 320 * math.sin(lat * math.pi / 30.0)) * 2 / 3
    return ret


def ref_transform_lng(lng: float, lat: float) -> float:
    ret = 300.0 + lng + 2.0 * lat + 0.1 * lng * lng + 0.1 * lng * lat
    ret += 0.1 * math.sqrt(abs(lng))
    ret += (20.0 * math.sin(6.0 * lng * math.pi) + 20.0 * math.sin(2.0 * lng * math.pi)) * 2 / 3
    ret += (20.0 * math.sin(lng * math.pi) + 40.0 * math.sin(lng / 3.0 * math.pi)) * 2 / 3
    ret += (150.0 * math.sin(lng / 12.0 * math.pi) + 300.0 * math.sin(lng / 30.0 * math.pi)) * 2 / 3
    return ret


def ref_wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if ref_out_of_china(lng, lat):
        return lng, lat
    dlat = ref_transform_lat(lng - 105.0, lat - 35.0)
    dlng = ref_transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - REF_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((REF_A * (1 - REF_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (REF_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def ref_gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * REF_X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * REF_X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def ref_wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return ref_gcj02_to_bd09(*ref_wgs84_to_gcj02(lng, lat))


GEOD = Geod(ellps="WGS84")

FORWARD = [
    pytest.param(crs.wgs84_to_gcj02, ref_wgs84_to_gcj02, id="wgs84-to-gcj02"),
    pytest.param(crs.gcj02_to_bd09, ref_gcj02_to_bd09, id="gcj02-to-bd09"),
    pytest.param(crs.wgs84_to_bd09, ref_wgs84_to_bd09, id="wgs84-to-bd09"),
]

ROUND_TRIPS = [
    pytest.param(crs.wgs84_to_gcj02, crs.gcj02_to_wgs84, id="wgs84-gcj02-wgs84"),
    pytest.param(crs.wgs84_to_bd09, crs.bd09_to_wgs84, id="wgs84-bd09-wgs84"),
    pytest.param(crs.gcj02_to_bd09, crs.bd09_to_gcj02, id="gcj02-bd09-gcj02"),
]

ALL_FUNCTIONS = [
    pytest.param(crs.wgs84_to_gcj02, id="wgs84_to_gcj02"),
    pytest.param(crs.gcj02_to_wgs84, id="gcj02_to_wgs84"),
    pytest.param(crs.gcj02_to_bd09, id="gcj02_to_bd09"),
    pytest.param(crs.bd09_to_gcj02, id="bd09_to_gcj02"),
    pytest.param(crs.wgs84_to_bd09, id="wgs84_to_bd09"),
    pytest.param(crs.bd09_to_wgs84, id="bd09_to_wgs84"),
    pytest.param(lambda lon, lat: crs.to_wgs84(lon, lat, "gcj02"), id="to_wgs84"),
    pytest.param(lambda lon, lat: crs.from_wgs84(lon, lat, "bd09"), id="from_wgs84"),
]


@pytest.fixture(scope="module")
def china_grid() -> tuple[np.ndarray, np.ndarray]:
    """A 0.1° grid over China's bounding box, plus the column at 105°E where the GCJ-02
    formula has a kink (sqrt|lon - 105|)."""
    lon, lat = np.meshgrid(np.arange(73.0, 135.0001, 0.1), np.arange(18.0, 54.0001, 0.1))
    kink_lat = np.linspace(18.0, 54.0, 721)
    lon = np.concatenate([lon.ravel(), np.full(kink_lat.size, 105.0)])
    lat = np.concatenate([lat.ravel(), kink_lat])
    return lon, lat


# --------------------------------------------------------------------------- published values


@pytest.mark.parametrize(
    ("convert", "given", "expected", "tolerance_deg"),
    [
        # wandergis/coordtransform README, the de-facto reference of the algorithm
        pytest.param(
            crs.wgs84_to_gcj02,
            (116.404, 39.915),
            (116.41024449916938, 39.91640428150164),
            1e-12,
            id="coordtransform-wgs84-to-gcj02",
        ),
        pytest.param(
            crs.gcj02_to_bd09,
            (116.404, 39.915),
            (116.41036949371029, 39.92133699351021),
            1e-12,
            id="coordtransform-gcj02-to-bd09",
        ),
        # Beijing railway station as published with 5 decimals (R package "cst" docs)
        pytest.param(
            crs.gcj02_to_bd09,
            (116.42703, 39.90245),
            (116.43351, 39.90851),
            1e-5,
            id="beijing-railway-station-gcj02-to-bd09",
        ),
        pytest.param(
            crs.bd09_to_gcj02,
            (116.43351, 39.90851),
            (116.42703, 39.90245),
            1e-5,
            id="beijing-railway-station-bd09-to-gcj02",
        ),
    ],
)
def test_published_reference_points(convert, given, expected, tolerance_deg):
    lon, lat = convert(*given)
    assert lon == pytest.approx(expected[0], abs=tolerance_deg)
    assert lat == pytest.approx(expected[1], abs=tolerance_deg)


@pytest.mark.parametrize(
    ("inverse", "forward", "one_step"),
    [
        # coordtransform's published one-step results for (116.404, 39.915)
        pytest.param(
            crs.gcj02_to_wgs84,
            crs.wgs84_to_gcj02,
            (116.39775550083061, 39.91359571849836),
            id="gcj02-to-wgs84",
        ),
        pytest.param(
            crs.bd09_to_gcj02,
            crs.gcj02_to_bd09,
            (116.39762729119315, 39.90865673957631),
            id="bd09-to-gcj02",
        ),
    ],
)
def test_inverse_is_exact_where_the_one_step_formula_is_not(inverse, forward, one_step):
    lon, lat = inverse(116.404, 39.915)
    # close to the widely used approximation...
    assert GEOD.inv(lon, lat, *one_step)[2] < 1.0
    # ...but, unlike it, mapped back onto the input to 1e-9 degrees
    assert forward(lon, lat) == pytest.approx((116.404, 39.915), abs=1e-9)
    assert forward(*one_step) != pytest.approx((116.404, 39.915), abs=1e-9)


# --------------------------------------------------------------------------- forward transforms


@pytest.mark.parametrize(("convert", "reference"), FORWARD)
def test_forward_transforms_match_independent_implementation(convert, reference):
    rng = np.random.default_rng(20240601)
    lon = np.concatenate([rng.uniform(72.0, 138.0, 2000), rng.uniform(-180.0, 180.0, 500)])
    lat = np.concatenate([rng.uniform(0.5, 56.0, 2000), rng.uniform(-90.0, 90.0, 500)])
    got_lon, got_lat = convert(lon, lat)
    expected = np.array([reference(x, y) for x, y in zip(lon, lat, strict=True)])
    np.testing.assert_allclose(got_lon, expected[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_lat, expected[:, 1], rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    "city",
    [
        pytest.param((116.3975, 39.9087), id="beijing"),
        pytest.param((121.4737, 31.2304), id="shanghai"),
        pytest.param((113.2644, 23.1291), id="guangzhou"),
        pytest.param((104.0665, 30.5723), id="chengdu"),
        pytest.param((87.6168, 43.8256), id="urumqi"),
        pytest.param((126.5349, 45.8038), id="harbin"),
        pytest.param((91.1409, 29.6456), id="lhasa"),
        pytest.param((121.5654, 25.0330), id="taipei"),
    ],
)
def test_gcj02_offset_in_china_is_several_hundred_metres(city):
    offset_m = GEOD.inv(*city, *crs.wgs84_to_gcj02(*city))[2]
    assert 100.0 < offset_m < 700.0


@pytest.mark.parametrize(
    "point",
    [
        pytest.param((139.69, 35.69), id="tokyo"),
        pytest.param((-0.1276, 51.5072), id="london"),
        pytest.param((-74.006, 40.7128), id="new-york"),
        pytest.param((151.2093, -33.8688), id="sydney"),
        pytest.param((37.6173, 55.7558), id="moscow"),
    ],
)
def test_gcj02_equals_wgs84_outside_china_but_bd09_still_shifts(point):
    assert crs.wgs84_to_gcj02(*point) == point
    assert crs.gcj02_to_wgs84(*point) == point
    bd_lon, bd_lat = crs.wgs84_to_bd09(*point)
    assert GEOD.inv(*point, bd_lon, bd_lat)[2] > 100.0
    assert crs.bd09_to_wgs84(bd_lon, bd_lat) == pytest.approx(point, abs=1e-9)


# --------------------------------------------------------------------------- inverses


@pytest.mark.parametrize(("forward", "inverse"), ROUND_TRIPS)
def test_round_trip_error_is_far_below_half_a_metre_across_china(forward, inverse, china_grid):
    lon, lat = china_grid
    back_lon, back_lat = inverse(*forward(lon, lat))
    error_m = GEOD.inv(lon, lat, back_lon, back_lat)[2]
    # The brief allows 0.5 m; the one-step approximation is off by up to ~5 m here.
    assert error_m.max() < 0.01


@pytest.mark.parametrize(("forward", "inverse"), ROUND_TRIPS)
def test_inverse_maps_back_onto_its_input_to_1e9_degrees(forward, inverse, china_grid):
    lon, lat = china_grid
    again_lon, again_lat = forward(*inverse(lon, lat))
    assert np.abs(again_lon - lon).max() < 1e-9
    assert np.abs(again_lat - lat).max() < 1e-9


def test_inverse_terminates_where_gcj02_has_no_preimage():
    # GCJ-02 jumps by ~400 m at the west edge of its rectangle (72.004°E, far outside
    # China); GCJ-02 longitudes inside that jump have no WGS-84 preimage.
    assert crs.gcj02_to_wgs84(72.0045, 40.0) == (72.0045, 40.0)


# --------------------------------------------------------------------------- shapes and types


@pytest.mark.parametrize("convert", ALL_FUNCTIONS)
def test_scalars_in_give_floats_out(convert):
    lon, lat = convert(116.404, 39.915)
    assert type(lon) is float
    assert type(lat) is float
    assert convert(np.float32(116.404), 39) == pytest.approx(convert(116.404, 39.0), abs=1e-5)


@pytest.mark.parametrize("convert", ALL_FUNCTIONS)
def test_arrays_keep_their_shape(convert):
    lon = np.array([[116.404, 121.47, 113.26], [87.6, 126.5, 91.1]])
    lat = np.array([[39.915, 31.23, 23.13], [43.8, 45.8, 29.6]])
    out_lon, out_lat = convert(lon, lat)
    assert out_lon.shape == out_lat.shape == (2, 3)
    assert out_lon.dtype == np.float64
    flat_lon, _ = convert(lon.ravel().tolist(), lat.ravel().tolist())
    np.testing.assert_array_equal(flat_lon, out_lon.ravel())


@pytest.mark.parametrize("convert", ALL_FUNCTIONS)
def test_empty_input_gives_empty_output(convert):
    lon, lat = convert([], [])
    assert lon.shape == lat.shape == (0,)


def test_input_arrays_are_not_modified():
    lon = np.array([116.404, 121.47])
    lat = np.array([39.915, 31.23])
    for convert in (crs.gcj02_to_wgs84, crs.bd09_to_wgs84, crs.wgs84_to_bd09):
        convert(lon, lat)
    np.testing.assert_array_equal(lon, [116.404, 121.47])
    np.testing.assert_array_equal(lat, [39.915, 31.23])


def test_integer_input_is_accepted():
    assert crs.wgs84_to_gcj02(116, 40) == crs.wgs84_to_gcj02(116.0, 40.0)


# --------------------------------------------------------------------------- bad input

BAD_INPUT = [
    pytest.param(
        math.nan, 39.9, "经度不是有限数 / longitude is not a finite number: nan", id="nan"
    ),
    pytest.param(
        116.4, math.inf, "纬度不是有限数 / latitude is not a finite number: inf", id="inf"
    ),
    pytest.param(200.0, 39.9, "经度超出范围 / longitude out of range: 200.0", id="lon-range"),
    pytest.param(
        [116.0, 116.1, 116.2, 116.3],
        [39.0, 39.1, 39.2, 95.0],
        "纬度超出范围 / latitude out of range: 95.0 (row index 3)",
        id="lat-range-row",
    ),
    pytest.param("116.4", 39.9, "经度不是数字 / longitude is not a number: '116.4'", id="string"),
    pytest.param(None, 39.9, "经度缺失 / longitude is missing", id="none"),
    pytest.param(116.4, object(), "纬度不是数字 / latitude is not a number", id="object"),
    pytest.param(True, 39.9, "经度不是数字 / longitude is not a number: True", id="bool"),
    pytest.param(
        [116.4, None], [39.9, 39.9], "经度缺失 / longitude is missing (row index 1)", id="none-row"
    ),
    pytest.param(
        [116.4, 121.5, 113.3],
        [39.9, 31.2],
        "经纬度数量不一致 / longitude and latitude have different shapes: (3,) vs (2,)",
        id="shape-mismatch",
    ),
    pytest.param([[116.4, 116.5], [116.6]], [39.9, 39.9], "not a regular array", id="ragged"),
]


@pytest.mark.parametrize("convert", ALL_FUNCTIONS)
@pytest.mark.parametrize(("lon", "lat", "message"), BAD_INPUT)
def test_bad_coordinates_raise_a_bilingual_coordinate_error(convert, lon, lat, message):
    with pytest.raises(CoordinateError) as excinfo:
        convert(lon, lat)
    assert message in str(excinfo.value)


def test_coordinate_error_names_field_value_and_row():
    with pytest.raises(CoordinateError) as excinfo:
        crs.wgs84_to_gcj02([116.0, 116.0], [39.0, -91.5])
    error = excinfo.value
    assert (error.field, error.value, error.index) == ("latitude", -91.5, 1)
    assert isinstance(error, GeodataError)
    assert isinstance(error, ValueError)


def test_range_limits_are_inclusive():
    assert crs.wgs84_to_gcj02(-180.0, -90.0) == (-180.0, -90.0)
    assert all(math.isfinite(value) for value in crs.wgs84_to_bd09(180.0, 90.0))


def test_validate_lonlat_can_skip_the_range_check():
    lon, lat = crs.validate_lonlat(39.9, 116.4, check_range=False)
    assert (float(lon), float(lat)) == (39.9, 116.4)
    with pytest.raises(CoordinateError, match="not a finite number"):
        crs.validate_lonlat(math.nan, 116.4, check_range=False)


# --------------------------------------------------------------------------- CRS names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("wgs84", "wgs84", id="wgs84"),
        pytest.param("WGS84", "wgs84", id="upper-case"),
        pytest.param("WGS-84", "wgs84", id="hyphen"),
        pytest.param("EPSG:4326", "wgs84", id="epsg"),
        pytest.param(" gcj02 ", "gcj02", id="spaces"),
        pytest.param("GCJ-02", "gcj02", id="gcj-hyphen"),
        pytest.param("gcj_02", "gcj02", id="underscore"),
        pytest.param("Bd09", "bd09", id="mixed-case"),
        pytest.param("BD-09", "bd09", id="bd-hyphen"),
        pytest.param("bd09ll", "bd09", id="baidu-bd09ll"),
    ],
)
def test_parse_crs_accepts_common_spellings(name, expected):
    assert crs.parse_crs(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("epsg:3857", id="web-mercator"),
        pytest.param("bd09mc", id="baidu-mercator"),
        pytest.param("", id="empty"),
        pytest.param("mars", id="unknown"),
        pytest.param(None, id="none"),
        pytest.param(4326, id="integer"),
    ],
)
def test_parse_crs_rejects_unknown_systems_and_lists_the_known_ones(name):
    with pytest.raises(CRSError) as excinfo:
        crs.parse_crs(name)
    message = str(excinfo.value)
    assert message.startswith("未知坐标系 / unknown coordinate system")
    assert "wgs84, gcj02, bd09" in message


@pytest.mark.parametrize(
    ("name", "forward", "inverse"),
    [
        pytest.param("GCJ-02", crs.wgs84_to_gcj02, crs.gcj02_to_wgs84, id="gcj02"),
        pytest.param("bd09", crs.wgs84_to_bd09, crs.bd09_to_wgs84, id="bd09"),
    ],
)
def test_generic_conversions_dispatch_on_the_crs_name(name, forward, inverse):
    lon, lat = [116.404, 121.47], [39.915, 31.23]
    np.testing.assert_array_equal(crs.from_wgs84(lon, lat, name), forward(lon, lat))
    np.testing.assert_array_equal(crs.to_wgs84(lon, lat, name), inverse(lon, lat))


def test_generic_conversion_from_wgs84_to_wgs84_returns_the_input():
    assert crs.to_wgs84(116.404, 39.915, "WGS84") == (116.404, 39.915)
    lon, lat = crs.from_wgs84([116.404], [39.915], "wgs84")
    np.testing.assert_array_equal(lon, [116.404])
    np.testing.assert_array_equal(lat, [39.915])


def test_generic_conversion_rejects_unknown_crs():
    with pytest.raises(CRSError):
        crs.to_wgs84(116.404, 39.915, "mercator")


@pytest.mark.parametrize(("lon", "lat"), [(113.6253, 34.7466), (87.6, 43.8), (2.35, 48.85)])
def test_one_point_bd09_matches_the_array_conversion(lon: float, lat: float) -> None:
    from geodata.crs import wgs84_to_bd09, wgs84_to_bd09_point

    fast = wgs84_to_bd09_point(lon, lat)
    assert fast == pytest.approx(wgs84_to_bd09(lon, lat), abs=1e-12)
    assert all(type(v) is float for v in fast)
