"""What an import tells a person: a summary, and a report a clerk can fix the ledger from.

``ImportReport.summary()`` gives the lines ``stations import`` prints: added, updated,
unchanged, unlocated, and warnings by kind. :func:`write_report` writes every problem
and warning to an XLSX file, one per line, with the row, the field, the reason and the
original cell, sorted by row: open it next to the ledger in Excel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stations.errors import InvalidInput, RowProblem
from stations.io.rows import Finding
from stations.io.safe_cells import xlsx_row
from stations.store.registry import SaveCounts

WARNING_KINDS = {
    "services": ("未识别的服务词", "unknown service words"),
    "opening_hours": ("开放时间未读或未全读", "hours not (fully) read"),
    "address": ("地址与坐标不一致", "address and location disagree"),
    "phone": ("电话以外的文字", "words beside phone numbers"),
    "region": ("区县列与地址不一致", "county column and address disagree"),
    "duplicate": ("可能重复", "likely duplicates"),
    "columns": ("未读取的列", "columns not read"),
}


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
    unlocated: int = 0
    warnings: list[Finding] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    def warning_counts(self) -> dict[str, int]:
        counts = Counter(w.kind for w in self.warnings)
        if self.duplicates:
            counts["duplicate"] = len(self.duplicates)
        return dict(sorted(counts.items()))

    def summary(self) -> list[str]:
        """The lines a person reads at the end of an import."""
        lines = list(self.notes)
        if self.counts is None:
            lines.append(f"校验通过，共 {self.rows} 行，未写入 / {self.rows} rows valid; dry run, "
                         "nothing written")
        else:
            c = self.counts
            lines.append(f"新增 {c.added}，更新 {c.updated}，未变 {c.unchanged} / "
                         f"added {c.added}, updated {c.updated}, unchanged {c.unchanged}")
        lines.append(f"无坐标（待现场定位）{self.unlocated} / unlocated (to be located on site) "
                     f"{self.unlocated}")
        counts = self.warning_counts()
        if counts:
            parts = [f"{WARNING_KINDS.get(k, (k, k))[0]} {n}" for k, n in counts.items()]
            parts_en = [f"{WARNING_KINDS.get(k, (k, k))[1]} {n}" for k, n in counts.items()]
            lines.append(f"警告 / warnings: {'，'.join(parts)} / {', '.join(parts_en)}")
        else:
            lines.append("警告 / warnings: 0")
        return lines


def ignored_note(columns: tuple[str, ...]) -> list[str]:
    """The line that names the columns an import left out (none when there are none)."""
    return ["已忽略未知列 / ignored unknown columns: " + ", ".join(columns)] if columns else []


def write_report(path: str | Path, source: str, *, problems: Iterable[RowProblem] = (),
                 warnings: Iterable[Finding] = (), cells: dict[tuple[int, str], str | None] | None = None,
                 duplicates: Iterable[Duplicate] = ()) -> int:
    """Write problems and warnings to an XLSX file; returns the number of lines written.

    ``cells`` maps ``(row, field)`` to the original cell text, for problems (warnings carry
    their own).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput("report", f"报告须为 .xlsx 文件 / the report must be an .xlsx file: {path}")
    if not path.parent.exists():
        raise InvalidInput("report", f"目录不存在 / directory does not exist: {path.parent}")
    cells = cells or {}
    lines: list[tuple[int, str, str, str, str, str]] = []
    for p in problems:
        cell = cells.get((p.row, p.field.split(",")[0]))
        lines.append((p.row, "错误 / problem", p.field, "", p.reason, _safe(cell)))
    for w in warnings:
        lines.append((w.row, "警告 / warning", w.field, w.kind, w.reason, _safe(w.cell)))
    for d in duplicates:
        row = int(d.first.rsplit(":", 1)[-1]) if d.first.rsplit(":", 1)[-1].isdigit() else 0
        lines.append((row, "警告 / warning", "name", "duplicate", str(d), _safe(d.name)))
    lines.sort(key=lambda line: (line[0], line[1]))
    book = Workbook()
    sheet = book.active
    sheet.title = "问题 problems"
    sheet.append(xlsx_row(sheet, ["文件 / file", source]))
    sheet.append(["行 / row", "类别 / severity", "字段 / field", "种类 / kind", "原因 / reason",
                  "原单元格 / original cell"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(xlsx_row(sheet, line))  # text cells, never formulas
    for column, width in zip("ABCDEF", (8, 16, 18, 14, 90, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    tmp = path.with_name(f".{path.stem}.part.xlsx")
    book.save(tmp)
    tmp.replace(path)
    return len(lines)


def _safe(text: str | None) -> str:
    """The original cell as it was (written as a string cell by :func:`xlsx_row`)."""
    return "" if text is None else text
