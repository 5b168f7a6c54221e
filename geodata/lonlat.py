"""Longitude/latitude input checks shared by every part of ``geodata``.

Functions accept Python floats, lists or numpy arrays (any shape). :func:`validate_lonlat`
turns them into float64 arrays, refusing non-numbers, non-finite values and values out of
range with a :class:`geodata.errors.CoordinateError` that names the field and position.
"""

from __future__ import annotations

import decimal
import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from geodata.errors import CoordinateError

FloatArray = npt.NDArray[np.float64]
FloatOrArray = float | FloatArray

_FIELD_ZH = {"longitude": "经度", "latitude": "纬度"}
_FIELD_LIMIT = {"longitude": 180.0, "latitude": 90.0}


def validate_lonlat(
    lon: Any, lat: Any, *, check_range: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Check longitudes and latitudes and return them as float64 arrays.

    Parameters
    ----------
    lon, lat : float or array_like
        Longitudes and latitudes in degrees, of the same shape.
    check_range : bool, default True
        Require longitude in [-180, 180] and latitude in [-90, 90].

    Returns
    -------
    lon, lat : numpy.ndarray
        float64 arrays of the input shape (0-d for scalars).

    Raises
    ------
    CoordinateError
        For missing or non-numeric values, NaN or infinity, values out of range or
        longitude and latitude of different shapes. The message names the field, the value
        and its position, e.g. ``纬度超出范围 / latitude out of range: 95.0 (row index 3)``.
    """
    lon_array = _as_float_array(lon, "longitude")
    lat_array = _as_float_array(lat, "latitude")
    if lon_array.shape != lat_array.shape:
        raise CoordinateError(
            "经纬度数量不一致 / longitude and latitude have different shapes: "
            f"{lon_array.shape} vs {lat_array.shape}"
        )
    for field, array in (("longitude", lon_array), ("latitude", lat_array)):
        _check_finite(array, field)
    if check_range:
        for field, array in (("longitude", lon_array), ("latitude", lat_array)):
            _check_range(array, field)
    return lon_array, lat_array


def unwrap_scalar(values: npt.NDArray[Any]) -> Any:
    """Return a Python scalar for a 0-d array and the array itself otherwise."""
    return values.item() if values.ndim == 0 else values


def _as_float_array(values: Any, field: str) -> FloatArray:
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise CoordinateError(
            f"{_FIELD_ZH[field]}不是规则的数字数组 / {field} is not a regular array of numbers",
            field=field,
        ) from exc
    if array.dtype.kind in "iuf":
        return array.astype(np.float64, copy=False)
    if array.dtype.kind == "O":
        for position, item in np.ndenumerate(array):
            if not _is_real_number(item):
                _raise_not_a_number(field, item, position, array.ndim)
        return array.astype(np.float64)
    # strings, booleans, complex numbers, dates: all wrong in every position
    if array.size == 0:
        raise CoordinateError(
            f"{_FIELD_ZH[field]}不是数字 / {field} is not numeric: dtype {array.dtype}",
            field=field,
        )
    _raise_not_a_number(field, array.flat[0].item(), (0,) * array.ndim, array.ndim)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_real_number(item: object) -> bool:
    if isinstance(item, bool | np.bool_):
        return False
    return isinstance(item, numbers.Real | decimal.Decimal)


def _raise_not_a_number(field: str, item: object, position: tuple[int, ...], ndim: int) -> None:
    where, index = _position(position, ndim)
    if item is None:
        message = f"{_FIELD_ZH[field]}缺失 / {field} is missing{where}"
    else:
        message = f"{_FIELD_ZH[field]}不是数字 / {field} is not a number: {item!r}{where}"
    raise CoordinateError(message, field=field, value=item, index=index)


def _check_finite(array: FloatArray, field: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        position = np.unravel_index(int(np.argmax(bad)), array.shape)
        value = float(array[position])
        where, index = _position(position, array.ndim)
        raise CoordinateError(
            f"{_FIELD_ZH[field]}不是有限数 / {field} is not a finite number: {value}{where}",
            field=field,
            value=value,
            index=index,
        )


def _check_range(array: FloatArray, field: str) -> None:
    limit = _FIELD_LIMIT[field]
    bad = np.abs(array) > limit
    if bad.any():
        position = np.unravel_index(int(np.argmax(bad)), array.shape)
        value = float(array[position])
        where, index = _position(position, array.ndim)
        raise CoordinateError(
            f"{_FIELD_ZH[field]}超出范围 / {field} out of range: {value}{where}; "
            f"expected -{limit:g} to {limit:g}",
            field=field,
            value=value,
            index=index,
        )


def _position(position: tuple[Any, ...], ndim: int) -> tuple[str, int | tuple[int, ...] | None]:
    """Describe where a value sits: '' for scalars, 'row index i' for 1-D arrays."""
    if ndim == 0:
        return "", None
    if ndim == 1:
        row = int(position[0])
        return f" (row index {row})", row
    index = tuple(int(i) for i in position)
    return f" (index {index})", index
