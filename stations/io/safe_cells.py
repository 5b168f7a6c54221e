"""Cells the service writes are text, never formulas (CSV/formula injection).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula: a station named ``=HYPERLINK("http://evil","x")`` or
``+cmd|' /C calc'!A0`` would become a live link or a command in a planner's Excel.
Every file the service writes (registry exports, import reports, coverage downloads and
gap lists) writes its cells through this module:

- XLSX: text is written as a string cell (``data_type`` ``'s'``), never a formula, and
  keeps its exact value; characters XML cannot hold are replaced, so a bad stored value
  cannot crash an export.
- CSV: text that would start a formula gets the usual leading apostrophe, and
  :func:`csv_text_in` (applied by the CSV reader of every import) removes it again, so
  an export imports back unchanged. Text that already starts with apostrophes before
  such a character gets one more, so the round trip is exact for every value.

Numbers stay numbers: a float or int is never touched, nor, in files that import back, is
text that is a plain number (``-12.5``, ``+86``), which no program runs as a formula. A
column that holds text and is never imported back (a coverage download's adcode or name)
asks for ``text_only``: there ``-2`` gets the apostrophe too, so a spreadsheet shows the
text it is instead of computing a number from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = frozenset("=+-@\t\r")
_FIRST = FORMULA_START | {"'"}  # what a risky cell starts with (a cheap test before the pattern)
_RISKY = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# XML 1.0 cannot hold these (openpyxl refuses them with IllegalCharacterError)
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _starts_formula(text: str, *, text_only: bool = False) -> bool:
    return bool(_RISKY.match(text)) and (text_only or not _PLAIN_NUMBER.fullmatch(text.lstrip("'")))


def csv_text(value: Any, *, text_only: bool = False) -> Any:
    """A value as written to a CSV cell: text that would start a formula gets a leading
    apostrophe; anything else (numbers, ``None``, harmless text) is returned as is.
    ``text_only``: the column holds text that is not imported back, and text that is a
    plain number (``-2``) gets the apostrophe too."""
    if isinstance(value, str) and value[:1] in _FIRST and _starts_formula(value, text_only=text_only):
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


def xlsx_text(sheet: Any, text: str) -> Any:
    """A string cell holding ``text`` (never a formula; characters XML cannot hold replaced
    by U+FFFD). Works for write-only and ordinary sheets."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, _NOT_IN_XML.sub("\ufffd", text))
    cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append``: text as string cells (:func:`xlsx_text`), other values
    as they are."""
    return [xlsx_text(sheet, v) if isinstance(v, str) else v for v in values]
