"""One ledger row into station fields, with the problems that stop an import and the
warnings that do not.

Problems (the import writes nothing): a missing name or kind, an unknown kind or status,
impossible coordinates or hours, a bad phone or date. Warnings (the station is imported):
service words that match no service, hours written as prose, remarks left out of hours.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from stations.core.hours import HoursError, HoursUnreadable, canonical_hours, split_remark
from stations.core.text import clean_text
from stations.core.vocab import KIND_ALIASES, KINDS, SERVICE_CODES, STATUS_ALIASES, STATUSES
from stations.errors import InvalidInput
from stations.io.cells import (
    CellError,
    halfwidth,
    one_line,
    read_count,
    read_date,
    read_degrees,
    read_pair,
    read_phone,
    read_services,
)
from stations.io.table import Row

_CODES = frozenset(SERVICE_CODES)
_ORDER = {code: i for i, code in enumerate(SERVICE_CODES)}
# Phone cells read_phone keeps exactly as written (ASCII digits and separators, 3-64 of
# them, a digit among them), checked for a whole column at once. Lookaheads are atomic and
# a line matches one way only, so a column that does not match fails in linear time.
_PLAIN_PHONE_CHARS = r"[0-9+\-() *转#,;/、]"
_ONE_PHONE = rf"(?=[^\n]{{3,64}}(?:\n|\Z))(?=[^\n0-9]*[0-9]){_PLAIN_PHONE_CHARS}+"
_PHONES = re.compile(rf"(?:{_ONE_PHONE}\n)*{_ONE_PHONE}")
MAX_ID_CHARS = 64
TEXT_FIELDS = ("id", "name", "address", "host", "status_reason", "opening_hours", "phone", "services")
"""Free text of a row, checked by :func:`stations.core.text.clean_text` (the API and the
CLI check the same fields with the same limits)."""


@dataclass(frozen=True)
class Finding:
    """Something about one cell of one row: a problem or a warning."""

    row: int
    field: str
    kind: str
    """What sort: ``services``, ``opening_hours``, ``address``, ``duplicate``, ... ."""
    reason: str
    cell: str | None = None


Problems = list[tuple[str, str]]
MULTILINE_FIELDS = frozenset({"status_reason", "services", "opening_hours"})
"""Fields whose line breaks are kept (their readers split on them); others become one line."""


def parse_row(row: Row, default_kind: str | None = None
              ) -> tuple[dict[str, object], Problems, list[Finding]]:
    """Fields of one row (``lon``/``lat`` absent when it has no coordinates)."""
    out: dict[str, object] = {}
    problems: Problems = []
    warnings: list[Finding] = []
    row = _clean_row(row, problems)
    v = row.values

    for name in ("id", "name", "address", "host", "status_reason"):
        if v.get(name) is not None:
            out[name] = v[name]
    if not v.get("name") and not any(field == "name" for field, _ in problems):
        problems.append(("name", "缺少名称 / name is missing"))

    _kind(v.get("kind") or default_kind, out, problems)
    _status(v.get("status"), out, problems)
    _services(row, out, problems, warnings)
    _hours(row, out, problems, warnings)

    phone = v.get("phone")
    if phone:
        try:
            number, words = read_phone(phone)
        except CellError as exc:
            problems.append(("phone", str(exc)))
        else:
            if number:
                out["phone"] = number
            if words:
                warnings.append(Finding(row.number, "phone", "phone",
                                        f"电话以外的文字未保存 / words other than the number left out: "
                                        f"{words!r} (保存 / kept: {number})", phone))

    status_date = v.get("status_date")
    if status_date:
        try:
            out["status_date"] = read_date(status_date)
        except CellError as exc:
            problems.append(("status_date", str(exc)))
    _coordinates(v, out, problems)
    return out, problems, warnings


def _clean_row(row: Row, problems: Problems) -> Row:
    """The row with its text fields normalised; a refused field is a problem and left out."""
    values = dict(row.values)
    for name in TEXT_FIELDS:
        value = values.get(name)
        if value is not None and name not in MULTILINE_FIELDS:
            value = one_line(value)  # a line break typed in the cell (Alt+Enter)
        try:
            values[name] = clean_text(value, name, multiline=name in MULTILINE_FIELDS,
                                      limit=MAX_ID_CHARS if name == "id" else None)
        except InvalidInput as exc:
            problems.append((name, exc.reason))
            values[name] = None
    return Row(row.number, values, row.context)


def _kind(kind: str | None, out: dict[str, object], problems: Problems) -> None:
    if not kind:
        problems.append(("kind", "缺少类型 / kind is missing (或用 --kind / or give --kind)"))
        return
    code = kind_code(kind)
    if code is None:
        problems.append(("kind", f"未知类型 / unknown kind {kind!r}; 可选 / one of {', '.join(KINDS)}"))
    out["kind"] = code


def kind_code(kind: str) -> str | None:
    """The kind a cell names (a code, or a word such as 爱心驿站, 司机之家), or ``None``."""
    return kind if kind in KINDS else KIND_ALIASES.get(kind) or KIND_ALIASES.get(halfwidth(kind).strip())


def status_code(status: str) -> str | None:
    """The status a cell names (a code, or a word such as 在用, 暂停), or ``None``."""
    return status if status in STATUSES else STATUS_ALIASES.get(status)


def _status(status: str | None, out: dict[str, object], problems: Problems) -> None:
    if not status:
        return
    code = status_code(status)
    if code is None:
        problems.append(("status", f"未知状态 / unknown status {status!r}; 可选 / one of {', '.join(STATUSES)}"))
    out["status"] = code


def _services(row: Row, out: dict[str, object], problems: Problems, warnings: list[Finding]) -> None:
    text = row.values.get("services")
    services, capacity, unknown, cap_problem = services_cell(text, row.values.get("truck_parking_capacity"))
    for word in unknown:
        warnings.append(Finding(row.number, "services", "services",
                                f"未识别的服务，已忽略 / unknown service word {word!r} left out "
                                f"(可用 / known: {', '.join(SERVICE_CODES)})", text))
    if cap_problem:
        problems.append(("truck_parking_capacity", cap_problem))
    out["services"] = services
    if capacity is not None:
        out["truck_parking_capacity"] = capacity


def services_cell(text: str | None, cap_text: str | None
                  ) -> tuple[tuple[str, ...], int | None, tuple[str, ...], str | None]:
    """Services, truck spaces, unknown service words and a problem with the spaces cell."""
    services, capacity, unknown = _code_list(text) or read_services(text)
    problem = None
    if cap_text:
        try:
            capacity = read_count(cap_text)
        except CellError as exc:
            problem = str(exc)
    if capacity is not None and "truck_parking" not in services:
        services = tuple(c for c in SERVICE_CODES if c in {*services, "truck_parking"})
    return services, capacity, unknown, problem


def _code_list(text: str | None) -> tuple[tuple[str, ...], int | None, tuple[str, ...]] | None:
    """Services written as our own exports write them (``drinking_water;truck_parking:40``),
    read without the sentence reader; ``None`` for any other text."""
    if not text:
        return None
    parts = text.split(";")
    capacity = None
    if not _CODES.issuperset(parts):
        spaces = [i for i, p in enumerate(parts) if p.startswith("truck_parking:")]
        if len(spaces) != 1:
            return None
        number = parts[spaces[0]][14:]
        if not (number.isascii() and number.isdigit()):
            return None
        capacity, parts[spaces[0]] = int(number), "truck_parking"
        if not _CODES.issuperset(parts):
            return None
    if len(parts) > 1:
        return tuple(sorted(set(parts), key=_ORDER.__getitem__)), capacity, ()
    return (parts[0],), capacity, ()


def _hours(row: Row, out: dict[str, object], problems: Problems, warnings: list[Finding]) -> None:
    text = row.values.get("opening_hours")
    hours, problem, warning = hours_cell(text)
    if problem:
        problems.append(("opening_hours", problem))
    if warning:
        warnings.append(Finding(row.number, "opening_hours", "opening_hours", warning, text))
    if hours is not None:
        out["opening_hours"] = hours


def hours_cell(text: str | None) -> tuple[str | None, str | None, str | None]:
    """Canonical hours, a problem (impossible hours) and a warning (prose, a remark left out)."""
    try:
        hours = canonical_hours(text)
    except HoursUnreadable as exc:
        return None, None, f"{exc}; 开放时间记为未知 / hours left unknown"
    except HoursError as exc:
        return None, str(exc), None
    remark = split_remark(text or "")[1] if hours is not None else None
    if remark:
        return hours, None, (f"括号中的说明未计入开放时间 / the remark {remark!r} is not part of "
                             f"the hours kept ({hours})")
    return hours, None, None


def unplain_phones(phones: list[str | None]) -> list[int]:
    """Indexes of the phone cells that :func:`read_phone` would change, warn about or refuse
    (the whole column checked at once; the cells it finds are read row by row)."""
    present = [p for p in phones if p is not None]
    whole = "\n".join(present)
    if not present or (whole.count("\n") == len(present) - 1 and _PHONES.fullmatch(whole)):
        return []
    return [j for j, p in enumerate(phones) if p is not None and not _PHONES.fullmatch(p)]


def _coordinates(v: dict[str, str | None], out: dict[str, object], problems: Problems) -> None:
    pair = v.get("coordinates")
    if pair and not (v.get("lon") or v.get("lat")):
        try:
            lon, lat = read_pair(pair)
        except CellError as exc:
            problems.append(("coordinates", str(exc)))
            return
        _range(lon, lat, out, problems, pair)
        return
    texts = {axis: v.get(axis) for axis in ("lon", "lat")}
    if texts["lon"] is None and texts["lat"] is None:
        return  # no coordinates: an unlocated station, if the address says where
    one = texts["lon"] if texts["lat"] is None else texts["lat"] if texts["lon"] is None else None
    if one is not None:  # both in the 经度 (or 纬度) cell: "113.6,34.7"
        try:
            lon, lat = read_pair(one)
        except CellError:
            pass
        else:
            _range(lon, lat, out, problems, None)
            return
    values: dict[str, float] = {}
    for axis, label in (("lon", "经度 / longitude"), ("lat", "纬度 / latitude")):
        text = texts[axis]
        zh, en = label.split(" / ")
        if text is None:
            problems.append((axis, f"缺少{zh} / {en} is missing"))
            continue
        try:
            values[axis] = plain_float(text)
        except ValueError:
            pass
        else:
            continue
        try:
            values[axis] = read_degrees(text)
        except CellError:
            problems.append((axis, f"不是数字 / not a number: {text!r}"))
    if len(values) == 2:
        _range(values["lon"], values["lat"], out, problems, None)


def plain_float(text: str) -> float:
    """A plain decimal (the common case, read without the cache and the DMS parser)."""
    if "_" in text:
        raise ValueError(text)
    return float(text)


def _range(lon: float, lat: float, out: dict[str, object], problems: Problems, pair: str | None) -> None:
    ok = True
    for axis, value, limit, zh, en in (("lon", lon, 180, "经度", "longitude"), ("lat", lat, 90, "纬度", "latitude")):
        if not math.isfinite(value) or not -limit <= value <= limit:
            problems.append((axis if pair is None else "coordinates",
                             f"{zh}超出范围 / {en} out of range [-{limit}, {limit}]: {value}"))
            ok = False
    if ok:
        out["lon"], out["lat"] = lon, lat
