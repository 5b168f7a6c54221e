"""Files in, bounded: the sheets of a CSV or XLSX file as rows of text cells.

Nothing here trusts what a file says about itself. CSV is read as a stream, line by
line, with a limit on a line and on a cell; XLSX sheets are read in their real used
range (not the dimension they declare, which may claim the whole sheet), with XML parsed
by ``defusedxml`` (openpyxl uses it when installed: entity bombs are refused) and the
package's parts checked against size limits before anything is inflated. Memory is
bounded by these limits, never by the file's claims. Every refusal is a
:class:`~stations.errors.LedgerInvalid` naming the file and row.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from stations.errors import LedgerInvalid, RowProblem
from stations.io.safe_cells import csv_text_in

MAX_ROWS = 500_000
"""Most data rows in one file (the whole country's registry is about 200,000 stations)."""
MAX_LINE_CHARS = 1_000_000
"""Longest CSV line; a longer one (a 1 GB single-line file) is refused, not read."""
MAX_CELL_CHARS = 32_767
"""Longest cell, Excel's own limit."""
MAX_XLSX_PART_BYTES = 512 * 1024 * 1024
"""Largest inflated part of an XLSX package (a sheet, the shared strings)."""
MAX_XLSX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
_CHUNK = 1 << 20

Rows = Iterator[tuple[int, list[str]]]
"""(row number as a person sees it, cells as text)."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of a file: a name and a way to read its rows from the top."""

    name: str
    rows: Callable[[], Rows]
    encoding: str | None = None
    """A CSV file's text encoding (``None`` for an XLSX sheet)."""


def fail(label: str, row: int, field: str, reason: str) -> None:
    raise LedgerInvalid([RowProblem(label, row, field, reason)])


# -- CSV --------------------------------------------------------------------------------


def detect_encoding(path: Path, label: str) -> str:
    """``utf-8-sig`` or ``gb18030`` (GBK's superset), checked over the whole file in chunks."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    fail(label, 0, "file", "无法识别的文字编码 / unknown text encoding (use UTF-8 or GBK)")
    raise AssertionError  # unreachable


def _bounded_lines(fh: Any, label: str) -> Iterator[str]:
    number = 0
    while line := fh.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            fail(label, number, "file", f"行过长 / line {number} is longer than "
                                        f"{MAX_LINE_CHARS:,} characters")
        yield line


def csv_rows(path: Path, label: str, encoding: str | None = None) -> Rows:
    """Records of a CSV file (UTF-8, UTF-8 with BOM or GBK), numbered from 1."""
    encoding = encoding or detect_encoding(path, label)
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(_bounded_lines(fh, label))
        number = 0
        try:
            for record in reader:
                number += 1
                # Whole-record checks first: most records have no long cell and no apostrophe.
                whole = "\x00".join(record)
                if len(whole) > MAX_CELL_CHARS or number > MAX_ROWS + 50:
                    _check_cells(record, label, number)
                if "'" in whole:
                    record = [csv_text_in(cell) for cell in record]  # our exports' apostrophe
                yield number, record
        except csv.Error as exc:
            fail(label, number + 1, "file", f"CSV 格式错误 / malformed CSV: {exc}")


def _check_cells(cells: list[str], label: str, number: int) -> None:
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            fail(label, number, "file", f"单元格过长 / a cell is longer than {MAX_CELL_CHARS:,} "
                                        "characters")
    if number > MAX_ROWS + 50:  # a few title and note rows besides the data
        fail(label, number, "file", f"行数过多 / more than {MAX_ROWS:,} rows; split the file")


# -- XLSX -------------------------------------------------------------------------------


def _check_package(path: Path, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except zipfile.BadZipFile as exc:
        fail(label, 0, "file", f"无法读取文件 / cannot read file: not an XLSX package ({exc})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_XLSX_PART_BYTES:
            fail(label, 0, "file", f"文件内容过大 / part {info.filename} inflates to "
                                   f"{info.file_size:,} bytes (at most {MAX_XLSX_PART_BYTES:,})")
    if total > MAX_XLSX_TOTAL_BYTES:
        fail(label, 0, "file", f"文件内容过大 / the package inflates to {total:,} bytes")


def xlsx_sheets(path: Path, label: str) -> list[Sheet]:
    """The sheets of a workbook, each read in its real used range."""
    from openpyxl import load_workbook

    _check_package(path, label)
    book = load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for worksheet in book.worksheets:
        if not hasattr(worksheet, "iter_rows"):
            continue  # a chart sheet

        def rows(ws: Any = worksheet) -> Rows:
            ws.reset_dimensions()  # the declared dimension may claim the whole sheet
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                _check_cells(cells, label, number)
                yield number, cells

        sheets.append(Sheet(str(worksheet.title), rows))
    return sheets


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def file_sheets(path: Path, label: str) -> list[Sheet]:
    """The sheets of a CSV (one, unnamed) or XLSX file."""
    if path.suffix.lower() == ".csv":
        encoding = detect_encoding(path, label)  # once: the rows are read three times
        return [Sheet("", lambda: csv_rows(path, label, encoding), encoding)]
    return xlsx_sheets(path, label)
