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
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.addresses import Place
from geodata.china import explain_not_in_china, in_china
from geodata.crs import parse_crs, to_wgs84
from geodata.errors import GeodataError
from geodata.geodesy import distance_m
from geodata.regions import locate, region
from stations.core.model import REGION_FIELDS, Station
from stations.core.vocab import KIND_ALIASES, KINDS
from stations.errors import InvalidInput, LedgerInvalid, RowProblem
from stations.io.places import PlaceError, mismatch, row_scope, unlocated_place
from stations.io.report import Duplicate, ImportReport, write_report
from stations.io.rows import Finding, parse_row
from stations.io.tabular import Row, Table, read_table
from stations.store.engine import gc_paused
from stations.store.registry import Registry

__all__ = ["Duplicate", "ImportReport", "import_ledger", "validate_table", "find_duplicates"]

Progress = Callable[[str, int, int], None]
DUPLICATE_RADIUS_M = 50.0


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
        try:
            stations, warnings = validate_table(table, crs=crs, on_progress=on_progress,
                                                kind=default_kind, region=scope)
        except LedgerInvalid as exc:
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
            counts = registry.save_many(stations, actor=actor)
            if on_progress:
                on_progress("保存 / saving", len(stations), len(stations))
    return ImportReport(str(path), len(stations), counts, duplicates, table.unknown_columns, dry_run,
                        unlocated=sum(not st.located for st in stations), warnings=warnings,
                        notes=table.notes)


def _default_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    code = kind if kind in KINDS else KIND_ALIASES.get(kind)
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
    return {(row.number, name): value for row in table.rows for name, value in row.values.items()}


def validate_table(
    table: Table, *, crs: str = "wgs84", on_progress: Progress | None = None,
    kind: str | None = None, region: str | None = None,
) -> tuple[list[Station], list[Finding]]:
    """Turn rows into stations, or raise LedgerInvalid listing every problem.

    Returns the stations and the warnings (which do not stop an import).
    """
    problems: list[RowProblem] = []
    warnings: list[Finding] = []
    parsed: list[tuple[Row, dict[str, object]]] = []
    seen_ids: dict[str, int] = {}
    total = len(table.rows)
    if total == 0:
        raise LedgerInvalid([RowProblem(table.path, 1, "file", "没有数据行 / no data rows")])
    for i, row in enumerate(table.rows):
        fields, row_problems, row_warnings = parse_row(row, kind)
        warnings += row_warnings
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
    places = _places(table, parsed, lon, region, problems)
    if problems:
        raise LedgerInvalid(sorted(problems, key=lambda p: p.row), warnings)
    located = np.isfinite(lon)
    regions = locate(lon[located], lat[located]) if located.any() else None
    columns = {name: np.full(len(parsed), None, dtype=object) for name in REGION_FIELDS}
    if regions is not None:
        for name in REGION_FIELDS:
            columns[name][located] = regions[name].to_numpy(dtype=object)
    for j, found in places.items():
        columns["adcode"][j], columns["province"][j] = found.adcode, found.province
        columns["city"][j], columns["county"][j] = found.city, found.county
    warnings += _mismatches(table, parsed, located, columns, region)
    stations = []
    for j, (_row, f) in enumerate(parsed):
        has = located[j]
        x, y = (float(lon[j]), float(lat[j])) if has else (None, None)
        sid = f.get("id") or _generated_id(str(f["kind"]), str(f["name"]), x, y, f.get("address"))
        stations.append(Station(
            id=str(sid), name=str(f["name"]), kind=str(f["kind"]), lon=x, lat=y,
            address=f.get("address"),  # type: ignore[arg-type]
            host=f.get("host"),  # type: ignore[arg-type]
            services=f.get("services", ()),  # type: ignore[arg-type]
            truck_parking_capacity=f.get("truck_parking_capacity"),  # type: ignore[arg-type]
            opening_hours=f.get("opening_hours"),  # type: ignore[arg-type]
            phone=f.get("phone"),  # type: ignore[arg-type]
            status=str(f.get("status") or "active"),
            status_date=f.get("status_date"),  # type: ignore[arg-type]
            status_reason=f.get("status_reason"),  # type: ignore[arg-type]
            **{name: columns[name][j] for name in REGION_FIELDS},
        ))
    return stations, sorted(warnings, key=lambda w: w.row)


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


def _places(table: Table, parsed: list[tuple[Row, dict[str, object]]], lon: np.ndarray,
            region: str | None, problems: list[RowProblem]) -> dict[int, Place]:
    """The region of every row without coordinates, from its address."""
    found: dict[int, Place] = {}
    for j in np.flatnonzero(~np.isfinite(lon)):
        row, fields = parsed[j]
        if "lon" in row.values and (row.values.get("lon") or row.values.get("lat")):
            continue  # bad coordinates: already a problem
        if row.values.get("coordinates"):
            continue
        scope, county = _scope(row, region)
        try:
            found[int(j)] = unlocated_place(row.values.get("address"), scope, county)
        except PlaceError as exc:
            problems.append(RowProblem(table.path, row.number, "address", str(exc)))
    return found


def _mismatches(table: Table, parsed: list[tuple[Row, dict[str, object]]], located: np.ndarray,
                columns: dict[str, np.ndarray], region: str | None) -> list[Finding]:
    out = []
    for j in np.flatnonzero(located):
        row = parsed[j][0]
        address = row.values.get("address")
        if not address:
            continue
        adcode = columns["adcode"][j]
        if not isinstance(adcode, str):
            continue
        scope, _county = _scope(row, region)
        reason = mismatch(address, scope, None, (adcode, columns["county"][j], columns["city"][j]))
        if reason:
            out.append(Finding(row.number, "address", "address", reason, address))
    return out


def _keep_stored_locations(registry: Registry, stations: list[Station]) -> list[Station]:
    """A row without coordinates never erases a location set since (on site)."""
    unlocated = [st.id for st in stations if not st.located]
    if not unlocated:
        return stations
    stored = {k: v for k, v in registry.get_many(unlocated).items() if v.located}
    if not stored:
        return stations
    return [st.with_changes(lon=stored[st.id].lon, lat=stored[st.id].lat,
                            **{n: getattr(stored[st.id], n) for n in REGION_FIELDS})
            if st.id in stored else st for st in stations]


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
    wlon[~good], wlat[~good] = np.nan, np.nan
    return np.round(wlon, 7), np.round(wlat, 7)


def find_duplicates(stations: list[Station], table: Table, registry: Registry | None) -> list[Duplicate]:
    """Stations with the same name within 50 m: within the file and against the registry."""
    rows = {st.id: f"{table.path}:{r.number}" for st, r in zip(stations, table.rows, strict=True)}
    frame = pd.DataFrame(
        {"id": [s.id for s in stations], "name": [s.name for s in stations],
         "lon": [s.lon for s in stations], "lat": [s.lat for s in stations]}
    )
    frame = frame[frame["lon"].notna()]
    if registry is not None:
        stored = registry.locations()
        stored = stored[~stored["id"].isin(frame["id"]) & stored["lon"].notna()]
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
