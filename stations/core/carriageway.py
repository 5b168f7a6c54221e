"""Which carriageway of an expressway a service area serves, from its name.

An expressway service area has one site on each side of the road, and a driver can use
only the one on the side they are driving on. Ledgers and map apps tell the two apart by
name: 福山服务区(芜合高速**芜湖方向**), 西桥服务区(沪陕高速**上海方向**), or a compass word
(东行, 往北方向). :func:`toward` reads the destination from the name and
:func:`toward_bearing` turns it into a compass bearing from the site: the direction of
travel of the traffic that site serves. A driver whose heading is within 90° of it is on
that side. Destinations are looked up as Chinese place names (:mod:`geodata.regions`:
上海 → 上海市, 新蔡 → 新蔡县); one that is not a place (天柱山) gives no bearing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from geodata.errors import GeodataError
from geodata.geodesy import bearing_deg
from geodata.regions import region

_MARK = "方向"
# the destination is what stands between the last of these and 方向
_CUT = re.compile(r"(?:高速公路|高速|国道|省道|快速路|快速|公路|大道|绕城|环线|线|往|至|去|向"
                  r"|[\s(（)）\[\]【】,，、/·\-—])")
_ROAD_CODE = re.compile(r"^[A-Za-z]\d+")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}$")
_COMPASS = {"北": 0.0, "东北": 45.0, "东": 90.0, "东南": 135.0, "南": 180.0, "西南": 225.0,
            "西": 270.0, "西北": 315.0}
# 东行 / (南向) / 往北方向: a compass word in brackets or before 方向
_COMPASS_RE = re.compile(r"[(（]([东南西北]{1,2})[行向]?[)）]|(?<![\u4e00-\u9fff])([东南西北]{1,2})行?方向"
                         r"|往([东南西北]{1,2})")


def toward(name: str | None) -> str | None:
    """The destination a service area's carriageway leads to (``芜湖``), or a compass
    word (``东``); ``None`` when the name says nothing of a direction."""
    if not name:
        return None
    compass = _COMPASS_RE.search(name)
    word = next((g for g in compass.groups() if g), None) if compass else None
    if word in _COMPASS:
        return word
    at = name.rfind(_MARK)
    while at > 0:
        before = _CUT.split(name[:at])[-1]
        place = _ROAD_CODE.sub("", before).strip()
        if _PLACE.match(place):
            return place
        at = name.rfind(_MARK, 0, at)
    return None


def toward_bearing(lon: float, lat: float, destination: str | None) -> float | None:
    """The bearing (degrees clockwise from north) from a site at ``lon, lat`` (WGS-84)
    towards ``destination`` (a compass word or a place name); ``None`` when unknown."""
    if not destination:
        return None
    if destination in _COMPASS:
        return _COMPASS[destination]
    point = _place(destination)
    if point is None:
        return None
    return round(float(bearing_deg(lon, lat, *point)) % 360.0, 1)


@lru_cache(maxsize=4096)
def _place(name: str) -> tuple[float, float] | None:
    """A point inside the place called ``name`` (``None``: not one place)."""
    try:
        found = region(name)
    except GeodataError:
        return None
    if found.level == "country":
        return None
    inside = found.geometry.representative_point()
    return float(inside.x), float(inside.y)
