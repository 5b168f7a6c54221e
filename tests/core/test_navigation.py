"""Navigation links: each app gets the place in its own coordinate system."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from geodata.crs import bd09_to_wgs84, gcj02_to_wgs84
from geodata.geodesy import distance_m
from stations.core.navigation import navigation_links

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


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_amap_link_carries_gcj02(lon, lat, name):
    url = navigation_links(lon, lat, name)["amap"]
    assert url.startswith("https://uri.amap.com/marker?")
    q = query(url)
    assert q["coordinate"] == "gaode" and q["callnative"] == "1" and q["name"] == name
    gcj_lon, gcj_lat = pair(q["position"])
    assert distance_m(lon, lat, gcj_lon, gcj_lat) > 50  # really shifted, not WGS-84
    assert distance_m(lon, lat, *gcj02_to_wgs84(gcj_lon, gcj_lat)) < TOLERANCE_M


@pytest.mark.parametrize(("lon", "lat", "name"), PLACES)
def test_baidu_link_carries_bd09_lat_first(lon, lat, name):
    url = navigation_links(lon, lat, name)["baidu"]
    assert url.startswith("https://api.map.baidu.com/marker?")
    q = query(url)
    assert q["coord_type"] == "bd09ll" and q["output"] == "html" and q["src"] == "stations"
    assert q["title"] == q["content"] == name
    bd_lat, bd_lon = pair(q["location"])
    assert distance_m(lon, lat, bd_lon, bd_lat) > 50
    assert distance_m(lon, lat, *bd09_to_wgs84(bd_lon, bd_lat)) < TOLERANCE_M


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
def test_apple_link_carries_gcj02_inside_china(lon, lat, name):
    url = navigation_links(lon, lat, name)["apple"]
    assert url.startswith("https://maps.apple.com/?")
    q = query(url)
    assert q["q"] == name
    gcj_lat, gcj_lon = pair(q["ll"])
    assert distance_m(lon, lat, gcj_lon, gcj_lat) > 50
    assert distance_m(lon, lat, *gcj02_to_wgs84(gcj_lon, gcj_lat)) < TOLERANCE_M


def test_outside_china_gcj02_is_wgs84():
    links = navigation_links(2.2945, 48.8584, "Tour Eiffel")
    assert pair(query(links["amap"])["position"]) == (2.2945, 48.8584)
    assert pair(query(links["apple"])["ll"]) == (48.8584, 2.2945)


def test_names_never_break_the_url():
    name = "a&b=c #d/e?f(g)"
    links = navigation_links(116.4, 39.9, name)
    assert set(query(links["amap"])) == {"position", "name", "coordinate", "callnative"}
    assert set(query(links["baidu"])) == {"location", "title", "content", "output", "coord_type",
                                          "src"}
    assert set(query(links["apple"])) == {"ll", "q"}
    assert query(links["amap"])["name"] == query(links["apple"])["q"] == name
    assert " " not in "".join(links.values())
    label = links["geo"].split("(", 1)[1][:-1]
    assert unquote(label) == name and not set("()") & set(label)
