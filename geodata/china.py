"""Is a point plausibly in China?

A plausibility check for imported coordinates, not a legal boundary: the outline below is
hand-simplified (about 190 vertices), runs some 15-30 km beyond the land borders and 50 km
or more out to sea, and covers the mainland, Hainan, Taiwan and the South China Sea islands.
Towns right on a land border may fall on either side; cities of neighbouring countries
(Seoul, Pyongyang, Ulaanbaatar, Hanoi, Bangkok, Kathmandu, Almaty, Manila, Tokyo...) are
outside. The GCJ-02/BD-09 offsets (under 1.5 km) do not matter at this scale, so any of the
three coordinate systems can be checked.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from geodata.errors import CoordinateError
from geodata.lonlat import unwrap_scalar, validate_lonlat

__all__ = ["CHINA_OUTLINE", "explain_not_in_china", "in_china"]

# (lon, lat) vertices, clockwise from the Argun river north-west of Mohe. Land borders are
# followed some 15-30 km outside; near foreign cities the margin is smaller.
# fmt: off
_OUTLINE_VERTICES: tuple[tuple[float, float], ...] = (
    # Amur and Ussuri rivers (Russia)
    (120.85, 53.45), (122.25, 53.65), (123.5, 53.7), (125.1, 53.4), (126.15, 52.95),
    (126.8, 51.85), (127.15, 51.45), (127.5, 50.8), (127.9, 49.95), (129.45, 49.65),
    (130.8, 48.85), (131.15, 47.95), (132.5, 48.0), (133.3, 48.4), (134.95, 48.6),
    (134.75, 47.55), (134.35, 47.15), (134.0, 46.1), (133.2, 44.95), (131.9, 45.1),
    (131.25, 44.85), (131.5, 44.1), (131.35, 42.75), (130.85, 42.7), (130.85, 42.4),
    # Tumen and Yalu rivers (North Korea), then the Yellow Sea
    (130.7, 42.2), (129.6, 42.1), (128.3, 41.3), (127.3, 41.25), (126.3, 40.85),
    (125.1, 40.3), (124.2, 39.7), (123.5, 38.9), (123.2, 37.6), (123.1, 36.6),
    # East China Sea and east of Taiwan (the Ryukyus stay outside)
    (122.0, 34.8), (122.9, 32.5), (123.3, 30.5), (123.0, 28.0), (122.4, 26.0),
    (122.5, 25.2), (122.4, 23.0), (122.2, 21.8),
    # South China Sea: Bashi Channel, off Luzon, Palawan and Borneo, round James Shoal,
    # back north well off the coast of Vietnam
    (121.0, 21.4), (120.2, 20.5), (118.9, 17.8), (118.7, 12.5), (118.4, 11.0),
    (117.3, 9.5), (116.6, 8.3), (116.0, 7.3), (114.5, 5.6), (112.3, 3.6),
    (109.3, 6.5), (110.0, 9.5), (110.3, 13.5), (110.0, 16.3), (108.1, 18.3),
    # Gulf of Tonkin and the land border with Vietnam, Laos and Myanmar
    (108.1, 19.9), (107.9, 21.3), (107.0, 21.55), (106.35, 22.15), (106.5, 22.72),
    (105.75, 22.85), (105.3, 23.1), (104.5, 22.6), (104.0, 22.35), (103.5, 22.45),
    (102.7, 22.45),
    (101.95, 22.15), (102.0, 21.0), (101.2, 20.95), (100.4, 21.3), (99.95, 21.5),
    (99.0, 22.05), (99.3, 22.9), (98.75, 22.95), (98.45, 23.85), (97.4, 23.7),
    (97.5, 25.1), (98.45, 25.95), (98.5, 27.5), (97.75, 28.2),
    # Himalaya: India, Bhutan, Sikkim, Nepal
    (97.2, 28.1), (96.2, 27.6), (95.6, 27.8), (94.5, 27.75), (93.6, 27.2),
    (92.0, 26.95), (91.6, 27.6), (91.2, 27.85), (90.7, 27.85), (90.0, 28.1),
    (89.6, 27.9), (89.0, 27.1), (88.7, 27.3), (88.6, 27.95), (88.1, 27.7),
    (86.95, 27.85), (85.8, 27.95), (85.0, 28.4), (84.2, 28.6), (83.85, 29.1),
    (83.3, 29.25), (82.25, 29.9), (81.5, 30.2), (81.1, 29.95), (79.6, 30.65),
    # Western border: India, Pakistan, Afghanistan, Tajikistan, Kyrgyzstan
    (78.55, 31.35), (78.25, 32.6), (78.55, 33.5), (78.6, 34.3), (77.6, 35.4),
    (76.1, 35.7), (75.7, 36.6), (75.0, 37.0), (74.7, 37.4), (74.6, 38.2),
    (73.75, 38.3), (73.45, 39.45), (73.55, 40.05), (74.7, 40.6), (75.45, 40.8),
    (76.4, 40.7), (76.75, 41.3), (78.1, 41.45), (78.4, 41.8), (80.0, 42.35),
    # Kazakhstan, the Altai, Mongolia (its eastern salient stays outside)
    (79.95, 43.0), (80.15, 44.2), (79.75, 45.1), (81.9, 45.55), (82.2, 45.7),
    (82.9, 47.5), (83.3, 47.6), (85.15, 47.25), (85.45, 47.6), (85.5, 48.65),
    (86.5, 48.8), (87.2, 49.45), (87.8, 49.55), (88.25, 48.75), (88.95, 48.3),
    (90.45, 47.95), (91.25, 46.95), (90.85, 45.75), (91.1, 45.5), (92.2, 45.35),
    (93.5, 45.2), (94.8, 44.6), (95.55, 44.45), (96.0, 43.45), (96.5, 42.95),
    (97.45, 43.0), (99.5, 42.75), (100.85, 42.9), (101.9, 42.75), (103.3, 42.15),
    (104.6, 42.15), (105.0, 41.85), (106.1, 42.4), (107.7, 42.75), (109.2, 42.8),
    (110.3, 43.1), (111.0, 43.6), (111.45, 44.0), (111.1, 44.45), (111.7, 45.35),
    (112.45, 45.25), (113.45, 45.05), (114.4, 45.6), (115.9, 45.95), (116.55, 46.6),
    (117.4, 46.9), (118.85, 47.05), (119.45, 46.95), (118.7, 47.55), (118.0, 47.85),
    (117.3, 47.5), (116.3, 47.65), (115.6, 47.5), (115.25, 48.1), (115.95, 49.2),
    # Hulunbuir and the Argun river (Russia)
    (116.45, 50.05), (117.85, 49.8), (119.1, 50.4), (119.05, 50.65), (119.95, 51.75),
    (120.5, 52.1), (120.5, 52.45), (119.9, 52.75),
)
# fmt: on

CHINA_OUTLINE: shapely.Polygon = shapely.Polygon(_OUTLINE_VERTICES)
"""Generous outline of China's territory in lon/lat degrees (see module docstring)."""
shapely.prepare(CHINA_OUTLINE)
# GEOS builds a prepared geometry's index on first use; do it now, in one thread,
# so concurrent first uses (web requests) cannot race on it.
shapely.contains_xy(CHINA_OUTLINE, 116.4, 39.9)

_SWAPPED_HINT = "经纬度可能颠倒 / longitude and latitude may be swapped"
_SIGN_HINT = "经纬度符号可能有误 / the sign of longitude or latitude may be wrong"
_ZERO_HINT = "坐标为 (0, 0)，可能是缺失值 / coordinates are (0, 0), probably a missing value"
_PROJECTED_HINT = (
    "坐标像是投影坐标（米）而不是经纬度 / "
    "coordinates look like projected metres, not longitude/latitude degrees"
)
_OUTSIDE_HINT = "坐标不在中国境内 / the point is outside China"


def in_china(lon: Any, lat: Any) -> Any:
    """Whether points can be in China (mainland, Hainan, Taiwan, South China Sea islands).

    Parameters
    ----------
    lon, lat : float or array_like
        Degrees (WGS-84, GCJ-02 or BD-09), same shape. Values beyond ±180/±90, such as
        swapped coordinates, are simply not in China.

    Returns
    -------
    bool or numpy.ndarray
        A bool for scalar input, a boolean array of the input shape otherwise.

    Raises
    ------
    CoordinateError
        For missing, non-numeric or non-finite values.
    """
    lon_array, lat_array = validate_lonlat(lon, lat, check_range=False)
    inside = np.asarray(shapely.contains_xy(CHINA_OUTLINE, lon_array, lat_array), dtype=bool)
    return unwrap_scalar(inside)


def explain_not_in_china(lon: float, lat: float) -> str | None:
    """Suggest why a point is not in China, for messages to the person who entered it.

    Parameters
    ----------
    lon, lat : float
        One point, in degrees.

    Returns
    -------
    str or None
        ``None`` when the point is in China; otherwise a bilingual hint, e.g.
        ``"经纬度可能颠倒 / longitude and latitude may be swapped"`` when ``(lat, lon)``
        would be in China.

    Raises
    ------
    CoordinateError
        For missing, non-numeric or non-finite values.
    """
    lon_array, lat_array = validate_lonlat(lon, lat, check_range=False)
    if lon_array.ndim != 0:
        raise CoordinateError(
            "只能解释单个点 / explain_not_in_china takes one point, "
            f"got an array of shape {lon_array.shape}"
        )
    x, y = float(lon_array), float(lat_array)
    if in_china(x, y):
        return None
    if x == 0.0 and y == 0.0:
        return _ZERO_HINT
    if in_china(y, x):
        return _SWAPPED_HINT
    if in_china(abs(x), abs(y)) or in_china(abs(y), abs(x)):
        return _SIGN_HINT
    if abs(x) > 1000.0 or abs(y) > 1000.0:
        return _PROJECTED_HINT
    return _OUTSIDE_HINT
