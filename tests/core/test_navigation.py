"""Navigation links: each app gets the place in its own coordinate system."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from geodata.crs import bd09_to_wgs84, gcj02_to_wgs84
from geodata.geodesy import distance_m
from stations.core.navigation import navigation_links
from stations.errors import InvalidInput

PLACES = [
    pytest.param(116.397128, 39.916527, "天安门爱心驿站", id="beijing"),
    pytest.param(87.617733, 43.792818, "乌鲁木齐司机之家 (G30)", id="urumqi-parentheses"),
    pytest.param(109.511909, 18.252847, "三亚 #1 & 2 驿站?", id="sanya-url-characters"),
    pytest.param(121.473701, 31.230416, "", id="shanghai-no-name"),
]
# 6 decimal places: the link is within a few centimetres of the station
TOLERANCE_M = 0.2


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def pair(text: str) -> tuple[float, float]:
    a, b = text.split(",")
    return float(a), float(b)


def destination(value: str) -> tuple[float, float, str]:
    """Baidu's ``latlng:LAT,LON|name:NAME``."""
    match = re.fullmatch(r"latlng:([-\d.]+),([-\d.]+)\|name:(.*)", value)
    assert match, value
    return float(match[1]), float(match[2]), match[3]


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_amap_link_plans_a_route_to_gcj02(lon, lat, name):
    url = navigation_links(lon, lat, name)["amap"]
    assert url.startswith("https://uri.amap.com/navigation?")  # route planning, not a pin
    q = query(url)
    assert q["coordinate"] == "gaode" and q["callnative"] == "1" and q["mode"] == "car"
    assert "from" not in q  # starts where the phone is
    to_lon, to_lat, to_name = q["to"].split(",", 2)
    assert to_name == name
    gcj_lon, gcj_lat = float(to_lon), float(to_lat)
    assert distance_m(lon, lat, gcj_lon, gcj_lat) > 50  # really shifted, not WGS-84
    assert distance_m(lon, lat, *gcj02_to_wgs84(gcj_lon, gcj_lat)) < TOLERANCE_M


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_baidu_link_plans_a_route_to_bd09_lat_first(lon, lat, name):
    origin = (lon + 0.01, lat - 0.01)
    url = navigation_links(lon, lat, name, origin=origin)["baidu"]
    assert url.startswith("https://api.map.baidu.com/direction?")
    q = query(url)
    assert q["coord_type"] == "bd09ll" and q["output"] == "html" and q["src"] == "stations"
    assert q["mode"] == "driving"
    bd_lat, bd_lon, label = destination(q["destination"])
    assert label == name
    assert distance_m(lon, lat, bd_lon, bd_lat) > 50
    assert distance_m(lon, lat, *bd09_to_wgs84(bd_lon, bd_lat)) < TOLERANCE_M
    start_lat, start_lon, _ = destination(q["origin"])
    assert distance_m(*origin, *bd09_to_wgs84(start_lon, start_lat)) < TOLERANCE_M
    assert "origin" not in query(navigation_links(lon, lat, name)["baidu"])


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_geo_uri_carries_wgs84(lon, lat, name):
    uri = navigation_links(lon, lat, name)["geo"]
    match = re.fullmatch(r"geo:([-\d.]+),([-\d.]+)\?q=([-\d.]+),([-\d.]+)\((.*)\)", uri)
    assert match, uri
    first, second = (float(match[1]), float(match[2])), (float(match[3]), float(match[4]))
    assert first == second
    assert distance_m(lon, lat, first[1], first[0]) < TOLERANCE_M
    assert unquote(match[5]) == name


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_apple_link_plans_a_route_to_gcj02_inside_china(lon, lat, name):
    url = navigation_links(lon, lat, name)["apple"]
    assert url.startswith("https://maps.apple.com/?")
    q = query(url)
    assert q["dirflg"] == "d"
    gcj_lat, gcj_lon = pair(q["daddr"])
    assert distance_m(lon, lat, gcj_lon, gcj_lat) > 50
    assert distance_m(lon, lat, *gcj02_to_wgs84(gcj_lon, gcj_lat)) < TOLERANCE_M


@pytest.mark.parametrize(
    ("travel", "amap", "baidu", "apple"),
    [pytest.param("car", "car", "driving", "d", id="car"),
     pytest.param("ride", "ride", "riding", "w", id="ride"),
     pytest.param("walk", "walk", "walking", "w", id="walk"),
     pytest.param(None, "car", "driving", "d", id="default-car")],
)
def test_travel_mode_reaches_every_app(travel, amap, baidu, apple):
    links = navigation_links(113.62, 34.75, "驿站", travel=travel)
    assert query(links["amap"])["mode"] == amap
    assert query(links["baidu"])["mode"] == baidu
    assert query(links["apple"])["dirflg"] == apple


def test_unknown_travel_mode_is_refused_naming_it():
    with pytest.raises(InvalidInput) as caught:
        navigation_links(113.62, 34.75, "驿站", travel="plane")
    assert caught.value.field == "travel"


def test_outside_china_gcj02_is_wgs84():
    links = navigation_links(2.2945, 48.8584, "Tour Eiffel")
    assert query(links["amap"])["to"].split(",")[:2] == ["2.294500", "48.858400"]
    assert pair(query(links["apple"])["daddr"]) == (48.8584, 2.2945)


def test_names_never_break_the_url():
    name = "a&b=c #d/e?f(g),h|i"
    links = navigation_links(116.4, 39.9, name, origin=(116.3, 39.8))
    assert set(query(links["amap"])) == {"to", "mode", "policy", "src", "coordinate",
                                         "callnative"}
    assert set(query(links["baidu"])) == {"origin", "destination", "mode", "coord_type",
                                          "output", "src"}
    assert set(query(links["apple"])) == {"daddr", "dirflg"}
    assert query(links["amap"])["to"].split(",", 2)[2] == name
    assert destination(query(links["baidu"])["destination"])[2] == name
    assert " " not in "".join(links.values())
    label = links["geo"].split("(", 1)[1][:-1]
    assert unquote(label) == name and not set("()") & set(label)
