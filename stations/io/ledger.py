"""Importing a ledger (台账): validate every row, then write all or nothing.

Coordinates are converted from the file's ``crs`` to WGS-84 on the way in.
GCJ-02 or BD-09 coordinates given as WGS-84 cannot be detected (the offset is
a few hundred metres, well inside any plausible location), which is why the
``--crs`` option matters: the ledger's source map decides it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.china import explain_not_in_china, in_china
from geodata.crs import parse_crs, to_wgs84
from geodata.geodesy import distance_m
from geodata.regions import locate
from stations.core.hours import HoursError, canonical_hours
from stations.core.model import Station, split_capacity
from stations.core.vocab import KIND_ALIASES, KINDS, SERVICE_ALIASES, SERVICES, STATUS_ALIASES, STATUSES
from stations.errors import InvalidInput, LedgerInvalid, RowProblem
from stations.io.tabular import Row, Table, read_table
from stations.store.engine import gc_paused
from stations.store.registry import Registry, SaveCounts

Progress = Callable[[str, int, int], None]
DUPLICATE_RADIUS_M = 50.0
_SERVICE_SPLIT = re.compile(r"[;；,，、|]")
_PHONE_RE = re.compile(r"^[0-9０-９+\-()（） *＊转#,，;；/、]{3,64}$")
_MAX_TEXT = {"name": 200, "address": 500, "host": 200, "status_reason": 1000, "id": 64}


@dataclass(frozen=True)
class Duplicate:
    """Two stations with the same name within 50 m of each other."""

    name: str
    first: str
    second: str
    distance_m: float

    def __str__(self) -> str:
        return (
            f"可能重复 / likely duplicate: {self.name!r} {self.first} ↔ {self.second} "
            f"相距 / {self.distance_m:.0f} m"
        )


@dataclass
class ImportReport:
    path: str
    rows: int
    counts: SaveCounts | None
    duplicates: list[Duplicate] = field(default_factory=list)
    unknown_columns: tuple[str, ...] = ()
    dry_run: bool = False


def import_ledger(
    registry: Registry,
    path: str | Path,
    *,
    crs: str = "wgs84",
    dry_run: bool = False,
    actor: str = "import",
    on_progress: Progress | None = None,
) -> ImportReport:
    """Validate a ledger file and, unless ``dry_run``, store it in one transaction.

    Raises
    ------
    LedgerInvalid
        With every problem found, as ``FILE:ROW: field: reason``; nothing is written.
    """
    try:
        crs = parse_crs(crs)
    except ValueError as exc:
        raise InvalidInput("crs", str(exc)) from exc
    with gc_paused():
        table = read_table(path)
        stations = validate_table(table, crs=crs, on_progress=on_progress)
        duplicates = find_duplicates(stations, table, registry)
        counts = None
        if not dry_run:
            if on_progress:
                on_progress("保存 / saving", 0, len(stations))
            counts = registry.save_many(stations, actor=actor)
            if on_progress:
                on_progress("保存 / saving", len(stations), len(stations))
    return ImportReport(str(path), len(stations), counts, duplicates, table.unknown_columns, dry_run)


def validate_table(table: Table, *, crs: str = "wgs84", on_progress: Progress | None = None) -> list[Station]:
    """Turn rows into stations, or raise LedgerInvalid listing every problem."""
    problems: list[RowProblem] = []
    parsed: list[tuple[Row, dict[str, object]]] = []
    seen_ids: dict[str, int] = {}
    total = len(table.rows)
    if total == 0:
        raise LedgerInvalid([RowProblem(table.path, 1, "file", "没有数据行 / no data rows")])
    for i, row in enumerate(table.rows):
        fields, row_problems = _parse_row(row)
        for fname, reason in row_problems:
            problems.append(RowProblem(table.path, row.number, fname, reason))
        sid = fields.get("id")
        if isinstance(sid, str):
            if sid in seen_ids:
                problems.append(RowProblem(
                    table.path, row.number, "id",
                    f"编号重复 / duplicate id {sid!r} (第 {seen_ids[sid]} 行 / row {seen_ids[sid]})",
                ))
            else:
                seen_ids[sid] = row.number
        parsed.append((row, fields))
        if on_progress and (i % 5000 == 0 or i == total - 1):
            on_progress("校验 / validating", i + 1, total)
    lon, lat = _locations(table, parsed, crs, problems)
    if problems:
        raise LedgerInvalid(sorted(problems, key=lambda p: p.row))
    regions = locate(lon, lat)
    adcodes = regions["adcode"].to_numpy(dtype=object)
    provinces = regions["province"].to_numpy(dtype=object)
    cities = regions["city"].to_numpy(dtype=object)
    counties = regions["county"].to_numpy(dtype=object)
    stations = []
    for j, (_row, f) in enumerate(parsed):
        adcode = adcodes[j]
        has_region = isinstance(adcode, str) and bool(adcode)
        sid = f.get("id") or _generated_id(str(f["kind"]), str(f["name"]), lon[j], lat[j])
        stations.append(Station(
            id=str(sid),
            name=str(f["name"]),
            kind=str(f["kind"]),
            lon=float(lon[j]),
            lat=float(lat[j]),
            address=f.get("address"),  # type: ignore[arg-type]
            host=f.get("host"),  # type: ignore[arg-type]
            services=f.get("services", ()),  # type: ignore[arg-type]
            truck_parking_capacity=f.get("truck_parking_capacity"),  # type: ignore[arg-type]
            opening_hours=f.get("opening_hours"),  # type: ignore[arg-type]
            phone=f.get("phone"),  # type: ignore[arg-type]
            status=str(f.get("status") or "active"),
            status_date=f.get("status_date"),  # type: ignore[arg-type]
            status_reason=f.get("status_reason"),  # type: ignore[arg-type]
            adcode=adcode if has_region else None,
            province=provinces[j] if has_region else None,
            city=cities[j] if has_region else None,
            county=counties[j] if has_region else None,
        ))
    return stations


def _generated_id(kind: str, name: str, lon: float, lat: float) -> str:
    """A stable id for rows without one, so re-importing the same ledger updates."""
    key = f"{kind}|{name}|{lon:.4f}|{lat:.4f}".encode()
    return "auto-" + hashlib.sha1(key).hexdigest()[:12]


def _parse_row(row: Row) -> tuple[dict[str, object], list[tuple[str, str]]]:
    v = row.values
    out: dict[str, object] = {}
    problems: list[tuple[str, str]] = []

    for name in ("id", "name", "address", "host", "status_reason"):
        text = v.get(name)
        if text is not None and len(text) > _MAX_TEXT[name]:
            problems.append((name, f"过长 / too long (> {_MAX_TEXT[name]} 字符 / characters)"))
        elif text is not None:
            out[name] = text
    if not v.get("name"):
        problems.append(("name", "缺少名称 / name is missing"))

    kind = v.get("kind")
    if not kind:
        problems.append(("kind", "缺少类型 / kind is missing"))
    else:
        code = kind if kind in KINDS else KIND_ALIASES.get(kind)
        if code is None:
            problems.append(("kind", f"未知类型 / unknown kind {kind!r}; 可选 / one of {', '.join(KINDS)}"))
        out["kind"] = code

    status = v.get("status")
    if status:
        code = status if status in STATUSES else STATUS_ALIASES.get(status)
        if code is None:
            problems.append(("status", f"未知状态 / unknown status {status!r}; 可选 / one of {', '.join(STATUSES)}"))
        out["status"] = code

    services, capacity, service_problems = _parse_services(v.get("services"))
    problems += [("services", p) for p in service_problems]
    out["services"] = services
    cap_text = v.get("truck_parking_capacity")
    if cap_text:
        try:
            capacity = int(float(cap_text))
            if capacity < 0:
                raise ValueError
        except ValueError:
            problems.append(("truck_parking_capacity", f"不是非负整数 / not a whole number ≥ 0: {cap_text!r}"))
    if capacity is not None:
        out["truck_parking_capacity"] = capacity
        if "truck_parking" not in services:
            out["services"] = tuple(sorted((*services, "truck_parking"), key=list(SERVICES).index))

    try:
        hours = canonical_hours(v.get("opening_hours"))
        if hours is not None:
            out["opening_hours"] = hours
    except HoursError as exc:
        problems.append(("opening_hours", str(exc)))

    phone = v.get("phone")
    if phone:
        if not _PHONE_RE.match(phone) or not re.search(r"[0-9０-９]", phone):
            problems.append(("phone", f"电话号码无效 / not a phone number: {phone!r}"))
        else:
            out["phone"] = phone

    status_date = v.get("status_date")
    if status_date:
        try:
            out["status_date"] = date.fromisoformat(status_date[:10])
        except ValueError:
            problems.append(("status_date", f"日期无效 / not a date (YYYY-MM-DD): {status_date!r}"))

    for axis, lo, hi, label in (("lon", -180, 180, "经度 / longitude"), ("lat", -90, 90, "纬度 / latitude")):
        text = v.get(axis)
        if text is None:
            problems.append((axis, f"缺少{label.split(' / ')[0]} / {label.split(' / ')[1]} is missing"))
            continue
        try:
            value = float(text)
        except ValueError:
            problems.append((axis, f"不是数字 / not a number: {text!r}"))
            continue
        if not np.isfinite(value) or not lo <= value <= hi:
            problems.append((axis, f"{label}超出范围 / out of range [{lo}, {hi}]: {text}"))
            continue
        out[axis] = value
    return out, problems


@lru_cache(maxsize=65536)
def _parse_services(text: str | None) -> tuple[tuple[str, ...], int | None, tuple[str, ...]]:
    if not text:
        return (), None, ()
    codes: set[str] = set()
    capacity = None
    problems = []
    for token in _SERVICE_SPLIT.split(text):
        token = token.strip()
        if not token:
            continue
        base, cap = split_capacity(token)
        code = base if base in SERVICES else SERVICE_ALIASES.get(base)
        if code is None:
            problems.append(f"未知服务代码 / unknown service code {token!r}")
            continue
        codes.add(code)
        if cap is not None:
            capacity = cap
    order = list(SERVICES)
    return tuple(sorted(codes, key=order.index)), capacity, tuple(problems)


def _locations(
    table: Table, parsed: list[tuple[Row, dict[str, object]]], crs: str, problems: list[RowProblem]
) -> tuple[np.ndarray, np.ndarray]:
    """Convert valid coordinates to WGS-84 and refuse those that cannot be in China."""
    lon = np.array([f.get("lon", np.nan) for _, f in parsed], dtype="float64")
    lat = np.array([f.get("lat", np.nan) for _, f in parsed], dtype="float64")
    ok = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(len(lon), dtype=bool)
    if ok.any():
        inside[ok] = in_china(lon[ok], lat[ok])
    for j in np.flatnonzero(ok & ~inside):
        row = parsed[j][0]
        hint = explain_not_in_china(float(lon[j]), float(lat[j]))
        reason = f"坐标不在中国境内 / not a location in China: ({lon[j]}, {lat[j]})"
        problems.append(RowProblem(table.path, row.number, "lon,lat", reason + (f"; {hint}" if hint else "")))
    wlon, wlat = lon.copy(), lat.copy()
    good = ok & inside
    if good.any() and crs != "wgs84":
        wlon[good], wlat[good] = to_wgs84(lon[good], lat[good], crs)
    return np.round(wlon, 7), np.round(wlat, 7)


def find_duplicates(stations: list[Station], table: Table, registry: Registry | None) -> list[Duplicate]:
    """Stations with the same name within 50 m: within the file and against the registry."""
    rows = {st.id: f"{table.path}:{r.number}" for st, r in zip(stations, table.rows, strict=True)}
    frame = pd.DataFrame(
        {"id": [s.id for s in stations], "name": [s.name for s in stations],
         "lon": [s.lon for s in stations], "lat": [s.lat for s in stations]}
    )
    if registry is not None:
        stored = registry.locations()
        stored = stored[~stored["id"].isin(frame["id"])]
        frame = pd.concat([frame, stored], ignore_index=True)
    key = frame["name"].str.replace(r"\s+", "", regex=True)
    frame = frame[key.duplicated(keep=False)]
    found: list[Duplicate] = []
    for name, group in frame.groupby(key[key.duplicated(keep=False)]):
        ids, lons, lats = group["id"].to_numpy(), group["lon"].to_numpy(), group["lat"].to_numpy()
        for a in range(len(ids)):
            d = distance_m(lons[a], lats[a], lons[a + 1:], lats[a + 1:])
            for b in np.flatnonzero(np.atleast_1d(d) <= DUPLICATE_RADIUS_M):
                other = ids[a + 1 + b]
                if ids[a] in rows or other in rows:
                    found.append(Duplicate(
                        str(name),
                        rows.get(ids[a], f"id {ids[a]}"),
                        rows.get(other, f"id {other}"),
                        float(np.atleast_1d(d)[b]),
                    ))
    return found
