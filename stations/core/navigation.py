"""Links that start route planning to a station in the navigation apps people in China use.

Each app wants its own coordinate system: Amap (Gaode) takes GCJ-02, Baidu BD-09, and a
``geo:`` URI (the phone's default map app) WGS-84 as RFC 5870 says. Apple Maps inside
mainland China is drawn from AutoNavi's (Amap's) data on GCJ-02 and reads the coordinates
of a link as map coordinates, so it gets GCJ-02 too; outside China the conversion leaves
a point unchanged, which is what Apple Maps expects there. Stored coordinates are WGS-84,
so they are converted here, once per link, with :mod:`geodata.crs`.

The links (``travel`` is how the person moves: ``car``, ``ride`` for a bicycle or
e-bike, ``walk``):

- ``amap``: ``https://uri.amap.com/navigation?to=LON,LAT,NAME&mode=car|ride|walk`` (from
  the phone's position; ``coordinate=gaode``, ``callnative=1`` opens the app if present);
- ``baidu``: ``https://api.map.baidu.com/direction?origin=…&destination=latlng:LAT,LON|name:NAME
  &mode=driving|riding|walking&coord_type=bd09ll&output=html`` (Baidu's web link wants an
  origin: the point searched from, when the links are made for a search);
- ``apple``: ``https://maps.apple.com/?daddr=LAT,LON&dirflg=d|w`` (from the current position);
- ``geo``: ``geo:LAT,LON?q=LAT,LON(NAME)`` (shows the place; Android offers "directions").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02
from stations.errors import InvalidInput

# 6 decimal places of a degree are ~0.1 m: finer than any map pin.
_DIGITS = 6
TRAVEL_MODES = ("car", "ride", "walk")
_AMAP_MODE = {"car": "car", "ride": "ride", "walk": "walk"}
_BAIDU_MODE = {"car": "driving", "ride": "riding", "walk": "walking"}
# Apple's URL scheme knows driving (d), walking (w) and transit (r): no cycling flag
_APPLE_FLAG = {"car": "d", "ride": "w", "walk": "w"}
_ORIGIN_ZH = quote("起点", safe="")


def check_travel(travel: Any) -> str:
    """``travel`` as one of :data:`TRAVEL_MODES` (``None`` or blank: ``car``).

    Raises
    ------
    stations.errors.InvalidInput
        Naming ``travel``.
    """
    if travel is None or travel == "":
        return "car"
    if travel not in TRAVEL_MODES:
        raise InvalidInput("travel", f"应为 car、ride 或 walk / must be car, ride or walk: {travel!r}")
    return str(travel)


def navigation_links(lon: float, lat: float, name: str, *, travel: str = "car",
                     origin: tuple[float, float] | None = None) -> dict[str, str]:
    """Route-planning links to one place.

    Parameters
    ----------
    lon, lat : float
        WGS-84 degrees of the place.
    name : str
        What the apps should call the destination (URL-encoded here).
    travel : str
        ``car`` (default), ``ride`` (bicycle, e-bike) or ``walk``.
    origin : (lon, lat), optional
        WGS-84 start of the route, for the apps that need one (Baidu); the others start
        from the phone's position.

    Returns
    -------
    dict
        ``amap`` (GCJ-02), ``baidu`` (BD-09), ``apple`` (GCJ-02 inside China) and
        ``geo`` (WGS-84 ``geo:`` URI).
    """
    start = "" if origin is None else baidu_origin(wgs84_to_bd09(*origin))
    return format_links(name, (lon, lat), wgs84_to_gcj02(lon, lat), wgs84_to_bd09(lon, lat),
                        travel=check_travel(travel), origin=start)


def baidu_origin(bd09: tuple[Any, Any]) -> str:
    """The start of Baidu's route (BD-09 lon, lat) as the query parameter the links carry;
    made once per search and shared by its links."""
    return f"origin=latlng:{_fmt(bd09[1])},{_fmt(bd09[0])}|name:{_ORIGIN_ZH}&"


def format_links(
    name: str, wgs84: tuple[Any, Any], gcj02: tuple[Any, Any], bd09: tuple[Any, Any], *,
    travel: str = "car", origin: str = "",
) -> dict[str, str]:
    """The links of :func:`navigation_links` from coordinates already converted (the search
    index converts all stations at once when it is built); ``origin`` from
    :func:`baidu_origin`, or empty."""
    label = quote(name or "", safe="")
    gcj_lon, gcj_lat = (_fmt(v) for v in gcj02)
    bd_lon, bd_lat = (_fmt(v) for v in bd09)
    wgs_lon, wgs_lat = _fmt(wgs84[0]), _fmt(wgs84[1])
    return {
        "amap": (
            f"https://uri.amap.com/navigation?to={gcj_lon},{gcj_lat},{label}"
            f"&mode={_AMAP_MODE[travel]}&policy=1&src=stations&coordinate=gaode&callnative=1"
        ),
        "baidu": (
            f"https://api.map.baidu.com/direction?{origin}"
            f"destination=latlng:{bd_lat},{bd_lon}|name:{label}&mode={_BAIDU_MODE[travel]}"
            f"&coord_type=bd09ll&output=html&src=stations"
        ),
        "geo": f"geo:{wgs_lat},{wgs_lon}?q={wgs_lat},{wgs_lon}({label})",
        "apple": f"https://maps.apple.com/?daddr={gcj_lat},{gcj_lon}&dirflg={_APPLE_FLAG[travel]}",
    }


def _fmt(value: Any) -> str:
    return f"{float(value):.{_DIGITS}f}"
