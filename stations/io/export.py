"""Exporting the registry: GeoJSON, GeoPackage, CSV and XLSX.

Every export uses the import columns (plus the derived region columns), so it
imports back unchanged (text that would start a spreadsheet formula is written as text:
:mod:`stations.io.safe_cells`); unlocated stations have empty ``lon``/``lat`` (a ``null``
geometry), and their ``adcode`` gives them back their region.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from stations.core.model import Station
from stations.errors import InvalidInput
from stations.io.safe_cells import csv_row, xlsx_row
from stations.io.tabular import EXPORT_COLUMNS

Progress = Callable[[str, int, int], None]
EXPORT_FORMATS = (".geojson", ".gpkg", ".csv", ".xlsx")


def station_record(st: Station) -> dict[str, Any]:
    """One station as export columns (text, numbers or None)."""
    return {
        "id": st.id,
        "name": st.name,
        "kind": st.kind,
        "lon": st.lon,
        "lat": st.lat,
        "address": st.address,
        "services": st.services_text() or None,
        "opening_hours": st.opening_hours,
        "phone": st.phone,
        "status": st.status,
        "host": st.host,
        "status_date": st.status_date.isoformat() if st.status_date else None,
        "status_reason": st.status_reason,
        "adcode": st.adcode,
        "province": st.province,
        "city": st.city,
        "county": st.county,
    }


def station_feature(st: Station) -> dict[str, Any]:
    """A GeoJSON Feature; properties carry the export column names. An unlocated
    station's geometry is ``null`` (and its ``lon``/``lat`` empty)."""
    return {
        "type": "Feature",
        "id": st.id,
        "geometry": {"type": "Point", "coordinates": [st.lon, st.lat]} if st.located else None,
        "properties": station_record(st),
    }


def export_stations(
    stations: list[Station], path: str | Path, *, on_progress: Progress | None = None
) -> int:
    """Write stations to ``path``; the format follows the extension. Returns the count."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise InvalidInput(
            "FILE", f"不支持的导出格式 / unsupported export format {suffix!r}; 可用 / use "
            + ", ".join(EXPORT_FORMATS)
        )
    if not path.parent.exists():
        raise InvalidInput("FILE", f"目录不存在 / directory does not exist: {path.parent}")
    records = _progress(stations, on_progress)
    tmp = path.with_name(f".{path.stem}.part{suffix}")
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(csv_row(station_record(st).values()) for st in records)
    elif suffix == ".xlsx":
        _write_xlsx(records, tmp)
    elif suffix == ".geojson":
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write('{"type": "FeatureCollection", "features": [\n')
            for i, st in enumerate(records):
                fh.write((",\n" if i else "") + json.dumps(station_feature(st), ensure_ascii=False))
            fh.write("\n]}\n")
    else:
        _write_gpkg(list(records), tmp)
    tmp.replace(path)
    return len(stations)


def _progress(stations: list[Station], on_progress: Progress | None) -> Iterable[Station]:
    total = len(stations)
    for i, st in enumerate(stations):
        if on_progress and (i % 5000 == 0 or i == total - 1):
            on_progress("导出 / exporting", i + 1, total)
        yield st


def _write_xlsx(stations: Iterable[Station], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("stations")
    sheet.append(xlsx_row(sheet, EXPORT_COLUMNS))
    for st in stations:
        record = station_record(st)
        sheet.append(xlsx_row(sheet, [record[c] for c in EXPORT_COLUMNS]))
    book.save(path)


def _write_gpkg(stations: list[Station], path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    import shapely

    records = [station_record(st) for st in stations]
    frame = gpd.GeoDataFrame(
        records,
        columns=list(EXPORT_COLUMNS),
        geometry=[shapely.Point(r["lon"], r["lat"]) if r["lon"] is not None else None
                  for r in records],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, path, layer="stations", driver="GPKG")
