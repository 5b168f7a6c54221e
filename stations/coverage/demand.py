"""Demand points a planner uploads, and which of them are within reach of a station.

A demand file holds weighted points: where riders wait, couriers' depots, sanitation
depots, truck flows. CSV or XLSX with ``lon``, ``lat`` and an optional ``weight`` column
(Chinese headers 经度, 纬度, 权重 accepted), or GeoJSON Point features with a ``weight``
property. Coordinates are converted from ``crs`` to WGS-84. As with the ledger, every bad
row is reported as ``FILE:ROW: field: reason`` and nothing is used.

A point is covered when a selected station lies within its radius, measured geodesically:
a KD-tree of earth-centred points proposes the nearest station by straight-line (chord)
distance, which is never longer than the geodesic, and :func:`geodata.geodesy.distance_m`
decides.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geodata.china import explain_not_in_china, in_china
from geodata.crs import parse_crs, to_wgs84
from geodata.errors import CRSError
from geodata.geodesy import distance_m, to_ecef_m
from geodata.regions import locate
from stations.errors import InvalidInput, LedgerInvalid, RowProblem
from stations.io.sources import file_sheets, xlsx_sheets
from stations.io.tabular import _decode, canonical_header
from stations.io.tabular import _reason as reason_of

FloatArray = npt.NDArray[np.float64]
WEIGHT_HEADERS = frozenset({"weight", "权重", "需求", "需求量", "人数", "demand", "count"})
FORMATS = (".csv", ".xlsx", ".geojson", ".json")
MAX_POINTS = 2_000_000


@dataclass(frozen=True)
class Demand:
    """Weighted demand points in WGS-84.

    Attributes
    ----------
    lon, lat, weight : numpy.ndarray
        One entry per point; weights are finite and not negative.
    source : str
        Where the points came from (a file name), for messages.
    """

    lon: FloatArray
    lat: FloatArray
    weight: FloatArray
    source: str = "demand"

    @property
    def digest(self) -> str:
        """A fingerprint of the points, for caching answers about them."""
        h = hashlib.blake2b(digest_size=16)
        for array in (self.lon, self.lat, self.weight):
            h.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
        return h.hexdigest()

    def __len__(self) -> int:
        return len(self.lon)


@dataclass(frozen=True)
class DemandCover:
    """Demand points with whether each is within reach and which sub-region it is in.

    Attributes
    ----------
    lon, lat, weight : numpy.ndarray
    covered : numpy.ndarray of bool
    subregion : numpy.ndarray of int
        Position of the point's sub-region, -1 outside the region.
    """

    lon: FloatArray
    lat: FloatArray
    weight: FloatArray
    covered: npt.NDArray[np.bool_]
    subregion: npt.NDArray[np.int64]
    stations: pd.DataFrame  # the selected stations (lon, lat, radius_m), for siting


def read_demand(path: str | Path, *, crs: str = "wgs84", label: str | None = None) -> Demand:
    """Read a demand file (CSV, XLSX or GeoJSON).

    CSV and XLSX are read as streams through the bounded readers of
    :mod:`stations.io.sources` (line, cell and row limits, the real used range, XML by
    ``defusedxml``), so memory follows the points, not the file's claims.

    Parameters
    ----------
    path : str or Path
    crs : str
        Coordinate system of the file: ``wgs84``, ``gcj02`` or ``bd09``.
    label : str, optional
        The name to report problems under and whose suffix gives the format (an
        uploaded file's own name); default: ``path``.

    Raises
    ------
    LedgerInvalid
        Listing every bad row as ``FILE:ROW: field: reason``.
    InvalidInput
        For an unknown ``crs``.
    """
    path = Path(path)
    label = label or str(path)
    crs = _check_crs(crs)
    if not path.is_file():
        raise LedgerInvalid([RowProblem(label, 0, "file", "文件不存在 / file not found")])
    suffix = Path(label).suffix.lower()
    if suffix not in FORMATS:
        _fail(label, 0, "file", f"不支持的文件格式 / unsupported format {suffix!r}; 可用 / use "
              + ", ".join(FORMATS))
    if suffix in (".geojson", ".json"):
        return parse_demand(path.read_bytes(), label, crs=crs)
    try:
        sheets = file_sheets(path, label) if suffix == ".csv" else xlsx_sheets(path, label)
        if not sheets:
            _fail(label, 1, "file", "工作簿没有工作表 / the workbook has no sheets")
        return _from_rows(label, sheets[0].rows(), crs)
    except LedgerInvalid:
        raise
    except Exception as exc:  # noqa: BLE001
        _fail(label, 0, "file", f"无法读取文件 / cannot read file: {reason_of(exc)}")
    raise AssertionError  # unreachable


def parse_demand(data: bytes, label: str, *, crs: str = "wgs84") -> Demand:
    """Read demand points from the bytes of a file named ``label`` (its suffix decides)."""
    crs = _check_crs(crs)
    suffix = Path(label).suffix.lower()
    if suffix not in FORMATS:
        _fail(label, 0, "file", f"不支持的文件格式 / unsupported format {suffix!r}; 可用 / use "
              + ", ".join(FORMATS))
    if suffix in (".geojson", ".json"):
        try:
            doc = json.loads(_decode(data, label))
        except json.JSONDecodeError as exc:
            _fail(label, exc.lineno, "file", f"GeoJSON 语法错误 / invalid JSON: {exc.msg}")
        except RecursionError:
            _fail(label, 0, "file", "JSON 嵌套过深 / JSON nested too deeply")
        return demand_from_geojson(doc, label, crs=crs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"demand{suffix}"
        path.write_bytes(data)
        return read_demand(path, crs=crs, label=label)


def demand_from_geojson(doc: Any, label: str = "request", *, crs: str = "wgs84") -> Demand:
    """Demand points from a GeoJSON FeatureCollection of Points (``weight`` property)."""
    crs = _check_crs(crs)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        _fail(label, 0, "file", "需要 GeoJSON FeatureCollection / expected a FeatureCollection")
    rows: list[tuple[int, Any, Any, Any]] = []
    problems: list[RowProblem] = []
    for number, feature in enumerate(doc["features"], start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" \
                or not isinstance(geometry.get("coordinates"), list | tuple) \
                or len(geometry["coordinates"]) < 2:
            problems.append(RowProblem(label, number, "geometry",
                                       "需要点要素 / expected a Point geometry"))
            continue
        props = feature.get("properties") or {}
        weight = next((v for k, v in props.items() if str(k).strip().lower() in WEIGHT_HEADERS),
                      None) if isinstance(props, dict) else None
        x, y = geometry["coordinates"][:2]
        rows.append((number, x, y, weight))
    return _validate(label, rows, problems, crs)


def cover_demand(demand: Demand, stations: pd.DataFrame, lookup: dict[str, int]) -> DemandCover:
    """Which demand points are within reach of the stations, and their sub-regions.

    Parameters
    ----------
    demand : Demand
    stations : pandas.DataFrame
        ``lon``, ``lat``, ``radius_m`` of the selected stations.
    lookup : dict
        County adcode → sub-region position (see
        :func:`stations.coverage.query.county_to_subregion`).
    """
    covered = within_reach(demand.lon, demand.lat, stations["lon"].to_numpy(),
                           stations["lat"].to_numpy(), stations["radius_m"].to_numpy())
    if len(demand):
        adcodes = locate(demand.lon, demand.lat)["adcode"].to_numpy(object)
        sub = np.array([lookup.get(a, -1) if isinstance(a, str) else -1 for a in adcodes],
                       dtype=np.int64)
    else:
        sub = np.empty(0, dtype=np.int64)
    return DemandCover(demand.lon, demand.lat, demand.weight, covered, sub,
                       stations[["lon", "lat", "radius_m"]].reset_index(drop=True))


def within_reach(lon: Any, lat: Any, st_lon: Any, st_lat: Any, st_radius_m: Any
                 ) -> npt.NDArray[np.bool_]:
    """Whether each point is within the radius of at least one station (geodesic).

    Parameters
    ----------
    lon, lat : array_like
        Points, WGS-84 degrees.
    st_lon, st_lat, st_radius_m : array_like
        Stations and the radius of each, metres.

    Returns
    -------
    numpy.ndarray of bool
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    st_lon = np.asarray(st_lon, dtype=np.float64)
    st_lat = np.asarray(st_lat, dtype=np.float64)
    radius = np.broadcast_to(np.asarray(st_radius_m, dtype=np.float64), st_lon.shape)
    covered = np.zeros(lon.shape, dtype=bool)
    if lon.size == 0 or st_lon.size == 0:
        return covered
    xyz = to_ecef_m(lon, lat)
    for r in np.unique(radius):
        members = np.flatnonzero(radius == r)
        tree = cKDTree(to_ecef_m(st_lon[members], st_lat[members]))
        todo = np.flatnonzero(~covered)
        if todo.size == 0:
            break
        chord, nearest = tree.query(xyz[todo], distance_upper_bound=r)
        close = np.isfinite(chord)
        points, found = todo[close], members[nearest[close]]
        metres = np.atleast_1d(distance_m(lon[points], lat[points], st_lon[found], st_lat[found]))
        covered[points[metres <= r]] = True
        # the chord-nearest station is not always the geodesic-nearest: measure all in reach
        for p in points[metres > r].tolist():
            candidates = members[tree.query_ball_point(xyz[p], r)]
            d = np.atleast_1d(distance_m(lon[p], lat[p], st_lon[candidates], st_lat[candidates]))
            covered[p] = bool((d <= r).any())
    return covered


# --------------------------------------------------------------------------- reading rows


def _check_crs(crs: str) -> str:
    try:
        return parse_crs(crs)
    except CRSError as exc:
        raise InvalidInput("crs", str(exc)) from None


def _fail(label: str, row: int, field: str, reason: str) -> None:
    raise LedgerInvalid([RowProblem(label, row, field, reason)])


def _from_rows(label: str, rows: Iterator[tuple[int, list[str]]], crs: str) -> Demand:
    first = next(rows, None)
    if first is None or not any(v.strip() for v in first[1]):
        _fail(label, 1, "file", "文件为空 / the file is empty")
    assert first is not None
    header = first[1]
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        key = str(name).strip().lstrip("\ufeff")
        canon = "weight" if key.lower() in WEIGHT_HEADERS else canonical_header(key)
        if canon in ("lon", "lat", "weight") and canon not in columns:
            columns[canon] = i
    missing = [c for c in ("lon", "lat") if c not in columns]
    if missing:
        _fail(label, 1, ",".join(missing), "缺少必需的列 / required column missing "
                                           "(lon/经度, lat/纬度)")
    points: list[tuple[int, Any, Any, Any]] = []
    width = len(header)
    for number, raw in rows:
        if not any(v.strip() for v in raw):
            continue
        cells = raw + [""] * (width - len(raw))
        weight = cells[columns["weight"]] if "weight" in columns else None
        points.append((number, cells[columns["lon"]], cells[columns["lat"]], weight))
        if len(points) > MAX_POINTS:
            break
    return _validate(label, points, [], crs)


def _validate(label: str, rows: list[tuple[int, Any, Any, Any]], problems: list[RowProblem],
              crs: str) -> Demand:
    if len(rows) > MAX_POINTS:
        _fail(label, 0, "file", f"需求点过多 / too many points: {len(rows):,} "
                                f"(at most {MAX_POINTS:,})")
    numbers: list[int] = []
    lon: list[float] = []
    lat: list[float] = []
    weight: list[float] = []
    for number, x, y, w in rows:
        row_problems: list[RowProblem] = []
        fx = _number(x, label, number, "lon", row_problems, limit=180.0)
        fy = _number(y, label, number, "lat", row_problems, limit=90.0)
        fw = 1.0 if w is None or str(w).strip() == "" else _number(
            w, label, number, "weight", row_problems, minimum=0.0)
        if row_problems:
            problems.extend(row_problems)
            continue
        numbers.append(number)
        lon.append(fx)
        lat.append(fy)
        weight.append(fw)
    lon_a, lat_a = np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64)
    inside = np.asarray(in_china(lon_a, lat_a), dtype=bool) if lon else np.empty(0, bool)
    for j in np.flatnonzero(~inside).tolist():
        hint = explain_not_in_china(float(lon_a[j]), float(lat_a[j]))
        problems.append(RowProblem(
            label, numbers[j], "lon,lat",
            f"坐标不在中国境内 / not a location in China: ({lon_a[j]}, {lat_a[j]})"
            + (f"; {hint}" if hint else "")))
    if problems:
        raise LedgerInvalid(sorted(problems, key=lambda p: p.row))
    if not lon:
        _fail(label, 1, "file", "没有需求点 / no demand points")
    if crs != "wgs84":
        lon_a, lat_a = (np.asarray(v, dtype=np.float64) for v in to_wgs84(lon_a, lat_a, crs))
    return Demand(lon_a, lat_a, np.array(weight), source=label)


def _number(value: Any, label: str, row: int, field: str, problems: list[RowProblem], *,
            limit: float | None = None, minimum: float | None = None) -> float:
    text = "" if value is None else str(value).strip()
    if text == "":
        problems.append(RowProblem(label, row, field, "缺少数值 / value is missing"))
        return math.nan
    try:
        number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else float(text)
    except ValueError:
        problems.append(RowProblem(label, row, field, f"不是数字 / not a number: {text!r}"))
        return math.nan
    if not math.isfinite(number):
        problems.append(RowProblem(label, row, field, f"不是有限数 / not a finite number: {text}"))
    elif limit is not None and abs(number) > limit:
        problems.append(RowProblem(label, row, field,
                                   f"超出范围 / out of range: {number} (±{limit:g})"))
    elif minimum is not None and number < minimum:
        problems.append(RowProblem(label, row, field, f"不能为负 / must not be negative: {number}"))
    return number
