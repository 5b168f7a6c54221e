"""Checking what a caller asks the station search for: point, k, filters, time.

Every problem raises :class:`stations.errors.InvalidInput` naming the parameter,
with the reason in Chinese, then English. Filters are normalised into a hashable
:class:`Filters` so the index can remember how to answer each combination.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from geodata.crs import parse_crs, to_wgs84
from geodata.errors import CoordinateError, CRSError
from geodata.lonlat import validate_lonlat
from stations.core.filters import check_filters
from stations.core.vocab import services_mask
from stations.errors import InvalidInput

MAX_K = 100
_FIELD = {"longitude": "lon", "latitude": "lat"}


@dataclass(frozen=True)
class Filters:
    """What a station must be to count; hashable, so plans can be cached per value."""

    kind: str | None = None
    services: tuple[str, ...] = ()
    service_mask: int = 0
    statuses: frozenset[str] | None = frozenset({"active"})  # None: any status
    compliant_only: bool = False
    open_now: bool = False


def parse_filters(
    *,
    kind: str | None = None,
    services: Iterable[str] | str = (),
    open_now: bool = False,
    status: Iterable[str] | str | None = ("active",),
    compliant_only: bool = False,
) -> Filters:
    """Check and normalise the filters of a search.

    Parameters
    ----------
    kind : str, optional
        A station kind code.
    services : iterable of str
        Service codes a station must all offer (a single code may be given as a str).
    open_now : bool
        Only stations open at the time of the search.
    status : str or iterable of str or None
        Allowed statuses; ``None`` allows every status.
    compliant_only : bool
        Only stations whose compliance standing is ``compliant``.

    Returns
    -------
    Filters

    Raises
    ------
    InvalidInput
        For an unknown kind, service code or status, or a flag that is not a bool.
    """
    codes = (services,) if isinstance(services, str) else _tuple(services, "service")
    statuses = None if status is None else (
        (status,) if isinstance(status, str) else _tuple(status, "status"))
    return _parse_filters(kind, codes, open_now, statuses, compliant_only)


@lru_cache(maxsize=1024, typed=True)  # typed: 1 is not True here
def _parse_filters(kind: Any, services: tuple[Any, ...], open_now: Any,
                   statuses: tuple[Any, ...] | None, compliant_only: Any) -> Filters:
    if kind is not None and not isinstance(kind, str):
        raise InvalidInput("kind", f"站点类型必须是文字 / kind must be a string, not {kind!r}")
    for name, flag in (("open_now", open_now), ("compliant_only", compliant_only)):
        if not isinstance(flag, bool | np.bool_):
            raise InvalidInput(name, f"必须是 true 或 false / must be true or false, not {flag!r}")
    for code in services:
        if not isinstance(code, str):
            raise InvalidInput("service", f"服务代码必须是文字 / service code must be a string, "
                                          f"not {code!r}")
    check_filters(kind=kind, services=services)
    if statuses is not None:
        if not statuses:
            raise InvalidInput("status", "至少需要一个状态 / give at least one status")
        for code in statuses:
            if not isinstance(code, str):
                raise InvalidInput("status", f"状态必须是文字 / status must be a string, "
                                             f"not {code!r}")
            check_filters(status=code)
    return Filters(
        kind=kind,
        services=tuple(sorted(set(services))),
        service_mask=services_mask(tuple(services)),
        statuses=None if statuses is None else frozenset(statuses),
        compliant_only=bool(compliant_only),
        open_now=bool(open_now),
    )


def _tuple(values: Any, field: str) -> tuple[Any, ...]:
    try:
        return tuple(values)
    except TypeError:
        raise InvalidInput(field, f"必须是代码列表 / must be a list of codes, not {values!r}") \
            from None


def check_k(k: Any) -> int:
    """``k`` as an int from 1 to 100, or :class:`InvalidInput` naming ``k``."""
    if type(k) is int and 1 <= k <= MAX_K:
        return k
    if isinstance(k, numbers.Integral) and not isinstance(k, bool) and 1 <= int(k) <= MAX_K:
        return int(k)
    raise InvalidInput("k", f"必须是 1 到 {MAX_K} 的整数 / must be an integer from 1 to {MAX_K}, "
                            f"not {k!r}")


def check_max_distance(value: Any, field: str = "max_distance_m") -> float | None:
    """A positive, finite number of metres (or ``None``)."""
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or value <= 0):
        raise InvalidInput(field, f"必须是正数（米） / must be a positive number of metres, "
                                  f"not {value!r}")
    return float(value)


@lru_cache(maxsize=64, typed=True)
def _crs_name(crs: Any) -> str:
    try:
        return parse_crs(crs)
    except CRSError as exc:
        raise InvalidInput("crs", str(exc)) from None


def check_crs(crs: Any) -> str:
    """The canonical CRS name, or :class:`InvalidInput` naming ``crs``."""
    try:
        return _crs_name(crs)
    except TypeError:  # unhashable
        raise InvalidInput("crs", f"未知坐标系 / unknown coordinate system: {crs!r}") from None


def check_points(lon: Any, lat: Any, crs: Any = "wgs84",
                 ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Validated WGS-84 float arrays (0-d for scalars) of points given in ``crs``."""
    name = check_crs(crs)
    try:
        lon_a, lat_a = validate_lonlat(lon, lat)
        if name != "wgs84":
            lon_a, lat_a = (np.asarray(v, dtype=np.float64) for v in to_wgs84(lon_a, lat_a, name))
    except CoordinateError as exc:
        raise InvalidInput(_FIELD.get(exc.field or "", "lon"), str(exc)) from None
    return lon_a, lat_a


def check_point(lon: Any, lat: Any, crs: Any = "wgs84") -> tuple[float, float]:
    """One validated point, converted to WGS-84 floats."""
    if (crs == "wgs84" and type(lon) is float and type(lat) is float
            and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return lon, lat  # the common case, without numpy's per-call cost
    lon_a, lat_a = check_points(lon, lat, crs)
    if lon_a.ndim:
        raise InvalidInput("lon", "经纬度必须各是一个数 / lon and lat must be single numbers")
    return float(lon_a), float(lat_a)
