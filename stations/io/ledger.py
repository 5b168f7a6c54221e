"""Importing a ledger (台账): validate every row, then write all or nothing.

Coordinates are converted from the file's ``crs`` to WGS-84 on the way in.
GCJ-02 or BD-09 coordinates given as WGS-84 cannot be detected from the numbers (the
offset is a few hundred metres, well inside any plausible location), which is why the
``--crs`` option matters; an address that names another county than the point's is
reported as a warning, the one visible sign of it.

Rows with a name and an address but no coordinates become *unlocated* stations, their
region read from the address in the ledger's context (:mod:`stations.io.places`); a
re-import without coordinates keeps a location set on site since.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.addresses import Place, place
from geodata.china import explain_not_in_china, in_china
from geodata.crs import parse_crs, to_wgs84
from geodata.errors import GeodataError
from geodata.geodesy import distance_m
from geodata.regions import locate, region
from stations.core.model import REGION_FIELDS
from stations.core.vocab import KINDS
from stations.errors import InvalidInput, LedgerInvalid, RowProblem
from stations.io.columns import Parsed, Stations, parse_records
from stations.io.places import PlaceError, address_heads, named_mismatch, row_scope, unlocated_place
from stations.io.report import Duplicate, ImportReport, ignored_note, write_report
from stations.io.rows import Finding, kind_code
from stations.io.table import Records, Row
from stations.io.tabular import Table, read_table
from stations.store.engine import gc_paused
from stations.store.registry import Registry

__all__ = ["Duplicate", "ImportReport", "import_ledger", "validate_table", "find_duplicates"]

Progress = Callable[[str, int, int], None]
DUPLICATE_RADIUS_M = 50.0
_SPACE = re.compile(r"\s")


def import_ledger(
    registry: Registry,
    path: str | Path,
    *,
    crs: str = "wgs84",
    dry_run: bool = False,
    actor: str = "import",
    on_progress: Progress | None = None,
    sheet: str | None = None,
    kind: str | None = None,
    region: str | None = None,
    report_to: str | Path | None = None,
) -> ImportReport:
    """Validate a ledger file and, unless ``dry_run``, store it in one transaction.

    Parameters
    ----------
    sheet : str, optional
        The XLSX sheet to read (default: the one that looks most like a station ledger).
    kind : str, optional
        The kind of every row that has none (a ledger of one kind often has no kind column).
    region : str, optional
        Adcode (or name) of the region the ledger covers: the context its addresses are
        read in.
    report_to : path, optional
        Also write every problem and warning, with its row and original cell, to this XLSX
        file (even when the import fails).

    Raises
    ------
    LedgerInvalid
        With every problem found, as ``FILE:ROW: field: reason``; nothing is written.
    """
    try:
        crs = parse_crs(crs)
    except ValueError as exc:
        raise InvalidInput("crs", str(exc)) from exc
    default_kind = _default_kind(kind)
    scope = _region(region)
    with gc_paused():
        table = read_table(path, sheet=sheet, kind_given=default_kind is not None)
        notes = list(table.notes)
        if scope is None and table.title_region is not None:
            scope = table.title_region
            notes.append(_title_note(scope))
        try:
            stations, warnings = validate_table(table, crs=crs, on_progress=on_progress,
                                                kind=default_kind, region=scope)
        except LedgerInvalid as exc:
            exc.notes = [*notes, *ignored_note(table.unknown_columns)]
            if report_to is not None:
                write_report(report_to, table.path, problems=exc.problems,
                             warnings=exc.warnings, cells=_cells(table))  # type: ignore[arg-type]
            raise
        stations = _keep_stored_locations(registry, stations)
        duplicates = find_duplicates(stations, table, registry)
        if report_to is not None:
            write_report(report_to, table.path, warnings=warnings, duplicates=duplicates)
        counts = None
        if not dry_run:
            if on_progress:
                on_progress("保存 / saving", 0, len(stations))
            counts = registry.save_columns(stations.columns, actor=actor,
                                           source=f"台账 / ledger {Path(path).name}")
            if on_progress:
                on_progress("保存 / saving", len(stations), len(stations))
    return ImportReport(str(path), len(stations), counts, duplicates, table.unknown_columns, dry_run,
                        unlocated=len(stations.unlocated), warnings=warnings,
                        notes=tuple(notes))


def _title_note(adcode: str) -> str:
    named = place(adcode)
    name = "".join(dict.fromkeys(n for n in (named.province, named.city, named.county) if n))
    return (f"标题指明地区 {name}（{adcode}），地址在此范围内解读；可用 --region 另指 / the title names "
            f"{name} ({adcode}): addresses are read there; --region says otherwise")


def _default_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    code = kind_code(kind)
    if code is None:
        raise InvalidInput("kind", f"未知类型 / unknown kind {kind!r}; 可选 / one of {', '.join(KINDS)}")
    return code


def _region(key: str | None) -> str | None:
    if key is None:
        return None
    try:
        return region(key).adcode
    except GeodataError as exc:
        raise InvalidInput("region", str(exc)) from None


def _cells(table: Table) -> dict[tuple[int, str], str | None]:
    records = table.records
    return {(number, name): value for name, column in records.columns.items()
            for number, value in zip(records.numbers, column, strict=True)}


def validate_table(
    table: Table, *, crs: str = "wgs84", on_progress: Progress | None = None,
    kind: str | None = None, region: str | None = None,
) -> tuple[Stations, list[Finding]]:
    """Turn rows into stations, or raise LedgerInvalid listing every problem.

    Returns the stations and the warnings (which do not stop an import).
    """
    records = table.records
    total = len(records)
    if total == 0:
        raise LedgerInvalid([RowProblem(table.path, 1, "file", "没有数据行 / no data rows")])
    if on_progress:
        on_progress("校验 / validating", 0, total)
    parsed = parse_records(records, kind)
    numbers = records.numbers
    problems = [RowProblem(table.path, numbers[j], f, reason) for j, f, reason in parsed.problems]
    warnings = list(parsed.warnings)
    _duplicate_ids(table, parsed.fields["id"], problems)
    lon, lat = _locations(table, parsed, crs, problems)
    places = _places(table, parsed, lon, region, problems)
    if on_progress:
        on_progress("校验 / validating", total, total)
    if problems:
        raise LedgerInvalid(sorted(problems, key=lambda p: p.row), warnings)
    located = np.isfinite(lon)
    regions = locate(lon[located], lat[located]) if located.any() else None
    columns = {name: np.full(total, None, dtype=object) for name in REGION_FIELDS}
    if regions is not None:
        for name in REGION_FIELDS:
            columns[name][located] = regions[name].to_numpy(dtype=object)
    for j, found in places.items():
        columns["adcode"][j], columns["province"][j] = found.adcode, found.province
        columns["city"][j], columns["county"][j] = found.city, found.county
    warnings += _mismatches(records, parsed, located, columns, region)
    return _stations(parsed, numbers, lon, lat, located, columns), sorted(warnings, key=lambda w: w.row)


def _duplicate_ids(table: Table, ids: list[str | None], problems: list[RowProblem]) -> None:
    given = [sid for sid in ids if sid is not None] if None in ids else ids
    if len(set(given)) == len(given):
        return  # the usual case, told in C
    numbers = table.records.numbers
    seen: dict[str, int] = {}
    for j, sid in enumerate(ids):
        if sid is None:
            continue
        first = seen.setdefault(sid, numbers[j])
        if first != numbers[j]:
            problems.append(RowProblem(
                table.path, numbers[j], "id",
                f"编号重复 / duplicate id {sid!r} (第 {first} 行 / row {first})",
            ))


def _stations(parsed: Parsed, numbers: list[int], lon: np.ndarray, lat: np.ndarray,
              located: np.ndarray, regions: dict[str, np.ndarray]) -> Stations:
    f = parsed.fields
    xs, ys = lon.astype(object), lat.astype(object)
    xs[~located] = ys[~located] = None
    x_list, y_list = xs.tolist(), ys.tolist()
    ids = f["id"]
    if None in ids:
        ids = [sid or _generated_id(str(k), str(name), x, y, address)
               for sid, k, name, x, y, address in zip(ids, f["kind"], f["name"], x_list, y_list,
                                                       f["address"], strict=True)]
    columns = {"id": ids, "lon": x_list, "lat": y_list} | {
        name: f[name] for name in ("name", "kind", "address", "host", "services",
                                   "truck_parking_capacity", "opening_hours", "phone", "status",
                                   "status_date", "status_reason")}
    columns |= {name: regions[name].tolist() for name in REGION_FIELDS}
    return Stations(columns, numbers)


def _generated_id(kind: str, name: str, lon: float | None, lat: float | None, address: object) -> str:
    """A stable id for rows without one, so re-importing the same ledger updates (an
    unlocated row's id comes from its address, so it survives being located on site)."""
    place = f"{lon:.4f}|{lat:.4f}" if lon is not None and lat is not None else f"addr|{address}"
    key = f"{kind}|{name}|{place}".encode()
    return "auto-" + hashlib.sha1(key).hexdigest()[:12]


def _scope(row: Row, region: str | None) -> tuple[str | None, Place | None]:
    v = row.values
    return row_scope(region, v.get("province"), v.get("city"), v.get("adcode"),
                     v.get("county") or row.context)


def _scopes(records: Records, region: str | None) -> Callable[[int], str | None]:
    """The adcode each row is known to lie in (by index), from the context columns."""
    cols = records.columns
    if not {"province", "city", "adcode", "county"} & set(cols) and records.contexts is None:
        known = row_scope(region, None, None, None, None)[0]
        return lambda j: known
    none = [None] * len(records)
    province, city, adcode = (cols.get(c, none) for c in ("province", "city", "adcode"))
    county, context = cols.get("county", none), records.contexts or none

    def scope(j: int) -> str | None:
        return row_scope(region, province[j], city[j], adcode[j], county[j] or context[j])[0]
    return scope


def _places(table: Table, parsed: Parsed, lon: np.ndarray,
            region: str | None, problems: list[RowProblem]) -> dict[int, Place]:
    """The region of every row without coordinates, from its address."""
    found: dict[int, Place] = {}
    for j in np.flatnonzero(~np.isfinite(lon)).tolist():
        row = table.records.row(j)
        if "lon" in row.values and (row.values.get("lon") or row.values.get("lat")):
            continue  # bad coordinates: already a problem
        if row.values.get("coordinates"):
            continue
        scope, county = _scope(row, region)
        try:
            found[j] = unlocated_place(row.values.get("address"), scope, county)
        except PlaceError as exc:
            problems.append(RowProblem(table.path, row.number, "address", str(exc)))
    return found


def _mismatches(records: Records, parsed: Parsed, located: np.ndarray,
                columns: dict[str, np.ndarray], region: str | None) -> list[Finding]:
    """Rows whose address names another county or city than the point's
    (:func:`~stations.io.places.named_mismatch`),
    each distinct address head read once."""
    addresses = parsed.fields["address"]
    adcodes, counties = columns["adcode"].tolist(), columns["county"].tolist()
    scope = _scopes(records, region)
    rows = [j for j in np.flatnonzero(located).tolist()
            if addresses[j] and isinstance(adcodes[j], str)
            and not (counties[j] and counties[j] in addresses[j])]  # else: nothing to compare
    keys = list(zip(address_heads([addresses[j] for j in rows]), map(scope, rows),
                    map(adcodes.__getitem__, rows), strict=True))
    reasons = {key: reason for key in set(keys) if (reason := named_mismatch(*key))}
    if not reasons:
        return []  # the usual case: every address fits its point
    return [Finding(records.numbers[j], "address", "address", reasons[key], records.columns["address"][j])
            for j, key in zip(rows, keys, strict=True) if key in reasons]


def _keep_stored_locations(registry: Registry, stations: Stations) -> Stations:
    """A row without coordinates never erases a location set since (on site)."""
    unlocated = stations.unlocated
    if not unlocated:
        return stations
    columns = stations.columns
    stored = {k: v for k, v in registry.get_many(columns["id"][j] for j in unlocated).items() if v.located}
    for j in unlocated:
        kept = stored.get(columns["id"][j])
        if kept is not None:
            for name in ("lon", "lat", *REGION_FIELDS):
                columns[name][j] = getattr(kept, name)
    return stations


def _locations(
    table: Table, parsed: Parsed, crs: str, problems: list[RowProblem]
) -> tuple[np.ndarray, np.ndarray]:
    """Convert valid coordinates to WGS-84 and refuse those that cannot be in China."""
    lon, lat = parsed.lon, parsed.lat
    ok = np.isfinite(lon) & np.isfinite(lat)
    inside = np.zeros(len(lon), dtype=bool)
    if ok.any():
        inside[ok] = in_china(lon[ok], lat[ok])
    for j in np.flatnonzero(ok & ~inside):
        hint = explain_not_in_china(float(lon[j]), float(lat[j]))
        reason = f"坐标不在中国境内 / not a location in China: ({lon[j]}, {lat[j]})"
        problems.append(RowProblem(table.path, table.records.numbers[j], "lon,lat",
                                   reason + (f"; {hint}" if hint else "")))
    wlon, wlat = lon.copy(), lat.copy()
    good = ok & inside
    if good.any() and crs != "wgs84":
        wlon[good], wlat[good] = to_wgs84(lon[good], lat[good], crs)
    wlon[~good], wlat[~good] = np.nan, np.nan
    return np.round(wlon, 7), np.round(wlat, 7)


def find_duplicates(stations: Stations, table: Table, registry: Registry | None) -> list[Duplicate]:
    """Stations with the same name within 50 m: within the file and against the registry."""
    columns = stations.columns
    rows = _RowLabels(table, columns["id"])
    frame = pd.DataFrame({name: columns[name] for name in ("id", "name", "lon", "lat")})
    frame = frame[frame["lon"].notna()]
    if registry is not None:
        stored = registry.locations()
        stored = stored[~stored["id"].isin(frame["id"]) & stored["lon"].notna()]
        frame = pd.concat([frame, stored], ignore_index=True)
    key = frame["name"]
    if _SPACE.search("".join(key)):
        key = key.str.replace(r"\s+", "", regex=True)
    repeated = key.duplicated(keep=False)
    frame = frame[repeated]
    found: list[Duplicate] = []
    for name, group in frame.groupby(key[repeated]):
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


class _RowLabels:
    """``FILE:ROW`` of a station of the file by id, made only for the few asked for."""

    def __init__(self, table: Table, ids: list[str]) -> None:
        self._path = table.path
        self._number = dict(zip(ids, table.records.numbers, strict=True))

    def __contains__(self, sid: object) -> bool:
        return sid in self._number

    def get(self, sid: str, default: str) -> str:
        number = self._number.get(sid)
        return default if number is None else f"{self._path}:{number}"
