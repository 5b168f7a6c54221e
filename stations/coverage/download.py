"""Coverage tables and gap lists as files that say what they are (CSV and XLSX).

Headers in the reader's language (Chinese by default, English on request), ratios as
percentages (a real percentage format in Excel), column widths set, a file name that
carries the region and the parameters, and in the XLSX a second sheet (参数 / parameters)
with everything the figures depend on. The CSV has a BOM (Excel reads the Chinese names)
and its last row is the totals. Text that a spreadsheet would run as a formula is
written as text, by the rule of every file the service writes
(:mod:`stations.io.safe_cells`; text columns are ``text_only``: ``-2`` stays text).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from stations.core.vocab import KINDS, STATUSES
from stations.coverage.analysis import CoverageResult
from stations.io.safe_cells import csv_text, xlsx_text

_FORMATS = {"int": "#,##0", "km2": "#,##0.00", "ratio": "0.0%", "m": "#,##0", "deg": "0.000000",
            "weight": "#,##0.0"}


@dataclass(frozen=True)
class Column:
    """A column of a download: its key in the rows, headers, kind of value and width."""

    key: str
    zh: str
    en: str
    kind: str = "text"
    """``text``, ``int``, ``km2``, ``ratio`` (0-1, shown as %), ``m``, ``deg``, ``weight``."""
    width: float = 12

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


COVERAGE_COLUMNS = (
    Column("adcode", "行政区划代码", "adcode", width=12),
    Column("name", "行政区", "region", width=18),
    Column("level", "级别", "level", width=9),
    Column("stations", "站点数", "stations", "int", 10),
    Column("unlocated", "无坐标站点", "unlocated stations", "int", 12),
    Column("area_km2", "面积（平方千米）", "area (km²)", "km2", 16),
    Column("covered_km2", "覆盖面积（平方千米）", "covered (km²)", "km2", 18),
    Column("coverage_ratio", "面积覆盖率", "area covered", "ratio", 12),
    Column("demand_points", "需求点数", "demand points", "int", 12),
    Column("demand_weight", "需求权重", "demand weight", "weight", 12),
    Column("covered_weight", "已覆盖需求", "demand covered", "weight", 12),
    Column("demand_coverage_ratio", "需求覆盖率", "share of demand covered", "ratio", 14),
    Column("method", "计算方法", "method", width=10),
    Column("circle_covered_km2", "圆形覆盖面积（平方千米）", "circles cover (km²)", "km2", 20),
    Column("circle_coverage_ratio", "圆形覆盖率", "circles cover (share)", "ratio", 14),
)
GAP_COLUMNS = (
    Column("rank", "排名", "rank", "int", 7),
    Column("h3", "H3 六边形", "H3 cell", width=18),
    Column("lon", "经度", "longitude", "deg", 12),
    Column("lat", "纬度", "latitude", "deg", 12),
    Column("county_adcode", "区县代码", "county adcode", width=12),
    Column("county_name", "区县", "county", width=14),
    Column("name", "所属分区", "sub-region", width=14),
    Column("uncovered_weight", "权重", "weight", "weight", 10),
    Column("reason", "排序依据", "why it ranks here", width=36),
    Column("nearest_station_id", "最近站点编号", "nearest station id", width=16),
    Column("nearest_station_m", "距最近站点（米）", "to nearest station (m)", "m", 18),
)
_LEVELS = {"country": ("全国", "country"), "province": ("省级", "province"),
           "city": ("地级", "city"), "county": ("县级", "county")}


def coverage_rows(result: CoverageResult, lang: str = "zh"
                  ) -> tuple[list[Column], list[dict[str, Any]]]:
    """The columns present and the rows: every sub-region, then the region's totals."""
    index = 1 if lang == "en" else 0
    rows = [{**row, "level": _LEVELS.get(row["level"], (row["level"],) * 2)[index]}
            for row in result.table.to_dict("records")]
    rows.append({**result.totals(), "level": ("合计", "total")[index]})
    present = {key for row in rows for key in row}
    return [c for c in COVERAGE_COLUMNS if c.key in present], rows


def gap_rows(result: CoverageResult, lang: str) -> tuple[list[Column], list[dict[str, Any]]]:
    """The gap list, heaviest first, then a totals row (how many, their weight)."""
    rows = []
    for rank, gap in enumerate(result.gaps or [], start=1):
        zh, en = gap.reason
        rows.append({**gap.to_json(), "rank": rank, "reason": en if lang == "en" else zh})
    total = {"rank": None, "h3": "合计" if lang != "en" else "total",
             "uncovered_weight": sum(float(r["uncovered_weight"]) for r in rows),
             "reason": f"{len(rows)} 个空白" if lang != "en" else f"{len(rows)} gaps"}
    return list(GAP_COLUMNS), [*rows, total]


def parameters(result: CoverageResult, lang: str, **extra: Any) -> list[tuple[str, Any]]:
    """What the figures depend on, as (label, value) lines for the parameters sheet."""
    en = lang == "en"
    q = result.query
    lines: list[tuple[str, Any]] = [
        ("region" if en else "行政区", f"{result.region.name} ({result.region.adcode})"),
        ("rows by" if en else "分区级别", _LEVELS.get(q.by, (q.by, q.by))[1 if en else 0]),
    ]
    for kind, radius in q.radii_m.items():
        label = KINDS[kind].en if en else KINDS[kind].zh
        lines.append((f"radius, {label} (m)" if en else f"半径：{label}（米）", radius))
    if result.reach is not None:
        lines.append(("along roads" if en else "沿路网", str(result.reach.get("network"))))
    lines += [
        ("kind" if en else "站点类型",
         (KINDS[q.kind].en if en else KINDS[q.kind].zh) if q.kind else ("all" if en else "全部")),
        ("compliant only" if en else "只计检查合格", ("yes" if en else "是") if q.compliant_only
         else ("no" if en else "否")),
        ("statuses" if en else "站点状态",
         ", ".join(STATUSES[s].en if en else STATUSES[s].zh for s in q.statuses)),
        ("registry revision" if en else "登记库版本", result.revision),
        ("computed at" if en else "计算时间", result.computed_at),
    ]
    for key, value in extra.items():
        lines.append((key, value))
    return lines


def csv_bytes(columns: Sequence[Column], rows: Sequence[dict[str, Any]], lang: str) -> bytes:
    """CSV with a BOM: headers in ``lang``, ratios as percentages, the totals last."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.key), c) for c in columns])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Sequence[dict[str, Any]], lang: str,
               title: str, params: Sequence[tuple[str, Any]]) -> bytes:
    """XLSX: the table (number formats, widths, frozen header, bold totals) and a second
    sheet of parameters."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title) or ("coverage" if lang == "en" else "覆盖"))
    for i, column in enumerate(columns):
        sheet.column_dimensions[_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, c.header(lang), bold=True) for c in columns])
    for n, row in enumerate(rows):
        last = n == len(rows) - 1
        sheet.append([_cell(sheet, row.get(c.key), c, bold=last) for c in columns])
    info = book.create_sheet(title="parameters" if lang == "en" else "参数")
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 40
    info.append([_cell(info, "parameter" if lang == "en" else "参数", bold=True),
                 _cell(info, "value" if lang == "en" else "值", bold=True)])
    for label, value in params:
        info.append([_cell(info, label), _cell(info, value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(result: CoverageResult, what: str, fmt: str, *, lang: str = "zh") -> str:
    """``coverage-410100-郑州市-r1000m-all-active-20261129.xlsx``: region and parameters."""
    q = result.query
    radius = "-".join(f"{r:g}m" for r in sorted(set(q.radii_m.values())))
    parts = [what, result.region.adcode, result.region.name, f"by-{q.by}", f"r{radius}",
             q.kind or "all", "+".join(q.statuses)]
    if q.compliant_only:
        parts.append("compliant")
    if result.reach is not None:
        parts.append(str(result.reach.get("network")))
    if lang == "en":
        parts.append("en")
    stamp = re.sub(r"\D", "", result.computed_at[:10])
    if stamp:
        parts.append(stamp)
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", "-".join(parts)) + f".{fmt}"


def _csv_value(value: Any, column: Column) -> Any:
    if value is None:
        return ""
    if column.kind == "ratio":
        return f"{float(value):.2%}"
    if column.kind in ("km2", "weight"):
        return f"{float(value):.4f}".rstrip("0").rstrip(".")
    if column.kind == "m":
        return f"{float(value):.0f}"
    return csv_text(value, text_only=column.kind == "text")


def _cell(sheet: Any, value: Any, column: Column | None = None, *, bold: bool = False
          ) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = xlsx_text(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, value=_plain(value))
        if column is not None and column.kind in _FORMATS:
            cell.number_format = _FORMATS[column.kind]
    if bold:
        cell.font = Font(bold=True)
    return cell


def _plain(value: Any) -> Any:
    """numpy numbers as Python numbers (openpyxl writes those)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    try:
        return value.item()
    except AttributeError:
        return str(value)


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i + 1))


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31]
