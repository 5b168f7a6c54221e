"""The data rows of a big, plain CSV ledger, read by pandas's C parser.

A national ledger (200,000 rows, 50 MB) is usually an export: every row a station, no
blank, section or note rows. Read record by record in Python it takes a second; pandas
reads it in a third of that. The rows are then checked column by column: the leading
run of plain rows (a name, another filled cell, a first cell that starts no note) is
taken as is, and the rest of the file, from the first row that is not plain, goes
through :func:`stations.io.table.table_records`'s row-by-row reading, so that both give
the same records. Anything pandas reads otherwise than the ``csv`` module would (a row
wider than the header) makes :func:`plain_records` return ``None``: the caller then
reads the whole file row by row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stations.io.safe_cells import csv_text_in
from stations.io.sources import MAX_CELL_CHARS, MAX_ROWS, Rows
from stations.io.table import NOTE, Header, Records, cell_values

MIN_ROWS = 5_000
"""Files with fewer data rows are read row by row (the fast path pays off above this)."""


def plain_records(path: Path, encoding: str, header: Header, width: int
                  ) -> tuple[Records, Rows] | None:
    """The plain data rows right below the header, and the rest of the file's records.

    ``width`` is the widest record seen so far (the header's rows). Returns ``None`` when
    the file is small or pandas cannot read it as ``width`` columns.
    """
    import pandas as pd

    if path.stat().st_size < MIN_ROWS * 40 or header.ticks:
        return None  # small, or facility columns of ticks: read row by row
    width = max(width, max(header.columns.values()) + 1)
    try:
        frame = pd.read_csv(path, header=None, names=range(width), dtype=str, na_filter=False,
                            skip_blank_lines=False, encoding=encoding, engine="c",
                            skiprows=0, quoting=0, doublequote=True)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, OverflowError):
        return None
    if len(frame) <= header.row or len(frame) > MAX_ROWS + 50:
        return None
    raw = [frame[c].tolist()[header.row:] for c in frame.columns]
    del frame
    for column in raw:
        if max(map(len, column), default=0) > MAX_CELL_CHARS:
            return None  # the row-by-row reading says where
    stripped = [list(map(str.strip, column)) for column in raw]
    k = _plain_prefix(stripped, header)
    first_number = header.row + 1
    columns: dict[str, list[str | None]] = {}
    for name, index in header.columns.items():
        values: list[Any] = stripped[index][:k] if k < len(stripped[index]) else stripped[index]
        if "'" in "".join(values):
            values = [v.strip() for v in map(csv_text_in, raw[index][:k])]  # our exports' apostrophe
        columns[name] = cell_values(values)
    records = Records(list(range(first_number, first_number + k)), columns)

    def rest() -> Rows:
        for j, cells in enumerate(zip(*(column[k:] for column in raw), strict=True)):
            yield first_number + k + j, [csv_text_in(c) for c in cells]
    return records, rest()


def _plain_prefix(stripped: list[list[str]], header: Header) -> int:
    """How many rows from the top are plain: a name, another filled cell, and a first
    filled cell that starts no note (合计, 备注, 制表人 ...). ``stripped``: the trimmed
    cells, by column."""
    n = len(stripped[0]) if stripped else 0
    name = stripped[header.columns["name"]]
    first = stripped[0]
    first_index = [0] * n
    for c, column in enumerate(stripped[1:], start=1):
        if "" not in first:
            break
        first_index = [i if f else c for f, i in zip(first, first_index, strict=True)]
        first = [f or v for f, v in zip(first, column, strict=True)]
    name_index = header.columns["name"]
    if ("" not in name and "" not in first and name_index not in first_index
            and not any(map(NOTE.match, first))):
        return n  # every row plain (the usual export), told without a loop over the rows
    others = [column for c, column in enumerate(stripped) if c != name_index]
    for j in range(n):
        if not name[j] or not first[j] or NOTE.match(first[j]):
            return j
        if first_index[j] == name_index and not any(column[j] for column in others):
            return j  # the name alone: maybe a section row (一、金水区)
    return n
