"""Cells the service writes are text, never formulas (CSV/formula injection).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula: a station named ``=HYPERLINK("http://evil","x")`` or
``+cmd|' /C calc'!A0`` would become a live link or a command in a planner's Excel.
Registry exports and import reports write their cells through this module (coverage
downloads and gap lists follow the same rule in :mod:`stations.coverage.download`):

- XLSX: text is written as a string cell (``data_type`` ``'s'``), never a formula, and
  keeps its exact value; characters XML cannot hold are replaced, so a bad stored value
  cannot crash an export.
- CSV: text that would start a formula gets the usual leading apostrophe, and
  :func:`csv_text_in` (applied by the CSV reader of every import) removes it again, so
  an export imports back unchanged. Text that already starts with apostrophes before
  such a character gets one more, so the round trip is exact for every value.

Numbers stay numbers: a float or int is never touched, nor is text that is a plain
number (``-12.5``, ``+86``), which no program runs as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = frozenset("=+-@\t\r")
_RISKY = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# XML 1.0 cannot hold these (openpyxl refuses them with IllegalCharacterError)
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _starts_formula(text: str) -> bool:
    return bool(_RISKY.match(text)) and not _PLAIN_NUMBER.fullmatch(text.lstrip("'"))


def csv_text(value: Any) -> Any:
    """A value as written to a CSV cell: text that would start a formula gets a leading
    apostrophe; anything else (numbers, ``None``, harmless text) is returned as is."""
    if isinstance(value, str) and _starts_formula(value):
        return "'" + value
    return value


def csv_text_in(text: str) -> str:
    """A CSV cell as read back: the apostrophe :func:`csv_text` added is removed."""
    if text.startswith("'") and _starts_formula(text[1:]):
        return text[1:]
    return text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row of CSV cells, each through :func:`csv_text` (``None`` as empty)."""
    return ["" if v is None else csv_text(v) for v in values]


def csv_record(record: dict[str, Any]) -> dict[str, Any]:
    """A ``csv.DictWriter`` row, each value through :func:`csv_text` (``None`` as empty)."""
    return {k: "" if v is None else csv_text(v) for k, v in record.items()}


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``: text as string cells (never formulas), other values as
    they are. Works for write-only and ordinary sheets."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, _NOT_IN_XML.sub("\ufffd", value))
            cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
            row.append(cell)
        else:
            row.append(value)
    return row
