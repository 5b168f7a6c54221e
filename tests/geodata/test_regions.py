"""Administrative regions: point location, lookup by adcode or name, hierarchy and areas."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from geodata.errors import AmbiguousRegion, CoordinateError, GeodataError, RegionNotFound
from geodata.regions import LEVELS, Region, locate, locate_one, region, regions_frame

# Albers equal-area conic for China: areas measured in it are true areas on WGS-84.
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=WGS84 +units=m"
CHINA_BBOX = (73.0, 18.0, 135.0, 54.0)


def albers_area_km2(geometry: shapely.Geometry) -> float:
    to_albers = pyproj.Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    projected = shapely.transform(geometry, lambda xy: np.column_stack(to_albers.transform(*xy.T)))
    return shapely.area(projected) / 1e6


# --------------------------------------------------------------------------- locate


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        pytest.param(116.3975, 39.9087, ("北京市", "北京市", "东城区", "110101"), id="tiananmen"),
        pytest.param(113.6601, 34.7786, ("河南省", "郑州市", "金水区", "410105"), id="zhengzhou"),
        pytest.param(121.4737, 31.2304, ("上海市", "上海市", "黄浦区", "310101"), id="shanghai"),
        pytest.param(
            122.53, 52.97, ("黑龙江省", "大兴安岭地区", "漠河市", "232701"), id="mohe-far-north"
        ),
        pytest.param(109.51, 18.25, ("海南省", "三亚市", "吉阳区", "460203"), id="sanya-far-south"),
        pytest.param(113.45, 30.36, ("湖北省", "仙桃市", "仙桃市", "429004"), id="xiantao-直辖县"),
        pytest.param(
            113.75, 23.02, ("广东省", "东莞市", "东莞市", "441900"), id="dongguan-no-county"
        ),
        pytest.param(
            113.5439, 22.1987, ("澳门特别行政区",) * 3 + ("820000",), id="macau-one-level"
        ),
    ],
)
def test_locate_names_province_city_and_county(lon, lat, expected):
    row = locate(lon, lat).iloc[0]
    assert (row["province"], row["city"], row["county"], row["adcode"]) == expected
    assert row["snap_m"] == 0.0


def test_locate_gives_a_point_off_the_coast_the_nearest_county():
    off_qingdao = (120.55, 36.05)  # in the Yellow Sea, ~6 km off 崂山区

    found = locate_one(*off_qingdao)

    assert found is not None
    assert (found["province"], found["city"], found["county"]) == ("山东省", "青岛市", "崂山区")
    assert 1_000 < found["snap_m"] < 20_000
    assert locate_one(*off_qingdao, max_snap_m=1_000) is None


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        pytest.param(-160.0, 10.0, id="middle-of-pacific"),
        pytest.param(125.0, 30.0, id="east-china-sea"),
        pytest.param(106.9, 47.9, id="ulaanbaatar"),
    ],
)
def test_locate_leaves_points_far_from_china_unassigned(lon, lat):
    row = locate(lon, lat).iloc[0]
    assert row[["province", "city", "county", "adcode"]].tolist() == [None] * 4
    assert np.isnan(row["snap_m"])
    assert locate_one(lon, lat) is None


def test_locate_returns_one_row_per_point_in_input_order():
    found = locate([-160.0, 116.3975, 113.6601], [10.0, 39.9087, 34.7786])

    assert list(found.columns) == ["province", "city", "county", "adcode", "snap_m"]
    assert found["adcode"].tolist() == [None, "110101", "410105"]


def test_locate_handles_200000_random_points_like_locate_one():
    rng = np.random.default_rng(7)
    lon = rng.uniform(CHINA_BBOX[0], CHINA_BBOX[2], 200_000)
    lat = rng.uniform(CHINA_BBOX[1], CHINA_BBOX[3], 200_000)

    found = locate(lon, lat)

    assert len(found) == 200_000
    assigned = found["adcode"].notna()
    assert 0.3 < assigned.mean() < 0.7  # China fills roughly half of its bounding box
    assert set(found.loc[assigned, "adcode"]) <= set(regions_frame("county")["adcode"])
    assert found.loc[assigned, "snap_m"].between(0, 20_000).all()
    for i in rng.choice(len(lon), 50, replace=False):
        one = locate_one(lon[i], lat[i])
        assert (one or {}).get("adcode") == found.at[i, "adcode"]


def test_every_county_locates_its_own_interior_point():
    counties = regions_frame("county")
    inside = shapely.point_on_surface(counties.geometry.to_numpy())

    found = locate(shapely.get_x(inside), shapely.get_y(inside))

    assert (found["adcode"].to_numpy() == counties["adcode"].to_numpy()).all()


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        pytest.param(116.4, float("nan"), "latitude", id="nan-latitude"),
        pytest.param(200.0, 39.9, "longitude", id="longitude-out-of-range"),
        pytest.param(116.4, -95.0, "latitude", id="latitude-out-of-range"),
        pytest.param("east", 39.9, "longitude", id="not-a-number"),
        pytest.param(None, 39.9, "longitude", id="missing"),
        pytest.param([116.4, 116.5], [39.9], None, id="lengths-differ"),
    ],
)
def test_locate_rejects_bad_coordinates_with_a_clear_message(lon, lat, field):
    with pytest.raises(CoordinateError, match=field or "shape") as raised:
        locate(lon, lat)
    assert raised.value.field == field
    assert " / " in str(raised.value)  # Chinese first, then English


@pytest.mark.parametrize(
    "max_snap_m",
    [pytest.param(-1, id="negative"), pytest.param(float("inf"), id="infinite")],
)
def test_locate_rejects_a_bad_snap_distance(max_snap_m):
    with pytest.raises(GeodataError, match="max_snap_m"):
        locate(116.4, 39.9, max_snap_m=max_snap_m)


# --------------------------------------------------------------------------- region lookup


@pytest.mark.parametrize(
    ("key", "adcode", "level"),
    [
        pytest.param("410100", "410100", "city", id="adcode-str"),
        pytest.param(410100, "410100", "city", id="adcode-int"),
        pytest.param("郑州市", "410100", "city", id="name"),
        pytest.param(" 郑州 ", "410100", "city", id="short-name"),
        pytest.param("河南省", "410000", "province", id="province"),
        pytest.param("河南", "410000", "province", id="short-name-prefers-province"),
        pytest.param("金水区", "410105", "county", id="county"),
        pytest.param("南京市鼓楼区", "320106", "county", id="name-with-parent"),
        pytest.param("北京", "110000", "province", id="municipality"),
        pytest.param("441900", "441900", "city", id="city-and-county-share-adcode"),
        pytest.param(None, "100000", "country", id="none-is-country"),
        pytest.param("100000", "100000", "country", id="country-adcode"),
        pytest.param("中国", "100000", "country", id="country-name"),
    ],
)
def test_region_finds_by_adcode_or_name(key, adcode, level):
    found = region(key)
    assert (found.adcode, found.level) == (adcode, level)


def test_region_level_picks_the_county_sharing_its_citys_adcode():
    county = region("441900", level="county")
    assert (county.name, county.level, county.parent_adcode) == ("东莞市", "county", "441900")


def test_region_lists_candidates_with_parents_for_an_ambiguous_name():
    with pytest.raises(AmbiguousRegion) as raised:
        region("鼓楼区")
    message = str(raised.value)
    for candidate in (
        "江苏省南京市鼓楼区",
        "江苏省徐州市鼓楼区",
        "福建省福州市鼓楼区",
        "河南省开封市鼓楼区",
    ):
        assert candidate in message
    assert len(raised.value.candidates) == 4
    assert message.index("不唯一") < message.index("ambiguous")


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("999999", id="unknown-adcode"),
        pytest.param(123, id="int-padded-to-000123"),
        pytest.param("火星市", id="unknown-name"),
        pytest.param("", id="empty"),
        pytest.param(3.5, id="float"),
    ],
)
def test_region_raises_region_not_found_for_unknown_keys(key):
    with pytest.raises(RegionNotFound, match=r"找不到行政区 .* / "):
        region(key)


def test_region_rejects_an_unknown_level():
    with pytest.raises(GeodataError, match="unknown level"):
        region("410100", level="town")


# --------------------------------------------------------------------------- hierarchy


def test_city_children_are_its_counties():
    children = region("郑州市").children()
    names = {c.name: c.adcode for c in children}
    assert names["金水区"] == "410105"
    assert "中原区" in names
    assert {(c.level, c.parent_adcode) for c in children} == {("county", "410100")}


def test_municipality_children_are_its_districts():
    children = region("北京市").children()
    assert len(children) == 16  # Beijing has 16 districts
    assert {"东城区", "西城区", "海淀区", "延庆区"} <= {c.name for c in children}
    assert all(c.level == "county" and c.adcode.startswith("1101") for c in children)


def test_country_children_are_the_34_province_level_units():
    # 23 provinces (incl. Taiwan), 5 autonomous regions, 4 municipalities, 2 SARs
    provinces = region().children()
    assert len(provinces) == 34
    assert {p.level for p in provinces} == {"province"}
    assert {"河南省", "台湾省", "香港特别行政区", "澳门特别行政区"} <= {p.name for p in provinces}


@pytest.mark.parametrize(
    ("key", "children"),
    [
        pytest.param("441900", [("441900", "东莞市", "county")], id="city-without-counties"),
        pytest.param("820000", [("820000", "澳门特别行政区", "county")], id="macau"),
        pytest.param("金水区", [], id="county-has-none"),
    ],
)
def test_children_of_units_without_a_lower_level(key, children):
    assert [(c.adcode, c.name, c.level) for c in region(key).children()] == children


def test_province_administered_counties_are_children_of_their_province():
    assert "429004" in {c.adcode for c in region("湖北省").children()}


@pytest.mark.parametrize("key", ["100000", "410000", "110000", "410100", "650000"])
def test_children_cover_their_parent(key):
    parent = region(key)
    children_km2 = sum(c.area_km2 for c in parent.children())
    assert children_km2 == pytest.approx(parent.area_km2, rel=1e-3)


# --------------------------------------------------------------------------- areas


@pytest.mark.parametrize(
    "adcode",
    [
        pytest.param("232701", id="mohe-far-north"),
        pytest.param("460204", id="tianya-far-south"),
        pytest.param("410105", id="jinshui-city-district"),
        pytest.param("653226", id="yutian-large"),
    ],
)
def test_area_is_geodesic_and_agrees_with_an_equal_area_projection(adcode):
    county = region(adcode)
    assert county.area_km2 == pytest.approx(albers_area_km2(county.geometry), rel=0.005)


@pytest.mark.parametrize(
    ("key", "official_km2"),
    [
        pytest.param("北京市", 16_410, id="beijing"),
        pytest.param("河南省", 167_000, id="henan"),
        pytest.param("漠河市", 18_233, id="mohe"),
    ],
)
def test_area_matches_published_figures(key, official_km2):
    # not Shanghai: Tianditu's outline includes the Yangtze estuary shoals (7,207 vs 6,340 km²)
    assert region(key).area_km2 == pytest.approx(official_km2, rel=0.02)


# --------------------------------------------------------------------------- frames


@pytest.mark.parametrize(
    ("level", "count"),
    [
        pytest.param("country", 1, id="country"),
        pytest.param("province", 34, id="province"),
        pytest.param("city", 368, id="city"),
        pytest.param("county", 2891, id="county"),
    ],
)
def test_regions_frame_holds_every_region_of_a_level(level, count):
    frame = regions_frame(level)
    assert len(frame) == count
    assert list(frame.columns) == ["adcode", "name", "parent_adcode", "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert frame["adcode"].is_unique and frame["adcode"].is_monotonic_increasing
    assert frame.geometry.is_valid.all()


def test_every_county_has_a_city_or_province_parent():
    parents = set(regions_frame("city")["adcode"]) | set(regions_frame("province")["adcode"])
    assert set(regions_frame("county")["parent_adcode"]) <= parents


def test_regions_frame_is_a_copy():
    frame = regions_frame("province")
    frame.loc[0, "name"] = "changed"
    assert regions_frame("province").loc[0, "name"] != "changed"


def test_regions_frame_rejects_an_unknown_level():
    with pytest.raises(GeodataError, match="unknown level"):
        regions_frame("village")


def test_region_is_a_dataclass_with_the_documented_fields():
    county = region("410105")
    assert isinstance(county, Region)
    assert (county.name, county.level, county.parent_adcode) == ("金水区", "county", "410100")
    assert county.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert LEVELS == ("country", "province", "city", "county")


def test_many_points_are_located_as_each_would_be_alone() -> None:
    """Past 2,000 points the counties are queried against the points (the fast way for a
    national ledger): same counties, same border rule, same snapping off the coast."""
    rng = np.random.default_rng(3)
    lon = rng.uniform(108.0, 122.0, 2_600)
    lat = rng.uniform(20.0, 41.0, 2_600)
    # points on a shared county border and just off the coast are among them
    lon[:2], lat[:2] = (113.6654, 121.5), (34.7579, 31.0)
    together = locate(lon, lat)
    apart = [locate(lon[i:i + 500], lat[i:i + 500]) for i in range(0, 2_600, 500)]
    for column in ("adcode", "province", "city", "county"):
        assert together[column].tolist() == [v for part in apart for v in part[column].tolist()]
    assert np.allclose(together["snap_m"].to_numpy(), np.concatenate([p["snap_m"].to_numpy() for p in apart]),
                       equal_nan=True)
    assert together["adcode"].notna().sum() > 1_000  # most points fall in a county
