"""Distances, bearings and areas on the WGS-84 ellipsoid.

:func:`distance_m` is the project's one distance function: geodesic (Karney's algorithm via
pyproj), never degrees or planar approximations. Inputs are WGS-84 longitude/latitude
degrees, validated like every coordinate in ``geodata`` (:func:`geodata.crs.validate_lonlat`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geodata.errors import CoordinateError, GeodataError
from geodata.lonlat import FloatOrArray, unwrap_scalar, validate_lonlat

__all__ = [
    "bearing_deg",
    "distance_m",
    "geodesic_area_m2",
    "inverse_from_point",
    "unit_vectors",
]

_GEOD = Geod(ellps="WGS84")
# up to this many points, pyproj's scalar calls (~1 µs each) beat its array set-up (~9 µs)
_FEW_POINTS = 16


def distance_m(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> FloatOrArray:
    """Geodesic distance in metres between points on WGS-84.

    Parameters
    ----------
    lon1, lat1 : float or array_like
        First points, degrees; ``lon1`` and ``lat1`` have the same shape.
    lon2, lat2 : float or array_like
        Second points, degrees; broadcast against the first points, so one point can be
        measured against many.

    Returns
    -------
    float or numpy.ndarray
        Metres; a float when all inputs are scalars.

    Raises
    ------
    CoordinateError
        For invalid coordinates or shapes that do not broadcast.
    """
    _, _, distance = _inverse(lon1, lat1, lon2, lat2)
    return unwrap_scalar(distance)


def inverse_from_point(
    lon: float, lat: float, lons: Any, lats: Any
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Distances and bearings from one point to many, for hot paths with trusted input.

    The same geodesic as :func:`distance_m` and :func:`bearing_deg` (Karney via pyproj),
    without their validation: callers pass valid WGS-84 degrees, e.g. rows of an index.
    For a handful of points this costs ~1 µs per point where ``distance_m`` costs ~50 µs
    per call, which matters to a search answering in tens of microseconds.

    Parameters
    ----------
    lon, lat : float
        The origin, degrees.
    lons, lats : array_like
        The other points, degrees, same length; flattened.

    Returns
    -------
    distance_m : numpy.ndarray
        Metres, one per point.
    bearing_deg : numpy.ndarray
        Initial bearing from the origin in [0, 360); 0 for coincident points.
    """
    lons_array = np.asarray(lons, dtype=np.float64).ravel()
    lats_array = np.asarray(lats, dtype=np.float64).ravel()
    if lons_array.size <= _FEW_POINTS:
        inverse = _GEOD.inv
        distances, bearings = [], []
        for x, y in zip(lons_array.tolist(), lats_array.tolist(), strict=True):
            azimuth, _, distance = inverse(lon, lat, x, y)
            bearing = azimuth % 360.0
            bearings.append(0.0 if bearing >= 360.0 or distance == 0.0 else bearing)
            distances.append(distance)
        return np.array(distances, dtype=np.float64), np.array(bearings, dtype=np.float64)
    size = lons_array.size
    azimuth, _, distance = _GEOD.inv(
        np.full(size, float(lon)), np.full(size, float(lat)), lons_array, lats_array
    )
    distance = np.asarray(distance, dtype=np.float64)
    bearing = np.mod(np.asarray(azimuth, dtype=np.float64), 360.0)
    bearing[(bearing >= 360.0) | (distance == 0.0)] = 0.0
    return distance, bearing


def bearing_deg(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> FloatOrArray:
    """Initial bearing (azimuth) from the first to the second points, clockwise from north.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array_like
        As for :func:`distance_m`.

    Returns
    -------
    float or numpy.ndarray
        Degrees in [0, 360); 0 is north, 90 east. Coincident points give 0.
    """
    azimuth, _, distance = _inverse(lon1, lat1, lon2, lat2)
    bearing = np.mod(azimuth, 360.0)
    bearing = np.where((bearing >= 360.0) | (distance == 0.0), 0.0, bearing)
    return unwrap_scalar(bearing)


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    """Area in square metres of a lon/lat Polygon or MultiPolygon on WGS-84.

    Rings may be oriented either way; holes are subtracted.

    Parameters
    ----------
    geometry : shapely.Polygon or shapely.MultiPolygon
        WGS-84 longitude/latitude degrees.

    Returns
    -------
    float
        Area in m², 0.0 for an empty geometry.

    Raises
    ------
    GeodataError
        If the geometry is not polygonal.
    CoordinateError
        If its coordinates are not valid longitudes and latitudes (e.g. projected metres).
    """
    if not isinstance(geometry, shapely.Polygon | shapely.MultiPolygon):
        raise GeodataError(
            "面积只能计算多边形 / area needs a Polygon or MultiPolygon, "
            f"got {type(geometry).__name__}"
        )
    if geometry.is_empty:
        return 0.0
    coordinates = shapely.get_coordinates(geometry)
    try:
        validate_lonlat(coordinates[:, 0], coordinates[:, 1])
    except CoordinateError as exc:
        raise CoordinateError(
            f"多边形坐标不是经纬度 / polygon coordinates are not longitude/latitude: {exc}",
            field=exc.field,
            value=exc.value,
            index=exc.index,
        ) from exc
    # pyproj adds the signed areas of rings, so holes must wind against their shell.
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)
    area, _ = _GEOD.geometry_area_perimeter(oriented)
    return abs(float(area))


def unit_vectors(lon: Any, lat: Any) -> npt.NDArray[np.float64]:
    """Geocentric unit vectors of points on a sphere, one row per point.

    Straight-line (chord) distance between these vectors grows monotonically with the
    distance on the ground, which makes them suitable for k-d tree searches.

    Parameters
    ----------
    lon, lat : float or array_like
        Degrees, same shape; flattened.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (n, 3): x towards (0°E, 0°N), y towards (90°E, 0°N),
        z towards the North Pole.
    """
    lon_array, lat_array = validate_lonlat(lon, lat)
    lon_rad = np.radians(lon_array.ravel())
    lat_rad = np.radians(lat_array.ravel())
    cos_lat = np.cos(lat_rad)
    return np.column_stack((cos_lat * np.cos(lon_rad), cos_lat * np.sin(lon_rad), np.sin(lat_rad)))


def _inverse(
    lon1: Any, lat1: Any, lon2: Any, lat2: Any
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Forward azimuth, back azimuth and distance between broadcast point sets."""
    lon1_array, lat1_array = validate_lonlat(lon1, lat1)
    lon2_array, lat2_array = validate_lonlat(lon2, lat2)
    try:
        shape = np.broadcast_shapes(lon1_array.shape, lon2_array.shape)
    except ValueError as exc:
        raise CoordinateError(
            "两组坐标数量不匹配 / the two sets of points have incompatible shapes: "
            f"{lon1_array.shape} vs {lon2_array.shape}"
        ) from exc
    azimuth, back_azimuth, distance = _GEOD.inv(
        np.broadcast_to(lon1_array, shape).ravel(),
        np.broadcast_to(lat1_array, shape).ravel(),
        np.broadcast_to(lon2_array, shape).ravel(),
        np.broadcast_to(lat2_array, shape).ravel(),
    )
    return (
        np.asarray(azimuth, dtype=np.float64).reshape(shape),
        np.asarray(back_azimuth, dtype=np.float64).reshape(shape),
        np.asarray(distance, dtype=np.float64).reshape(shape),
    )


# Earth-centred coordinates: straight-line (chord) distances between them never
# exceed the geodesic, which makes them an exact lower bound for KD-tree searches.
_ECEF_A = _GEOD.a
_ECEF_E2 = _GEOD.es


def to_ecef_m(lon: Any, lat: Any) -> npt.NDArray[np.float64]:
    """Earth-centred coordinates in metres of points on the WGS-84 ellipsoid.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS-84 degrees, already validated.

    Returns
    -------
    numpy.ndarray
        ``(..., 3)``: x, y, z in metres.
    """
    lon_r = np.radians(np.asarray(lon, dtype=np.float64))
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    sin_lat, cos_lat = np.sin(lat_r), np.cos(lat_r)
    radius = _ECEF_A / np.sqrt(1.0 - _ECEF_E2 * sin_lat * sin_lat)
    return np.stack([radius * cos_lat * np.cos(lon_r), radius * cos_lat * np.sin(lon_r),
                     radius * (1.0 - _ECEF_E2) * sin_lat], axis=-1)


def ecef_point(lon: float, lat: float) -> tuple[float, float, float]:
    """:func:`to_ecef_m` for one point, in plain floats (numpy costs µs per call)."""
    lon_r, lat_r = math.radians(lon), math.radians(lat)
    sin_lat, cos_lat = math.sin(lat_r), math.cos(lat_r)
    radius = _ECEF_A / math.sqrt(1.0 - _ECEF_E2 * sin_lat * sin_lat)
    return (radius * cos_lat * math.cos(lon_r), radius * cos_lat * math.sin(lon_r),
            radius * (1.0 - _ECEF_E2) * sin_lat)
