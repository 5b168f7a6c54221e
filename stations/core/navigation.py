"""Links that open a station in the navigation apps people in China use.

Each app wants its own coordinate system: Amap (Gaode) and Apple Maps in China show
GCJ-02, Baidu shows BD-09, and a ``geo:`` URI (the phone's default map app) carries
WGS-84 as RFC 5870 says. Stored coordinates are WGS-84, so they are converted here,
once per link, with :mod:`geodata.crs`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02

# 6 decimal places of a degree are ~0.1 m: finer than any map pin.
_DIGITS = 6


def navigation_links(lon: float, lat: float, name: str) -> dict[str, str]:
    """Navigation links for one place.

    Parameters
    ----------
    lon, lat : float
        WGS-84 degrees of the place.
    name : str
        What the apps should label the pin with (URL-encoded here).

    Returns
    -------
    dict
        ``amap`` (GCJ-02), ``baidu`` (BD-09), ``geo`` (WGS-84 ``geo:`` URI) and
        ``apple`` (GCJ-02, as Apple Maps uses inside China).
    """
    return format_links(name, (lon, lat), wgs84_to_gcj02(lon, lat), wgs84_to_bd09(lon, lat))


def format_links(
    name: str, wgs84: tuple[Any, Any], gcj02: tuple[Any, Any], bd09: tuple[Any, Any]
) -> dict[str, str]:
    """The links of :func:`navigation_links` from coordinates already converted
    (the search index converts all stations at once when it is built)."""
    label = quote(name or "", safe="")
    gcj_lon, gcj_lat = (_fmt(v) for v in gcj02)
    bd_lon, bd_lat = (_fmt(v) for v in bd09)
    wgs_lon, wgs_lat = _fmt(wgs84[0]), _fmt(wgs84[1])
    return {
        "amap": (
            f"https://uri.amap.com/marker?position={gcj_lon},{gcj_lat}"
            f"&name={label}&coordinate=gaode&callnative=1"
        ),
        "baidu": (
            f"https://api.map.baidu.com/marker?location={bd_lat},{bd_lon}"
            f"&title={label}&content={label}&output=html&coord_type=bd09ll&src=stations"
        ),
        "geo": f"geo:{wgs_lat},{wgs_lon}?q={wgs_lat},{wgs_lon}({label})",
        "apple": f"https://maps.apple.com/?ll={gcj_lat},{gcj_lon}&q={label}",
    }


def _fmt(value: Any) -> str:
    return f"{float(value):.{_DIGITS}f}"
