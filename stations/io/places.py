"""A ledger row's place from its address, read in the ledger's context.

The context narrows down what an address means: the import's ``--region``, then the
row's province and city columns, an ``adcode`` column (exports carry it), and its 区县
column or the section row above it (``一、金水区``). The address decides where it names
a county; the 区县 column fills in where it does not.

Used twice: to give an unlocated station (no coordinates) its region, and to warn when a
located row's address names another county or city than the one its point falls in (a
sign of GCJ-02 coordinates imported as WGS-84, or of a typo).
"""

from __future__ import annotations

import re
from functools import lru_cache

from geodata.addresses import AmbiguousAddress, Place, parse_address, place
from geodata.errors import GeodataError

_ADCODE = re.compile(r"^\d{6}$")


class PlaceError(ValueError):
    """An address that cannot give a station its region; the message says why."""


@lru_cache(maxsize=65536)
def row_scope(region: str | None, province: str | None, city: str | None, adcode: str | None,
              county: str | None) -> tuple[str | None, Place | None]:
    """The adcode the row is known to lie in, and the county (or zone's city) its 区县
    column or section row names (``None`` when it names nothing known)."""
    scope = region
    if adcode and _ADCODE.match(adcode):
        try:
            return adcode, place(adcode)
        except GeodataError:
            pass
    for text in (province, city):
        found = _quiet(text, scope)
        if found is not None:
            scope = found.adcode
    return scope, _quiet(county, scope)


_LEADING = re.compile(r"[^\d０-９]+")


def _quiet(text: str | None, scope: str | None) -> Place | None:
    if not text:
        return None
    try:
        return parse_address(text, within=scope)
    except AmbiguousAddress:
        return None


def address_place(address: str | None, scope: str | None, county: Place | None) -> Place | None:
    """The most specific place the address and the row's context give.

    Raises
    ------
    AmbiguousAddress
        When the address names a county that exists in several cities of the context.
    """
    try:
        found = parse_address(address, within=scope) if address else None
    except AmbiguousAddress:
        if county is None:
            raise
        found = parse_address(address, within=county.adcode)
    if county is not None and (found is None or (found.level != "county" and _inside(county, found))):
        return county
    if found is None and scope is not None:
        return place(scope)
    return found


def _inside(inner: Place, outer: Place) -> bool:
    if outer.level == "province":
        return inner.adcode[:2] == outer.adcode[:2]
    return (inner.city_adcode or inner.adcode) == (outer.city_adcode or outer.adcode)


def unlocated_place(address: str | None, scope: str | None, county: Place | None) -> Place:
    """The region of a station that has an address but no coordinates.

    Raises
    ------
    PlaceError
        When the address is missing, ambiguous, or names no city or county.
    """
    if not address:
        raise PlaceError("缺少坐标和地址 / no coordinates and no address: give lon,lat (经度,纬度) "
                         "or an address")
    try:
        found = address_place(address, scope, county)
    except AmbiguousAddress as exc:
        raise PlaceError(str(exc)) from None
    except GeodataError as exc:
        raise PlaceError(str(exc)) from None
    if found is None or (found.level == "province" and found.city is None):
        raise PlaceError(
            f"地址看不出在哪个城市或区县 / the address names no city or county: {address!r}; "
            "请写明城市和区县，或加“区县”列，或用 --region / name the city and county, add a 区县 "
            "column, or give --region")
    return found


_HEADS = re.compile(r"^[^\d０-９\n]*", re.MULTILINE)


def address_heads(addresses: list[str]) -> list[str]:
    """:func:`address_head` of each address (one pass of the pattern over them all)."""
    if not addresses:
        return []
    if any("\n" in a for a in addresses):
        return [address_head(a) for a in addresses]
    return [head or address for head, address in
            zip(_HEADS.findall("\n".join(addresses)), addresses, strict=True)]


def address_head(address: str) -> str:
    """The part of an address before its first digit: region names come before the street
    and number ("南宁市第1街1号"), so one reading of it serves every address of a city."""
    named = _LEADING.match(address)
    return named.group() if named else address


@lru_cache(maxsize=65536)
def named_mismatch(named: str, scope: str | None, adcode: str) -> str | None:
    """Why an address whose head (:func:`address_head`) is ``named`` does not fit the
    county ``adcode`` its point falls in, or ``None`` when it fits (or says too little to
    tell). The caller skips addresses that name the point's county outright."""
    try:
        found = address_place(named, scope, None)
    except (AmbiguousAddress, GeodataError):
        return None
    if found is None:
        return None
    here = place(adcode)
    if found.level == "county" and found.adcode != adcode:
        said = f"{found.city or ''}{found.county}"
    elif found.level == "city" and found.adcode != here.city_adcode:
        said = found.city or ""
    elif found.level == "province" and found.adcode[:2] != adcode[:2]:
        said = found.province
    else:
        return None
    return (f"地址写的是 {said}，坐标却在 {here.city or ''}{here.county or ''} / the address names "
            f"{said} but the point is in {here.city or ''}{here.county or ''}: "
            "坐标系弄错了（GCJ-02 当作 WGS-84，见 --crs）或地址、坐标有误 / GCJ-02 coordinates "
            "imported as WGS-84 (see --crs), or a typo")
