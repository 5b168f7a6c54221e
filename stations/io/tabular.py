"""Reading ledger files into rows: CSV (UTF-8, UTF-8 BOM, GBK), XLSX, GeoJSON, GPKG.

A row is a dict of canonical column names to text (or None), with the row number a
person sees in the file (the spreadsheet's own row number in CSV/XLSX, title rows
included; features count from 1). Reading files within limits is
:mod:`stations.io.sources`; finding the table in a sheet, :mod:`stations.io.table`;
header names, :mod:`stations.io.headers`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.errors import LedgerInvalid, RowProblem
from stations.io.fastcsv import plain_records
from stations.io.headers import (  # noqa: F401 - the public names of the tabular columns
    COLUMNS,
    DERIVED_COLUMNS,
    EXPORT_COLUMNS,
    EXTRA_COLUMNS,
    HEADER_ALIASES,
    canonical_header,
)
from stations.io.places import row_scope
from stations.io.sources import file_sheets
from stations.io.table import Header, Records, Row, choose_sheet, header_note, table_records

FORMATS = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")


@dataclass(frozen=True)
class Table:
    path: str
    records: Records
    """The data rows, by column."""
    unknown_columns: tuple[str, ...]
    has_geometry: bool = False
    notes: tuple[str, ...] = ()
    """How the table was found (sheet, header row), for the import summary."""
    title_region: str | None = None
    """The adcode a title above the header names: the ledger's region when none is given."""


def read_table(path: str | Path, *, sheet: str | None = None, kind_given: bool = False) -> Table:
    """Read a ledger file into rows of canonical columns.

    CSV and XLSX tables are found below title rows, with serial-number columns, section
    and note rows left out (see :mod:`stations.io.table`); of an XLSX file's sheets, the
    one named ``sheet``, or else the one that looks most like a station ledger.

    Raises
    ------
    LedgerInvalid
        When the file cannot be read at all (missing, wrong format, bad encoding, too
        large, no header, missing required columns); the problem names the file.
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
        if suffix in (".csv", ".xlsx"):
            return _read_grid(path, label, sheet, kind_given)
        if suffix == ".gpkg":
            return _read_gpkg(path, label)
        return _read_geojson(path, label)
    except LedgerInvalid:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's problem
        _fail(label, 0, "file", f"无法读取文件 / cannot read file: {_reason(exc)}")
    raise AssertionError  # unreachable


def _reason(exc: BaseException) -> str:
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's error in its own
        if type(cause).__module__.startswith("defusedxml"):
            return f"XML 含有被禁止的实体（可能是 XML 炸弹） / forbidden XML entities (an XML bomb?): {cause}"
        cause = cause.__cause__ or cause.__context__
    return (str(exc) or type(exc).__name__).splitlines()[0]


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


def _read_grid(path: Path, label: str, sheet: str | None, kind_given: bool) -> Table:
    sheets = file_sheets(path, label)
    if not sheets:
        _fail(label, 1, "file", "工作簿没有工作表 / the workbook has no sheets")
    if path.suffix.lower() == ".csv" and not any(True for _ in sheets[0].rows()):
        _fail(label, 1, "file", "文件为空 / the file is empty")
    chosen, header, others = choose_sheet(sheets, label, sheet)
    _check_columns(label, header, kind_given)
    start = None
    if chosen.encoding is not None:
        start = plain_records(path, chosen.encoding, header, len(header.labels))
    records = table_records(chosen, header, label, start)
    return Table(label, records, header.unknown, notes=tuple(header_note(header, others)),
                 title_region=_title_region(header))


def _title_region(header: Header) -> str | None:
    """The region a title above the header names (``南京市户外劳动者服务站点一览表`` →
    ``320100``), or ``None`` (no title, a national one, or an ambiguous name)."""
    return next((found for title in header.titles
                 if (found := row_scope(None, title, None, None, None)[0]) is not None), None)


def _check_columns(label: str, header: Header, kind_given: bool) -> None:
    columns = header.columns
    found = ", ".join(h for h in header.labels if h)
    where = f"{header.row}"
    missing = []
    if "kind" not in columns and not kind_given:
        missing.append("kind")
    if ("lon" in columns) != ("lat" in columns):
        missing.append("lat" if "lon" in columns else "lon")
    elif not {"lon", "coordinates", "address"} & set(columns):
        missing.append("lon,lat")
    if missing:
        hint = "；或用 --kind 给出类型 / or give --kind" if missing == ["kind"] else ""
        _fail(label, int(where), ",".join(missing),
              f"缺少必需的列 / required column missing (文件中的列 / columns found: {found}){hint}")


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
    return Table(label, Records.of(rows), tuple(sorted(unknown)), has_geometry=True)


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
        if getattr(geom, "geom_type", None) == "Point":  # an unlocated station has none
            values["lon"], values["lat"] = repr(float(geom.x)), repr(float(geom.y))
        rows.append(Row(number, values))
    return Table(label, Records.of(rows), unknown, has_geometry=True)


def _isna(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except (TypeError, ValueError):
        return False
