"""Reading ledger files into rows: CSV (UTF-8, UTF-8 BOM, GBK), XLSX, GeoJSON, GPKG.

A row is a dict of canonical column names to text (or None), with the row number a
person sees in the file (header is row 1 in CSV/XLSX; features count from 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.errors import LedgerInvalid, RowProblem

COLUMNS = (
    "id",
    "name",
    "kind",
    "lon",
    "lat",
    "address",
    "services",
    "opening_hours",
    "phone",
    "status",
    "host",
)
EXTRA_COLUMNS = ("status_date", "status_reason", "truck_parking_capacity")
DERIVED_COLUMNS = ("adcode", "province", "city", "county")
EXPORT_COLUMNS = COLUMNS + ("status_date", "status_reason") + DERIVED_COLUMNS

HEADER_ALIASES: dict[str, str] = {
    "编号": "id",
    "站点编号": "id",
    "名称": "name",
    "站点名称": "name",
    "类型": "kind",
    "站点类型": "kind",
    "经度": "lon",
    "lng": "lon",
    "longitude": "lon",
    "纬度": "lat",
    "latitude": "lat",
    "地址": "address",
    "服务": "services",
    "服务项目": "services",
    "开放时间": "opening_hours",
    "电话": "phone",
    "联系电话": "phone",
    "状态": "status",
    "依托单位": "host",
    "状态日期": "status_date",
    "状态原因": "status_reason",
    "货车车位": "truck_parking_capacity",
    "行政区划代码": "adcode",
    "省": "province",
    "市": "city",
    "县": "county",
    "区县": "county",
}
_KNOWN = set(COLUMNS) | set(EXTRA_COLUMNS) | set(DERIVED_COLUMNS)
FORMATS = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str | None]


@dataclass(frozen=True)
class Table:
    path: str
    rows: list[Row]
    unknown_columns: tuple[str, ...]
    has_geometry: bool = False


def canonical_header(name: str) -> str | None:
    key = str(name).strip().lstrip("\ufeff")
    if key.lower() in _KNOWN:
        return key.lower()
    return HEADER_ALIASES.get(key, HEADER_ALIASES.get(key.lower()))


def read_table(path: str | Path) -> Table:
    """Read a ledger file into rows of canonical columns.

    Raises
    ------
    LedgerInvalid
        When the file cannot be read at all (missing, wrong format, bad encoding,
        missing required columns); the problem names the file.
    """
    path = Path(path)
    label = str(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        _fail(label, 0, "file", f"不支持的文件格式 / unsupported format {suffix!r}; 可用 / use "
              + ", ".join(FORMATS))
    if not path.is_file():
        _fail(label, 0, "file", "文件不存在 / file not found")
    try:
        if suffix == ".csv":
            header, body = _read_csv(path, label)
        elif suffix == ".xlsx":
            header, body = _read_xlsx(path, label)
        elif suffix == ".gpkg":
            return _read_gpkg(path, label)
        else:
            return _read_geojson(path, label)
    except LedgerInvalid:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's problem
        _fail(label, 0, "file", f"无法读取文件 / cannot read file: {exc}")
    return _table(label, header, body, first_row=2)


def _fail(label: str, row: int, field: str, reason: str) -> None:
    raise LedgerInvalid([RowProblem(label, row, field, reason)])


def _decode(data: bytes, label: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    _fail(label, 0, "file", "无法识别的文字编码 / unknown text encoding (use UTF-8 or GBK)")
    raise AssertionError  # unreachable


def _read_csv(path: Path, label: str) -> tuple[list[str], Iterator[list[str]]]:
    text = _decode(path.read_bytes(), label)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        _fail(label, 1, "file", "文件为空 / the file is empty")
    return header or [], reader


def _read_xlsx(path: Path, label: str) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        _fail(label, 1, "file", "工作表为空 / the sheet is empty")
    return [("" if h is None else str(h)) for h in header or ()], (
        [_cell(v) for v in r] for r in rows
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _table(label: str, header: list[str], body: Any, *, first_row: int) -> Table:
    mapped = [canonical_header(h) for h in header]
    unknown = tuple(h for h, m in zip(header, mapped, strict=True) if m is None and str(h).strip())
    seen: dict[str, int] = {}
    for i, m in enumerate(mapped):
        if m is None:
            continue
        if m in seen:
            _fail(label, 1, header[i], f"列重复 / column repeats {header[seen[m]]!r}")
        seen[m] = i
    missing = [c for c in ("name", "kind", "lon", "lat") if c not in seen]
    if missing:
        found = ", ".join(str(h) for h in header if str(h).strip())
        _fail(label, 1, ",".join(missing),
              f"缺少必需的列 / required column missing (文件中的列 / columns found: {found})")
    rows: list[Row] = []
    width = len(mapped)
    for offset, raw in enumerate(body):
        if not any(str(v).strip() for v in raw):
            continue  # blank lines are not stations
        cells = list(raw) + [""] * (width - len(raw))
        values = {m: (str(cells[i]).strip() or None) for m, i in seen.items()}
        rows.append(Row(first_row + offset, values))
    return Table(label, rows, unknown)


def _read_geojson(path: Path, label: str) -> Table:
    try:
        doc = json.loads(_decode(path.read_bytes(), label))
    except json.JSONDecodeError as exc:
        _fail(label, exc.lineno, "file", f"GeoJSON 语法错误 / invalid JSON: {exc.msg}")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        _fail(label, 0, "file", "需要 GeoJSON FeatureCollection / expected a FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        _fail(label, 0, "features", "缺少要素列表 / missing features list")
    rows: list[Row] = []
    unknown: set[str] = set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        values: dict[str, str | None] = {}
        for key, value in (props or {}).items():
            col = canonical_header(key)
            if col is None:
                unknown.add(key)
                continue
            values[col] = _prop_text(value)
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry is not None:
            values["lon"], values["lat"] = _point(geometry)
        rows.append(Row(number, values))
    return Table(label, rows, tuple(sorted(unknown)), has_geometry=True)


def _prop_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value).strip() or None


def _point(geometry: Any) -> tuple[str | None, str | None]:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return "not-a-point", "not-a-point"
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        return None, None
    return _prop_text(coords[0]), _prop_text(coords[1])


def _read_gpkg(path: Path, label: str) -> Table:
    import pyogrio

    frame = pyogrio.read_dataframe(path)
    rows: list[Row] = []
    mapped = {c: canonical_header(c) for c in frame.columns if c != "geometry"}
    unknown = tuple(c for c, m in mapped.items() if m is None)
    for number, (_, record) in enumerate(frame.iterrows(), start=1):
        values: dict[str, str | None] = {}
        for col, canon in mapped.items():
            if canon is not None:
                values[canon] = _prop_text(None if _isna(record[col]) else record[col])
        geom = record.get("geometry")
        if geom is not None and geom.geom_type == "Point":
            values["lon"], values["lat"] = repr(float(geom.x)), repr(float(geom.y))
        rows.append(Row(number, values))
    return Table(label, rows, unknown, has_geometry=True)


def _isna(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except (TypeError, ValueError):
        return False
