"""Coordinate systems used by maps in China: WGS-84, GCJ-02 and BD-09.

The project stores WGS-84 (GPS, EPSG:4326). Amap/Gaode and Tencent show GCJ-02, Baidu shows
BD-09; both are obfuscated versions of WGS-84 offset by several hundred metres inside China.
Forward transforms follow the widely published algorithm; the inverses are solved by
fixed-point iteration so that a round trip is exact to well under a millimetre instead of the
metre-level error of the usual one-step approximation.

Every function accepts Python floats, lists or numpy arrays (any shape): scalars in give
floats out, arrays in give float64 arrays of the same shape out. Invalid input raises
:class:`geodata.errors.CoordinateError` (checked by :func:`geodata.lonlat.validate_lonlat`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from geodata.errors import CRSError
from geodata.lonlat import FloatArray, FloatOrArray, unwrap_scalar, validate_lonlat

__all__ = [
    "BD09",
    "GCJ02",
    "SUPPORTED_CRS",
    "WGS84",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "parse_crs",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_bd09_point",
    "wgs84_to_gcj02",
]


WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
SUPPORTED_CRS = (WGS84, GCJ02, BD09)

# Spellings accepted after lower-casing and dropping "-", "_" and spaces.
_CRS_ALIASES = {
    "wgs84": WGS84,
    "epsg:4326": WGS84,
    "gcj02": GCJ02,
    "bd09": BD09,
    "bd09ll": BD09,  # Baidu's name for BD-09 longitude/latitude (as opposed to bd09mc)
}

# Constants of the published GCJ-02 algorithm (Krasovsky 1940 ellipsoid).
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# GCJ-02 only offsets points inside this rectangle; elsewhere it equals WGS-84.
_GCJ_MIN_LON, _GCJ_MAX_LON = 72.004, 137.8347
_GCJ_MIN_LAT, _GCJ_MAX_LAT = 0.8293, 55.8271
_BD_X_PI = math.pi * 3000.0 / 180.0

_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 20



# --------------------------------------------------------------------------- CRS names


def parse_crs(value: object) -> str:
    """Return the canonical name (``"wgs84"``, ``"gcj02"`` or ``"bd09"``) of a CRS.

    Parameters
    ----------
    value : str
        A name such as ``"WGS84"``, ``"wgs-84"``, ``"EPSG:4326"``, ``"GCJ-02"``, ``"bd09"``
        or ``"BD09LL"``; case, spaces, hyphens and underscores are ignored.

    Raises
    ------
    CRSError
        If the value is not a string or names no supported system.
    """
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
        if key in _CRS_ALIASES:
            return _CRS_ALIASES[key]
    raise CRSError(
        f"未知坐标系 / unknown coordinate system: {value!r}; "
        f"expected one of {', '.join(SUPPORTED_CRS)}"
    )


# --------------------------------------------------------------------------- public transforms


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert WGS-84 (GPS) to GCJ-02 (Amap/Gaode, Tencent).

    Outside China's rectangle GCJ-02 equals WGS-84, as in the real system.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        GCJ-02 degrees; floats for scalar input, arrays of the input shape otherwise.
    """
    return _convert(_wgs84_to_gcj02, lon, lat)


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert GCJ-02 to WGS-84 by iterating the forward transform to 1e-9 degrees.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        WGS-84 degrees.
    """
    return _convert(_gcj02_to_wgs84, lon, lat)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert GCJ-02 to BD-09 (Baidu), applied everywhere as Baidu does.

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        BD-09 degrees.
    """
    return _convert(_gcj02_to_bd09, lon, lat)


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert BD-09 to GCJ-02 by iterating the forward transform to 1e-9 degrees.

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        GCJ-02 degrees.
    """
    return _convert(_bd09_to_gcj02, lon, lat)


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert WGS-84 to BD-09 (through GCJ-02).

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        BD-09 degrees.
    """
    return _convert(_wgs84_to_bd09, lon, lat)


def wgs84_to_bd09_point(lon: float, lat: float) -> tuple[float, float]:
    """:func:`wgs84_to_bd09` of one point already checked (finite, in range), without the
    checks and array set-up that cost three times the arithmetic on a hot path."""
    out_lon, out_lat = _wgs84_to_bd09(float(lon), float(lat))  # type: ignore[arg-type]
    return float(out_lon), float(out_lat)


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert BD-09 to WGS-84 by iterating the forward transform to 1e-9 degrees.

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 degrees, same shape.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        WGS-84 degrees.
    """
    return _convert(_bd09_to_wgs84, lon, lat)


def to_wgs84(lon: Any, lat: Any, crs: object) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert coordinates given in ``crs`` to WGS-84.

    Parameters
    ----------
    lon, lat : float or array_like
        Degrees in ``crs``, same shape.
    crs : str
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` (anything :func:`parse_crs` accepts).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        WGS-84 degrees.
    """
    return _convert(_TO_WGS84[parse_crs(crs)], lon, lat)


def from_wgs84(lon: Any, lat: Any, crs: object) -> tuple[FloatOrArray, FloatOrArray]:
    """Convert WGS-84 coordinates to ``crs``, e.g. for display on Amap or Baidu tiles.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 degrees, same shape.
    crs : str
        ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` (anything :func:`parse_crs` accepts).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        Degrees in ``crs``.
    """
    return _convert(_FROM_WGS84[parse_crs(crs)], lon, lat)


# --------------------------------------------------------------------------- array kernels

_Kernel = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]


def _convert(kernel: _Kernel, lon: Any, lat: Any) -> tuple[FloatOrArray, FloatOrArray]:
    lon_array, lat_array = validate_lonlat(lon, lat)
    out_lon, out_lat = kernel(lon_array, lat_array)
    return unwrap_scalar(out_lon), unwrap_scalar(out_lat)


def _identity(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return lon.copy(), lat.copy()


def _gcj02_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS-84 in degrees at WGS-84 positions; zero outside the rectangle."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    # sin(3a) = sin(a) * (3 - 4 sin(a)^2) gives three of the ten sines almost free;
    # sines dominate the cost of the transform and of every round of its inverse.
    sin_2x = np.sin(2.0 * x * pi)
    sin_6x = sin_2x * (3.0 - 4.0 * sin_2x * sin_2x)
    sin_x_3 = np.sin(x / 3.0 * pi)
    sin_x = sin_x_3 * (3.0 - 4.0 * sin_x_3 * sin_x_3)
    sin_y_3 = np.sin(y / 3.0 * pi)
    sin_y = sin_y_3 * (3.0 - 4.0 * sin_y_3 * sin_y_3)
    shared = (20.0 * sin_6x + 20.0 * sin_2x) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += shared
    dlat += (20.0 * sin_y + 40.0 * sin_y_3) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += shared
    dlon += (20.0 * sin_x + 40.0 * sin_x_3) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * pi
    sin_lat = np.sin(rad_lat)
    magic = 1.0 - _GCJ_EE * sin_lat * sin_lat
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * pi)
    inside = (lon >= _GCJ_MIN_LON) & (lon <= _GCJ_MAX_LON)
    inside &= (lat >= _GCJ_MIN_LAT) & (lat <= _GCJ_MAX_LAT)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _wgs84_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    dlon, dlat = _gcj02_offset(lon, lat)
    return lon + dlon, lat + dlat


def _gcj02_to_bd09(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _wgs84_to_bd09(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _gcj02_to_bd09(*_wgs84_to_gcj02(lon, lat))


def _invert(forward: _Kernel, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(guess) == (lon, lat)`` by fixed-point iteration.

    The offsets change by at most a few percent of any move of their input, so subtracting
    the residual gains about two digits per round (four or five rounds reach 1e-9 degrees);
    points that converge drop out of the working set. GCJ-02 jumps at the edge of its rectangle, so
    a thin strip just inside the edge has no preimage and never converges: those points,
    all far outside China, are returned unchanged, as outside the rectangle.
    """
    target_lon = lon.ravel()
    target_lat = lat.ravel()
    guess_lon = target_lon.copy()
    guess_lat = target_lat.copy()
    active = np.arange(target_lon.size)
    for _ in range(_MAX_ITERATIONS):
        forward_lon, forward_lat = forward(guess_lon[active], guess_lat[active])
        error_lon = forward_lon - target_lon[active]
        error_lat = forward_lat - target_lat[active]
        pending = (np.abs(error_lon) >= _TOLERANCE_DEG) | (np.abs(error_lat) >= _TOLERANCE_DEG)
        active = active[pending]
        if active.size == 0:
            break
        guess_lon[active] -= error_lon[pending]
        guess_lat[active] -= error_lat[pending]
    guess_lon[active] = target_lon[active]
    guess_lat[active] = target_lat[active]
    return guess_lon.reshape(lon.shape), guess_lat.reshape(lat.shape)


def _gcj02_to_wgs84(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _invert(_wgs84_to_gcj02, lon, lat)


def _bd09_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _invert(_gcj02_to_bd09, lon, lat)


def _bd09_to_wgs84(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _invert(_wgs84_to_bd09, lon, lat)


_TO_WGS84: dict[str, _Kernel] = {WGS84: _identity, GCJ02: _gcj02_to_wgs84, BD09: _bd09_to_wgs84}
_FROM_WGS84: dict[str, _Kernel] = {
    WGS84: _identity,
    GCJ02: _wgs84_to_gcj02,
    BD09: _wgs84_to_bd09,
}
