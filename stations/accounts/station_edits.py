"""Editing a station's record: who may change which fields (``PATCH /api/stations/{id}``).

An admin inside the station's region may change any field in :data:`ADMIN_FIELDS`; a
host (依托单位) only :data:`HOST_FIELDS` of its own stations: it knows the real hours,
services and phone first. Status has its own path (with a reason), location too (set on
site). Every change goes to the station's history with who made it, through the same
write as an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stations.accounts.scope import require_station_access
from stations.accounts.users import User, require
from stations.core.hours import HoursError, canonical_hours
from stations.core.model import Station
from stations.core.text import clean_text
from stations.core.vocab import KINDS, SERVICE_CODES
from stations.errors import Forbidden, InvalidInput
from stations.store.registry import Registry

HOST_FIELDS = ("opening_hours", "services", "phone")
ADMIN_FIELDS = ("name", "kind", "address", "host", "services", "truck_parking_capacity",
                "opening_hours", "phone")
FIELDS_BY_ROLE = {"admin": ADMIN_FIELDS, "host": HOST_FIELDS}


def edit_station(
    registry: Registry, user: User, station_id: str, changes: Mapping[str, Any]
) -> Station:
    """Change fields of a station as ``user``; the history keeps who and what.

    Parameters
    ----------
    changes : mapping
        Field → new value (``null`` clears an optional field). ``services`` is a list
        of service codes (or one ``;``-separated text).

    Raises
    ------
    stations.errors.NotFound
    stations.errors.Forbidden
        For a role that may not edit, a station outside the account's region (or not
        the host's), or a field the role may not change.
    stations.errors.InvalidInput
        Naming the field: unknown field, bad value.
    """
    require(user, "edit_station")
    station = registry.get(station_id)
    require_station_access(user, station)
    if not changes:
        raise InvalidInput("body", "没有要修改的字段 / no field to change")
    allowed = FIELDS_BY_ROLE.get(user.role, ())
    for field in changes:
        if field not in ADMIN_FIELDS:
            raise InvalidInput(field, f"不可修改的字段 / not an editable field; editable: "
                                      f"{', '.join(ADMIN_FIELDS)}")
        if field not in allowed:
            raise Forbidden(f"角色 {user.role} 不能修改 {field} / role {user.role!r} may not "
                            f"change {field!r} (may: {', '.join(allowed)})")
    values = {field: _checked(field, value) for field, value in changes.items()}
    updated = station.with_changes(**values)
    registry.save_many([updated], actor=user.name, action="edit")
    return registry.get(station_id)


def _checked(field: str, value: Any) -> Any:
    if field == "services":
        return _services(value)
    if field == "truck_parking_capacity":
        return _capacity(value)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(field, "应为文本 / must be text")
    if field == "kind":
        if value not in KINDS:
            raise InvalidInput("kind", f"未知类型 / unknown kind {value!r}; 可选 / one of "
                                       f"{', '.join(KINDS)}")
        return value
    text = clean_text(value, field)
    if field == "name" and not text:
        raise InvalidInput("name", "名称不能为空 / a name is required")
    if field == "opening_hours":
        try:
            return canonical_hours(text)
        except HoursError as exc:
            raise InvalidInput("opening_hours", str(exc)) from None
    return text


def _services(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    codes = value.split(";") if isinstance(value, str) else value
    if not isinstance(codes, list | tuple) or not all(isinstance(c, str) for c in codes):
        raise InvalidInput("services", "应为服务代码列表 / a list of service codes")
    wanted = {c.strip() for c in codes if c.strip()}
    unknown = sorted(wanted - set(SERVICE_CODES))
    if unknown:
        raise InvalidInput("services", f"未知服务 / unknown service {', '.join(unknown)}; "
                                       f"可选 / one of {', '.join(SERVICE_CODES)}")
    return tuple(c for c in SERVICE_CODES if c in wanted)


def _capacity(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("truck_parking_capacity", "应为非负整数 / a whole number ≥ 0")
    return value
