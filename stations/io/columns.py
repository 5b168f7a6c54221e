"""A whole ledger into station fields, column by column.

A national ledger has 200,000 rows, almost all of them plain: text that needs no
cleaning, a kind and a status from a short list, a few hundred distinct service lists and
hours, decimal coordinates. Each column is therefore checked at once (text by
:func:`~stations.core.text.unclean_indexes`, numbers by NumPy) and each distinct cell
read once. A row where any column finds something (a problem, a warning, a cell that
needs cleaning or another reading) is read again on its own by
:func:`stations.io.rows.parse_row`, the one reference for what a row means: the fast
path only ever agrees with it, it never decides differently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from stations.core.text import unclean_indexes
from stations.io.cells import CellError, one_line, read_date
from stations.io.rows import (
    MAX_ID_CHARS,
    MULTILINE_FIELDS,
    TEXT_FIELDS,
    Finding,
    hours_cell,
    kind_code,
    parse_row,
    plain_float,
    services_cell,
    status_code,
    unplain_phones,
)
from stations.io.table import Records

K = TypeVar("K", bound=Hashable)
_SLOW = object()
"""A cell value that the row-by-row reading must look at."""
PLAIN_FIELDS = ("id", "name", "address", "host", "status_reason", "phone")
"""Fields kept as the cleaned text of their cell."""


@dataclass
class Parsed:
    """Station fields of every row, by column (``None`` where a row has none)."""

    n: int
    fields: dict[str, list[Any]]
    lon: np.ndarray
    """Longitudes as written (NaN where none or unreadable), in the file's CRS."""
    lat: np.ndarray
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    """(row index, field, reason)."""
    warnings: list[Finding] = field(default_factory=list)


@dataclass
class Stations:
    """Validated stations, column by column: every stored field of
    :class:`~stations.core.model.Station` (services as tuples of codes), one list each,
    and the file row of each."""

    columns: dict[str, list[Any]]
    numbers: list[int]

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def unlocated(self) -> list[int]:
        """Indexes of the stations without coordinates."""
        return [j for j, x in enumerate(self.columns["lon"]) if x is None]



def parse_records(records: Records, default_kind: str | None = None) -> Parsed:
    """Every row's fields, problems and warnings: what :func:`parse_row` gives row by row."""
    n = len(records)
    cols = records.columns
    none: list[Any] = [None] * n
    slow: set[int] = set()
    for name in TEXT_FIELDS:
        if name in cols:
            slow.update(_unclean(cols[name], name))
    # Copies: a re-read row writes into them, and the cells as written stay for the report.
    fields: dict[str, list[Any]] = {name: list(cols.get(name, none)) for name in PLAIN_FIELDS}
    slow.update(j for j, v in enumerate(fields["name"]) if v is None)

    kinds = cols.get("kind", none)
    fields["kind"] = _each(kinds if default_kind is None else [k or default_kind for k in kinds],
                           _kind_code, slow)
    fields["status"] = _each(cols.get("status", none), _status_code, slow)
    if "truck_parking_capacity" in cols:
        services = _each(list(zip(cols.get("services", none), cols["truck_parking_capacity"],
                                  strict=True)), _services, slow)
    else:
        services = _each(cols.get("services", none), lambda text: _services((text, None)), slow)
    fields["services"] = [s[0] if s is not _SLOW else () for s in services]
    fields["truck_parking_capacity"] = [s[1] if s is not _SLOW else None for s in services]
    fields["opening_hours"] = _each(cols.get("opening_hours", none), _hours, slow)
    fields["status_date"] = _each(cols.get("status_date", none), _date, slow)
    slow.update(unplain_phones(fields["phone"]))
    lon, lat = _coordinates(cols, n, slow)

    parsed = Parsed(n, fields, lon, lat)
    for j in sorted(slow):
        _reread(parsed, records, j, default_kind)
    return parsed


REPEATED_FIELDS = frozenset({"services", "opening_hours", "host", "status_reason"})
"""Text fields whose cells repeat (a few hundred service lists in 200,000 rows): checked
once per distinct cell."""


def _unclean(values: list[str | None], name: str) -> list[int]:
    """Rows whose cell of text field ``name`` the row reading would refuse or change."""
    multiline = name in MULTILINE_FIELDS
    options: dict[str, Any] = {"multiline": multiline, "limit": MAX_ID_CHARS if name == "id" else None,
                               "trimmed": True, "prepare": None if multiline else one_line}
    if name not in REPEATED_FIELDS:
        return unclean_indexes(values, name, **options)
    distinct = [v for v in set(values) if v is not None]
    bad = {distinct[i] for i in unclean_indexes(distinct, name, **options)}
    return [j for j, v in enumerate(values) if v in bad] if bad else []


def _each(values: list[K], read: Callable[[K], Any], slow: set[int]) -> list[Any]:
    """``read`` of every value, each distinct value read once; rows it cannot settle
    (``_SLOW``) are added to ``slow``."""
    seen = {v: read(v) for v in set(values)}
    out = list(map(seen.__getitem__, values))
    if any(r is _SLOW for r in seen.values()):
        slow.update(j for j, r in enumerate(out) if r is _SLOW)
    return out


def _kind_code(kind: str | None) -> Any:
    return (kind_code(kind) if kind else None) or _SLOW


def _status_code(status: str | None) -> Any:
    return (status_code(status) or _SLOW) if status else "active"


def _services(pair: tuple[str | None, str | None]) -> Any:
    services, capacity, unknown, problem = services_cell(*pair)
    return _SLOW if unknown or problem else (services, capacity)


def _hours(text: str | None) -> Any:
    hours, problem, warning = hours_cell(text)
    return _SLOW if problem or warning else hours


def _date(text: str | None) -> Any:
    if not text:
        return None
    try:
        return read_date(text)
    except CellError:
        return _SLOW


def _coordinates(cols: dict[str, list[str | None]], n: int, slow: set[int]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Plain decimal coordinates as numbers; any other cell goes to the row reading."""
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    if "coordinates" in cols:
        slow.update(j for j, v in enumerate(cols["coordinates"]) if v is not None)
    if "lon" not in cols and "lat" not in cols:
        return lon, lat
    for out, name in ((lon, "lon"), (lat, "lat")):
        values = cols.get(name)
        if values is None:
            continue
        present = values if None not in values else [v for v in values if v is not None]
        try:
            # float() reads the whole column at once, unless a cell is not a plain decimal
            # (or reads otherwise than a person would, such as 1_000): then cell by cell.
            if "_" in "".join(present):  # type: ignore[arg-type]
                raise ValueError
            out[:] = (list(map(float, values)) if present is values  # type: ignore[arg-type]
                      else [np.nan if v is None else float(v) for v in values])
        except ValueError:
            for j, v in enumerate(values):
                if v is not None:
                    try:
                        out[j] = plain_float(v)
                    except ValueError:
                        slow.add(j)  # DMS, full-width digits ...: the row reading
    given_lon, given_lat = (_given(cols.get(name), n) for name in ("lon", "lat"))
    bad = (given_lon != given_lat) | ((given_lon & given_lat) & ~(
        np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)))
    slow.update(np.flatnonzero(bad).tolist())
    return lon, lat


def _given(values: list[str | None] | None, n: int) -> np.ndarray:
    """Which cells of a column hold something."""
    if values is None:
        return np.zeros(n, dtype=bool)
    if None not in values:
        return np.ones(n, dtype=bool)
    return np.array([v is not None for v in values], dtype=bool)


def _reread(parsed: Parsed, records: Records, j: int, default_kind: str | None) -> None:
    """Row ``j`` read on its own: its fields, problems and warnings replace the column
    readings."""
    out, problems, warnings = parse_row(records.row(j), default_kind)
    for name, column in parsed.fields.items():
        column[j] = out.get(name, () if name == "services" else None)
    parsed.fields["status"][j] = out.get("status") or "active"
    parsed.lon[j] = out.get("lon", np.nan)
    parsed.lat[j] = out.get("lat", np.nan)
    parsed.problems.extend((j, f, reason) for f, reason in problems)
    parsed.warnings.extend(warnings)


__all__ = ["Parsed", "Stations", "parse_records"]
