"""Finding the table in a ledger made for people.

A ledger sheet may have a title row above the header (merged across the sheet), a date
line, a two-row header (坐标 over 经度 | 纬度), a 序号 column, section rows (一、金水区),
blank rows, and notes and signatures at the bottom (备注：, 合计, 制表人). The header is
the row, among the first :data:`HEADER_SCAN_ROWS`, that names the most known columns;
serial-number columns are ignored; section and note rows are skipped (a section row that
names a region is remembered as the context of the rows below it). Of several sheets,
the one whose header looks most like a station ledger is read, unless one is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from stations.core.vocab import PLACEHOLDERS
from stations.io.cells import blank_cell, halfwidth, ticked
from stations.io.headers import SERIAL_HEADERS, canonical_header, service_header
from stations.io.sources import MAX_ROWS, Rows, Sheet, fail

HEADER_SCAN_ROWS = 30
NOTE = re.compile(
    r"^\s*(备\s*注|注\s*[:：\d、.]|说\s*明|合\s*计|总\s*计|小\s*计|共\s*计|制\s*表|填\s*表|填\s*报|"
    r"审\s*核|审\s*批|签\s*字|盖\s*章|负责人\s*[:：]|联系人\s*[:：]|日\s*期\s*[:：]|附\s*注|※)"
)
_SECTION = re.compile(r"^\s*([一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）])"
                      r"|[(（]\s*\d+\s*个\s*[)）]\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Columns that make a header look like a station ledger, and how much each counts.
_WEIGHT = {"name": 3, "lon": 2, "lat": 2, "coordinates": 3, "address": 2, "kind": 1}


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str | None]
    context: str | None = None
    """Text of the section row above it (``一、金水区``), if any: the rows' region."""


@dataclass(frozen=True)
class Header:
    sheet: str
    row: int  # the last header row (1-based)
    columns: dict[str, int]  # canonical column → cell index
    unknown: tuple[str, ...]
    serial: tuple[int, ...]  # cell indexes of 序号 columns
    score: int
    labels: tuple[str, ...]  # the header cells as written
    ticks: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """Facility columns (饮水 | 微波炉 | ...): cell index and the services a tick there means."""
    titles: tuple[str, ...] = ()
    """Rows above the header that fill one cell (a title merged across the sheet), notes
    such as 填报单位 left out."""


def find_header(rows: list[tuple[int, list[str]]]) -> Header | None:
    """The best header among the first rows of a sheet (``None`` if nothing fits)."""
    best: Header | None = None
    for i, (number, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        header = _header(cells, number)
        if header is None:
            continue
        below = rows[i + 1][1] if i + 1 < len(rows) else []
        merged = _two_row_header(cells, below, rows[i + 1][0] if i + 1 < len(rows) else 0)
        header = merged or header
        if best is None or header.score > best.score:
            best = header
    if best is None:
        return None
    titles = []
    for number, cells in rows:
        if number >= best.row:
            break
        filled = [c.strip() for c in cells if c and not c.isspace()]
        if len(filled) == 1 and not NOTE.match(filled[0]):
            titles.append(filled[0])
    return replace(best, titles=tuple(titles))


def _header(cells: list[str], number: int) -> Header | None:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    serial: list[int] = []
    ticks: list[tuple[int, tuple[str, ...]]] = []
    for index, cell in enumerate(cells):
        label = str(cell).strip()
        if not label:
            continue
        if _label_key(label) in SERIAL_HEADERS:
            serial.append(index)
            continue
        canon = canonical_header(label)
        if canon is None and service_header(label):
            ticks.append((index, service_header(label)))
        elif canon is None:
            unknown.append(label)
        elif canon not in columns:
            columns[canon] = index
    score = sum(_WEIGHT.get(c, 1) for c in columns)
    if "name" not in columns or score < 4 or len(unknown) > 2 * len(columns) + 2:
        return None
    return Header("", number, columns, tuple(unknown), tuple(serial), score,
                  tuple(str(c).strip() for c in cells), tuple(ticks))


def _two_row_header(top: list[str], below: list[str], number: int) -> Header | None:
    """``坐标`` merged over ``经度 | 纬度``: the second row names the columns the first leaves
    blank or groups; it must hold nothing but such names."""
    width = max(len(top), len(below))
    top = list(top) + [""] * (width - len(top))
    below = list(below) + [""] * (width - len(below))
    named = 0
    for above, cell in zip(top, below, strict=True):
        label = str(cell).strip()
        if not label:
            continue
        canon = canonical_header(label)
        if canon is None or (str(above).strip() and canonical_header(str(above)) != "coordinates"):
            return None
        named += 1
    if not named:
        return None
    cells = []
    for above, cell in zip(top, below, strict=True):
        if str(cell).strip():
            cells.append(cell)
        elif canonical_header(str(above)) == "coordinates" and any(
                canonical_header(str(b)) in ("lon", "lat") for b in below):
            cells.append("")  # the group label over 经度 | 纬度
        else:
            cells.append(above)
    return _header(cells, number)


def _label_key(label: str) -> str:
    return re.sub(r"\s+", "", halfwidth(label)).lower().strip("*:：")


def choose_sheet(sheets: list[Sheet], label: str, wanted: str | None) -> tuple[Sheet, Header, list[str]]:
    """The sheet to read, its header, and other sheets that also look like ledgers."""
    if wanted is not None:
        named = [s for s in sheets if s.name == wanted]
        if not named:
            fail(label, 0, "sheet", f"没有名为 {wanted!r} 的工作表 / no sheet named {wanted!r}; 可选 / "
                                    f"sheets: {', '.join(repr(s.name) for s in sheets)}")
        sheets = named
    found: list[tuple[Sheet, Header]] = []
    first_rows: dict[str, list[str]] = {}
    for sheet in sheets:
        top = _first_rows(sheet)
        first_rows[sheet.name] = next((c for _, c in top if any(str(v).strip() for v in c)), [])
        header = find_header(top)
        if header is not None:
            found.append((sheet, replace(header, sheet=sheet.name)))
    if not found:
        cells = ", ".join(str(h).strip() for h in next(iter(first_rows.values()), []) if str(h).strip())
        where = f"工作表 {sheets[0].name!r} / sheet {sheets[0].name!r}: " if sheets[0].name else ""
        fail(label, 1, "name", f"{where}找不到表头：前 {HEADER_SCAN_ROWS} 行中没有含“名称”等列的行 / "
                               f"no header row with a name column in the first {HEADER_SCAN_ROWS} rows "
                               f"(文件中的列 / columns found: {cells})")
    found.sort(key=lambda pair: -pair[1].score)
    sheet, header = found[0]
    others = [s.name for s, h in found[1:] if h.score >= header.score - 2]
    return sheet, header, others


def _first_rows(sheet: Sheet) -> list[tuple[int, list[str]]]:
    out = []
    for number, cells in sheet.rows():
        out.append((number, cells))
        if len(out) > HEADER_SCAN_ROWS:
            break
    return out


@dataclass
class Records:
    """The data rows of a table, by column: what the import validates column by column.

    ``columns`` maps each canonical column to its cells (trimmed text, ``None`` when
    empty: never an empty or untrimmed string), one per data row; ``numbers`` are the
    rows as a person sees them in the file;
    ``contexts`` the section row above each (``一、金水区``), or ``None`` when the sheet has
    no section rows.
    """

    numbers: list[int]
    columns: dict[str, list[str | None]]
    contexts: list[str | None] | None = None

    def __len__(self) -> int:
        return len(self.numbers)

    def row(self, j: int) -> Row:
        """Row ``j`` (0-based) as one record."""
        return Row(self.numbers[j], {c: v[j] for c, v in self.columns.items()},
                   self.contexts[j] if self.contexts is not None else None)

    def then(self, more: Records) -> Records:
        """These rows followed by ``more`` (of the same columns)."""
        if not len(more):
            return self
        n = len(self)
        contexts = None
        if self.contexts is not None or more.contexts is not None:
            contexts = (self.contexts or [None] * n) + (more.contexts or [None] * len(more))
        return Records(self.numbers + more.numbers,
                       {c: v + more.columns[c] for c, v in self.columns.items()}, contexts)

    @classmethod
    def of(cls, rows: list[Row]) -> Records:
        """Rows whose records may name different columns (GeoJSON features)."""
        names = list(dict.fromkeys(c for row in rows for c in row.values))
        contexts = [row.context for row in rows]
        return cls([row.number for row in rows],
                   {c: [row.values.get(c) for row in rows] for c in names},
                   contexts if any(contexts) else None)


def table_records(sheet: Sheet, header: Header, label: str,
                  start: tuple[Records, Rows] | None = None) -> Records:
    """The data rows below the header: blank, section and note rows left out.

    Most rows of a big ledger are plain data rows; they are recognised with whole-row
    string operations and their cells are split into columns at the end in one pass
    (a 200,000-row ledger is read in about a second).
    """
    columns = header.columns
    prefix, rows = start if start is not None else (None, sheet.rows())
    mapped = sorted(set(columns.values()) | {i for i, _ in header.ticks})
    name_index = columns.get("name")
    context: str | None = None
    any_context = False
    notes_started = False
    numbers: list[int] = []
    kept: list[list[str]] = []
    contexts: list[str | None] = []
    for number, cells in rows:
        if number <= header.row:
            continue
        whole = "".join(cells).strip()
        if not whole:
            continue
        first = cells[0].strip() if cells else ""
        if not first:
            first = next(c.strip() for c in cells if c and not c.isspace())
        if NOTE.match(first):
            notes_started = True
            continue
        if whole == first and _CJK.search(first):  # one cell filled
            index = next(i for i, c in enumerate(cells) if c and not c.isspace())
            if index != name_index or _SECTION.search(first):
                context, any_context = first, True  # a section row (一、金水区)
                continue
        width = len(cells)
        if not (name_index is not None and name_index < width and cells[name_index].strip()):
            data = [i for i in mapped if i < width and cells[i].strip()]
            if not data:
                continue  # only a serial number or unmapped notes: not a station
            if notes_started and (name_index is None or len(data) <= 1):
                continue
        elif notes_started and sum(1 for i in mapped if i < width and cells[i].strip()) <= 1:
            continue
        numbers.append(number)
        kept.append(cells)
        contexts.append(context)
        if len(numbers) + (len(prefix) if prefix else 0) > MAX_ROWS:
            fail(label, number, "file", f"数据行过多 / more than {MAX_ROWS:,} data rows; split the file")
    records = Records(numbers, _split(kept, columns, header.ticks), contexts if any_context else None)
    return records if prefix is None else prefix.then(records)


def _split(kept: list[list[str]], columns: dict[str, int],
           ticks: tuple[tuple[int, tuple[str, ...]], ...] = ()) -> dict[str, list[str | None]]:
    """Cells by column (see :func:`cell_values`), with the ticked facility columns added to
    the services."""
    if not kept:
        return {c: [] for c in columns}
    width = max([*columns.values(), *(i for i, _ in ticks)]) + 1
    short = [j for j, cells in enumerate(kept) if len(cells) < width]
    for j in short:
        kept[j] = kept[j] + [""] * (width - len(kept[j]))
    by_index = list(zip(*kept, strict=False))
    out = {name: cell_values(list(map(str.strip, by_index[index]))) for name, index in columns.items()}
    if ticks:
        services = out.get("services") or [None] * len(kept)
        out["services"] = [_with_ticks(text, cells, ticks) for text, cells in zip(services, kept, strict=True)]
    return out


_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS)) + 2


def cell_values(stripped: list[str]) -> list[str | None]:
    """Trimmed cells as values: ``None`` for a blank cell or a placeholder (``/``, ``无``,
    ``——``); the list itself when there is none (a column of 200,000 is checked in C,
    only its short cells one by one)."""
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped))
    short = np.flatnonzero(lengths <= _LONGEST_PLACEHOLDER).tolist()
    blanks = {v for v in {stripped[j] for j in short} if not v or blank_cell(v)}
    if not blanks:
        return stripped  # type: ignore[return-value]
    return [None if v in blanks else v for v in stripped]


def _with_ticks(services: str | None, cells: list[str],
                ticks: tuple[tuple[int, tuple[str, ...]], ...]) -> str | None:
    """The services column's text and the codes of the facility columns ticked in the row."""
    codes = [c for i, found in ticks if i < len(cells) and ticked(cells[i]) for c in found]
    return "；".join(filter(None, (services, *dict.fromkeys(codes)))) or None


def header_note(header: Header, others: Iterable[str]) -> list[str]:
    """What a person should know about how the table was found."""
    notes = []
    if header.sheet:
        notes.append(f"读取工作表 {header.sheet!r}，表头在第 {header.row} 行 / read sheet "
                     f"{header.sheet!r}, header on row {header.row}")
    elif header.row > 1:
        notes.append(f"表头在第 {header.row} 行 / header on row {header.row}")
    others = list(others)
    if others:
        notes.append("其他工作表也像台账，未读取（用 --sheet 选择） / other sheets also look like "
                     f"ledgers and were not read (choose with --sheet): {', '.join(others)}")
    return notes
