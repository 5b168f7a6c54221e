"""Which stations a coverage question counts, and the country's covered shapes for them.

:func:`select_stations` picks the stations of the kind, status and standing asked about
that are near enough to the region to reach into it. :func:`national_pieces` computes the
covered shapes of every counted station in the country once; a region's analysis then only
picks and clips the pieces over its sub-regions (see
:class:`stations.coverage.service.CoverageService`, which keeps them per revision).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from geodata.regions import Region
from stations.coverage.geometry import AreaMeter, Pieces, coverage_pieces
from stations.coverage.query import CoverageQuery, query_region

_MIN_M_PER_DEGREE = 110_574.0  # shortest degree of latitude (at the equator)
FAST_VERTICES = 12
"""Vertices of the country's small circles (32 elsewhere): their unions about twice as
fast, every province's and city's coverage within 0.1% of the 32-vertex figures (with 8
vertices 0.6%, over the 0.5% allowed; measured on 200,000 synthetic stations)."""
__all__ = ["national_pieces", "select_stations", "subregion_of"]


def subregion_of(adcodes: pd.Series, lookup: dict[str, int]) -> npt.NDArray[np.int64]:
    """Position of each county adcode's sub-region in ``lookup``, -1 outside (vectorised)."""
    if len(adcodes) == 0:
        return np.empty(0, dtype=np.int64)
    mapped = pd.Series(adcodes.to_numpy(object)).map(lookup)
    return np.asarray(mapped.fillna(-1).to_numpy(), dtype=np.int64)


def national_pieces(frame: pd.DataFrame, query: CoverageQuery,
                    chosen: pd.DataFrame | None = None) -> Pieces:
    """The covered shapes of every station of ``frame`` that ``query`` counts, country-wide
    (kind, status, compliance and radii from ``query``; its region is ignored). ``chosen``:
    those stations, when already selected for the country."""
    country = replace(query, region="100000", level="country", by="province")
    if chosen is None:
        chosen = select_stations(frame, country, query_region(country))
    centre = query_region(country).geometry.envelope.centroid
    meter = AreaMeter(round(centre.x, 1), round(centre.y, 1))
    return coverage_pieces(chosen["lon"].to_numpy(), chosen["lat"].to_numpy(),
                           chosen["radius_m"].to_numpy(), meter, vertices=FAST_VERTICES)


def select_stations(frame: pd.DataFrame, query: CoverageQuery, top: Region) -> pd.DataFrame:
    """The stations that count, near enough to the region to reach into it.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``kind``, ``standing``, ``lon``, ``lat``, ``adcode``, ``radius_m``.
    """
    if frame.empty:
        return _empty_selection()
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(np.float64)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(np.float64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    ok &= frame["status"].isin(query.statuses).to_numpy()
    ok &= frame["kind"].isin(query.kinds).to_numpy()
    standing = frame["standing"] if "standing" in frame else pd.Series(None, index=frame.index)
    if query.compliant_only:
        ok &= (standing == "compliant").to_numpy()
    west, south, east, north = _reach_bounds(top.geometry.bounds, query.max_radius_m)
    with np.errstate(invalid="ignore"):
        ok &= (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    rows = np.flatnonzero(ok)
    kinds = frame["kind"].to_numpy(object)[rows]
    radii = query.radii_m
    return pd.DataFrame({
        "id": frame["id"].to_numpy(object)[rows],
        "name": frame["name"].to_numpy(object)[rows],
        "kind": kinds,
        "standing": standing.to_numpy(object)[rows],
        "lon": lon[rows],
        "lat": lat[rows],
        "adcode": (frame["adcode"].to_numpy(object)[rows] if "adcode" in frame
                   else np.full(len(rows), None, dtype=object)),
        "radius_m": np.array([radii[k] for k in kinds], dtype=np.float64),
    })


def _empty_selection() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in
                         ("id", "name", "kind", "standing", "adcode")}
                        | {c: pd.Series(dtype=np.float64) for c in ("lon", "lat", "radius_m")})


def _reach_bounds(bounds: tuple[float, float, float, float], radius_m: float
                  ) -> tuple[float, float, float, float]:
    """Bounds grown by ``radius_m`` (in degrees, generously at the bounds' high latitude)."""
    west, south, east, north = bounds
    dlat = radius_m / _MIN_M_PER_DEGREE
    high = min(max(abs(south), abs(north)) + dlat, 89.0)
    dlon = radius_m / (_MIN_M_PER_DEGREE * math.cos(math.radians(high)))
    return west - dlon, south - dlat, east + dlon, north + dlat
