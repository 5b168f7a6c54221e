"""The arrays and KD-trees behind :class:`stations.search.index.NearestIndex`.

Stations become earth-centred (ECEF) points on the WGS-84 ellipsoid. The straight
line between two surface points (the chord) is never longer than the geodesic
between them, and shorter by only ``d**3 / (24 R**2)`` (1 mm at 10 km), so a KD-tree
on these points hands out candidates in nearly geodesic order, and a chord is a
safe lower bound of a geodesic distance.

Besides a tree of all located stations, the common filters get their own trees
so that a search rarely throws candidates away: active stations, active stations
of each kind and active stations offering each rare service.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02
from geodata.geodesy import to_ecef_m
from stations.core.carriageway import toward, toward_bearing
from stations.core.hours import HoursError, OpeningHours, parse_hours
from stations.core.vocab import KINDS, SERVICE_BIT, STATUSES, services_mask
from stations.errors import InvalidInput
from stations.search.inputs import Filters

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RARE_SERVICE = 0.25  # a service on fewer active stations than this gets its own tree
TEXT_FIELDS = ("name", "address", "phone", "host", "opening_hours", "standing", "adcode",
               "province", "city", "county")
# the columns a search result copies, kept side by side so one gather fetches a row
RECORD_FIELDS = ("id", "kind", "status", "lon", "lat", "services") + TEXT_FIELDS
STATUS_CODE = {code: i for i, code in enumerate(STATUSES)}
KIND_CODE = {code: i for i, code in enumerate(KINDS)}


@dataclass(frozen=True)
class Plan:
    """How to answer one combination of filters: which tree, and what is left to check."""

    tree: cKDTree
    positions: IntArray  # tree index -> row position in the table
    status_ok: BoolArray | None  # by status code; last slot: unknown status
    kind: int | None
    service_mask: int
    compliant_only: bool
    static_share: float  # share of the tree passing the checks (open_now aside)

    @property
    def has_checks(self) -> bool:
        return (self.status_ok is not None or self.kind is not None
                or bool(self.service_mask) or self.compliant_only)


@dataclass(frozen=True)
class OpenNow:
    """What "open now" means at one moment: by opening hours, and closures by notice."""

    table: BoolArray
    """Open or not per distinct opening hours; the last slot (unknown hours) is False."""
    closed: BoolArray | None = None
    """By row position: closed by a notice in effect (``None``: no station is)."""


def unchecked_plan(positions: IntArray, xyz: npt.NDArray[np.float64]) -> Plan:
    """A plan over exactly ``positions``, with nothing left to check."""
    return Plan(_tree(xyz[positions]), positions, None, None, 0, False, 1.0)


def table_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """The station table as the arrays a search reads."""
    missing = [c for c in ("id", "name", "kind", "status", "lon", "lat") if c not in frame]
    if missing:
        raise InvalidInput("stations", f"缺少列 / missing columns: {', '.join(missing)}")
    n = len(frame)
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(np.float64)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(np.float64)
    with np.errstate(invalid="ignore"):
        located = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    blank = np.full(n, None, dtype=object)
    c: dict[str, Any] = {
        "n": n,
        "located": np.flatnonzero(located),
        "id": frame["id"].astype(str).to_numpy(object),
        "kind": _objects(frame["kind"]),
        "status": _objects(frame["status"]),
        "lon": lon,
        "lat": lat,
        "xyz": to_ecef_m(np.where(located, lon, 0.0), np.where(located, lat, 0.0)),
        "kind_code": _codes(frame["kind"], KIND_CODE),
        "status_code": _codes(frame["status"], STATUS_CODE),
    }
    for name in TEXT_FIELDS + ("services",):
        c[name] = _objects(frame[name]) if name in frame else blank
    c["service_mask"] = _service_masks(c["services"])
    c["records"] = np.empty((n, len(RECORD_FIELDS)), dtype=object)
    for i, name in enumerate(RECORD_FIELDS):
        c["records"][:, i] = c[name]
    c["compliant"] = c["standing"] == "compliant"
    # navigation links need each app's coordinate system: convert all stations once
    safe_lon, safe_lat = np.where(located, lon, 0.0), np.where(located, lat, 0.0)
    c["gcj02"] = np.column_stack(wgs84_to_gcj02(safe_lon, safe_lat)) if n else np.empty((0, 2))
    c["bd09"] = np.column_stack(wgs84_to_bd09(safe_lon, safe_lat)) if n else np.empty((0, 2))
    c["hours_code"], c["hours"] = _hours_codes(c["opening_hours"])
    c["carriageway"] = _carriageways(c["name"], lon, lat)
    # slot 0 counts unknown hours (code -1)
    c["hours_count"] = np.bincount(c["hours_code"] + 1, minlength=len(c["hours"]) + 1)
    return c


def build_trees(c: dict[str, Any]) -> dict[tuple[str, ...], tuple[cKDTree, IntArray]]:
    """Trees of all located stations, active ones, and active ones per kind / rare service."""
    located = c["located"]
    active = located[c["status_code"][located] == STATUS_CODE["active"]]
    subsets: dict[tuple[str, ...], IntArray] = {("all",): located, ("active",): active}
    for code, i in KIND_CODE.items():
        subsets[("active", "kind", code)] = active[c["kind_code"][active] == i]
    masks = c["service_mask"][active]
    for code, bit in SERVICE_BIT.items():
        offering = active[(masks & bit) != 0]
        if offering.size < RARE_SERVICE * max(active.size, 1):
            subsets[("active", "service", code)] = offering
    return {key: (_tree(c["xyz"][pos]), pos) for key, pos in subsets.items()}


def make_plan(c: dict[str, Any], trees: dict[tuple[str, ...], tuple[cKDTree, IntArray]],
              fil: Filters) -> Plan:
    """Pick the smallest tree the filters allow and note the checks left over."""
    keys: list[tuple[str, ...]] = [("all",)]
    active_only = fil.statuses == frozenset({"active"})
    if active_only:
        keys.append(("active",))
        if fil.kind is not None:
            keys.append(("active", "kind", fil.kind))
        keys += [("active", "service", s) for s in fil.services if ("active", "service", s)
                 in trees]
    key = min(keys, key=lambda k: trees[k][1].size)
    tree, positions = trees[key]
    status_ok = None
    if fil.statuses is not None and not (active_only and key[0] == "active"):
        status_ok = np.array([s in fil.statuses for s in STATUS_CODE] + [False])
    mask = fil.service_mask
    if key[1:2] == ("service",):
        mask &= ~SERVICE_BIT[key[2]]
    plan = Plan(
        tree=tree,
        positions=positions,
        status_ok=status_ok,
        kind=None if fil.kind is None or key[1:2] == ("kind",) else KIND_CODE[fil.kind],
        service_mask=mask,
        compliant_only=fil.compliant_only,
        static_share=1.0,
    )
    if plan.has_checks and positions.size:
        share = float(passes(c, plan, positions, None).mean())
        plan = replace(plan, static_share=share)
    return plan


def passes(c: dict[str, Any], plan: Plan, positions: IntArray,
           open_now: OpenNow | None) -> BoolArray:
    """Which of ``positions`` pass the plan's checks (and are open, when asked)."""
    ok = np.ones(positions.size, dtype=bool)
    if plan.status_ok is not None:
        ok &= plan.status_ok[c["status_code"][positions]]
    if plan.kind is not None:
        ok &= c["kind_code"][positions] == plan.kind
    if plan.service_mask:
        ok &= (c["service_mask"][positions] & plan.service_mask) == plan.service_mask
    if plan.compliant_only:
        ok &= c["compliant"][positions]
    if open_now is not None:
        ok &= open_now.table[c["hours_code"][positions]]
        if open_now.closed is not None:
            ok &= ~open_now.closed[positions]
    return ok


def _tree(points: npt.NDArray[np.float64]) -> cKDTree:
    # the sliding-midpoint tree builds twice as fast and queries as fast on these data
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _objects(values: pd.Series) -> npt.NDArray[Any]:
    """A column as Python objects, missing values (NaN, NA) as None."""
    out = values.to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    return out


def _codes(values: pd.Series, vocabulary: dict[str, int]) -> npt.NDArray[np.int8]:
    """Vocabulary index per row; unknown or missing: the last code (``len(vocabulary)``)."""
    codes, uniques = pd.factorize(values)
    lookup = np.array([vocabulary.get(u, len(vocabulary)) for u in uniques] + [len(vocabulary)],
                      dtype=np.int8)
    return lookup[codes]


def _service_masks(services: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Bit mask per row, computed once per distinct tuple of codes (unknown codes: no bit)."""
    cache: dict[Any, int] = {}

    def mask(value: Any) -> int:
        try:
            return cache[value]
        except KeyError:
            found = cache[value] = _mask_of(value)
            return found
        except TypeError:  # a list or an array: not hashable, not cached
            return _mask_of(value)

    return np.fromiter(map(mask, services), dtype=np.int64, count=services.size)


def _mask_of(codes: Any) -> int:
    if not isinstance(codes, list | tuple | frozenset | set | np.ndarray):
        return 0  # missing (None, NaN)
    return services_mask([c for c in codes if c in SERVICE_BIT])


def _carriageways(names: npt.NDArray[Any], lon: npt.NDArray[np.float64],
                  lat: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    """Per row, ``{"toward": 芜湖, "bearing_deg": 101.2}`` for an expressway site whose name
    says which direction it serves (see :mod:`stations.core.carriageway`), else None."""
    out = np.full(names.size, None, dtype=object)
    for i, name in enumerate(names.tolist()):
        # a cheap look for the characters every direction needs, before the parser
        if isinstance(name, str) and ("方向" in name or "往" in name or "行" in name
                                      or "向" in name):
            destination = toward(name)
            if destination is not None and np.isfinite(lon[i]) and np.isfinite(lat[i]):
                out[i] = {"toward": destination,
                          "bearing_deg": toward_bearing(float(lon[i]), float(lat[i]), destination)}
    return out


def _hours_codes(texts: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int32], list[OpeningHours]]:
    """Index into a list of distinct parsed hours per row; -1 when unknown or unreadable."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    parsed: list[OpeningHours] = []
    lookup = []
    for text in uniques:
        try:
            hours = parse_hours(text) if isinstance(text, str) else None
        except HoursError:
            hours = None
        lookup.append(-1 if hours is None else len(parsed))
        if hours is not None:
            parsed.append(hours)
    table = np.array(lookup + [-1], dtype=np.int32)
    return table[codes], parsed
