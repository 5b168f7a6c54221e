"""Criteria the data can judge, judged in advance and explained.

The inspector still decides every criterion on site; these values are suggestions
that say why (``"zh / en"`` explanations).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geodata.china import in_china
from geodata.errors import GeodataError
from geodata.geodesy import distance_m
from stations.compliance.checklists import Checklist, Criterion
from stations.core.model import Station
from stations.core.vocab import SERVICES
from stations.store.registry import Registry

Judgement = dict[str, Any]
_METRES_PER_DEGREE = 111_000.0
_NEIGHBOUR_MARGIN_M = 1_000.0


def prefill(
    station: Station, checklist: Checklist, neighbours_frame: pd.DataFrame
) -> dict[str, Judgement]:
    """Pre-filled values for the criteria of ``checklist`` at ``station``.

    Parameters
    ----------
    station : Station
    checklist : Checklist
    neighbours_frame : pandas.DataFrame
        Other stations (columns ``id``, ``name``, ``kind``, ``lon``, ``lat``,
        ``status``), e.g. :meth:`Registry.frame` or :func:`neighbours_frame`; the
        station itself may be in it.

    Returns
    -------
    dict
        ``{code: {"value": True | False | None, "explanation": "zh / en"}}`` in checklist
        order; ``None`` when the inspector must judge.
    """
    out: dict[str, Judgement] = {}
    for criterion in checklist.criteria:
        if criterion.how_judged != "data":
            out[criterion.code] = _judgement(
                None, "由检查人员现场判断", "judged by the inspector on site"
            )
            continue
        judge = _judge_for(criterion)
        if judge is None:
            out[criterion.code] = _judgement(
                None, "无法从数据判断，请现场检查", "the data cannot judge this; check on site"
            )
        else:
            out[criterion.code] = judge(station, criterion, neighbours_frame)
    return out


def neighbours_frame(registry: Registry, station: Station, checklist: Checklist) -> pd.DataFrame:
    """Active stations of the same kind around ``station``, enough for the layout rule.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name``, ``kind``, ``lon``, ``lat``, ``status``.
    """
    if station.lon is None or station.lat is None:  # unlocated: no neighbourhood yet
        return pd.DataFrame(columns=["id", "name", "kind", "lon", "lat", "status"])
    rules = [c.min_neighbour_m or 0.0 for c in checklist.criteria]
    rules += [c.urban_max_neighbour_m or 0.0 for c in checklist.criteria]
    radius_m = max(rules, default=0.0) + _NEIGHBOUR_MARGIN_M
    dlat = radius_m / _METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(station.lat)), 0.01)
    bbox = (
        max(station.lon - dlon, -180.0),
        max(station.lat - dlat, -90.0),
        min(station.lon + dlon, 180.0),
        min(station.lat + dlat, 90.0),
    )
    _, found = registry.search(bbox=bbox, kind=station.kind, status="active", limit=100_000)
    return pd.DataFrame(
        [(s.id, s.name, s.kind, s.lon, s.lat, s.status) for s in found],
        columns=["id", "name", "kind", "lon", "lat", "status"],
    )


def is_urban(station: Station) -> bool:
    """A city district (市辖区): county name ending in 区, or adcode digits 01-20.

    By GB/T 2260 the last two digits of a county-level adcode are 01-20 for city
    districts, 21-80 for counties and 81-99 for county-level cities.
    """
    if station.county:
        return station.county.endswith("区")
    code = station.adcode or ""
    return len(code) == 6 and code.isdigit() and 1 <= int(code[4:]) <= 20


def _judge_for(
    criterion: Criterion,
) -> Callable[[Station, Criterion, pd.DataFrame], Judgement] | None:
    if criterion.code == "on_map":
        return _on_map
    if criterion.min_neighbour_m is not None or criterion.urban_max_neighbour_m is not None:
        return _layout
    if criterion.required_services:
        return _services
    return None


def _on_map(station: Station, _criterion: Criterion, _frame: pd.DataFrame) -> Judgement:
    if station.lon is None or station.lat is None:
        return _judgement(
            False,
            "站点没有坐标（只有地址），地图上找不到；请在现场定位",
            "the station has no coordinates (only an address): locate it on site",
        )
    try:
        located = bool(in_china(station.lon, station.lat))
    except GeodataError:
        located = False
    if station.status != "active":
        return _judgement(
            False,
            f"站点状态为 {station.status}，未在地图上发布（运营中的站点才发布）",
            f"status is {station.status}: only active stations are published on the map",
        )
    if not located:
        return _judgement(
            False,
            f"坐标 ({station.lon}, {station.lat}) 不在中国境内，地图上找不到",
            f"coordinates ({station.lon}, {station.lat}) are not in China",
        )
    return _judgement(
        True,
        "站点已发布（运营中）且坐标在中国境内，可在地图上查到",
        "published (active) with coordinates in China: findable on the map",
    )


def _services(station: Station, criterion: Criterion, _frame: pd.DataFrame) -> Judgement:
    required = criterion.required_services
    missing = [code for code in required if code not in station.services]
    if not missing:
        return _judgement(
            True,
            "已登记所需服务：" + "、".join(SERVICES[c].zh for c in required),
            "all required services are recorded: " + ", ".join(SERVICES[c].en for c in required),
        )
    return _judgement(
        False,
        "缺少所需服务：" + "、".join(SERVICES[c].zh for c in missing),
        "missing required services: " + ", ".join(f"{SERVICES[c].en} ({c})" for c in missing),
    )


def _layout(station: Station, criterion: Criterion, frame: pd.DataFrame) -> Judgement:
    min_m, max_m = criterion.min_neighbour_m, criterion.urban_max_neighbour_m
    if station.lon is None or station.lat is None:
        return _judgement(
            None, "站点没有坐标，无法判断布局", "the station has no coordinates: layout cannot be judged"
        )
    urban = is_urban(station)
    rule_zh, rule_en = [], []
    if min_m is not None:
        rule_zh.append(f"与最近的同类运营站点相距不少于 {min_m:.0f} 米")
        rule_en.append(
            f"the nearest other active station of the same kind is not closer than {min_m:.0f} m"
        )
    if max_m is not None:
        rule_zh.append(f"城区站点 {max_m:.0f} 米内应有另一同类运营站点")
        rule_en.append(f"for urban stations, one is within {max_m:.0f} m")
    where_zh = "本站位于城区" if urban else "本站不在城区"
    where_en = "this station is urban" if urban else "this station is not urban"

    others = frame[
        (frame["kind"] == station.kind)
        & (frame["status"] == "active")
        & (frame["id"] != station.id)
    ]
    nearest_m: float | None = None
    if len(others):
        try:
            dists = np.atleast_1d(
                distance_m(
                    station.lon,
                    station.lat,
                    others["lon"].to_numpy(float),
                    others["lat"].to_numpy(float),
                )
            )
        except GeodataError:
            return _judgement(
                None, "站点坐标无效，无法判断布局", "invalid coordinates: layout cannot be judged"
            )
        i = int(np.argmin(dists))
        nearest_m = float(dists[i])
        nearest = others.iloc[i]
        found_zh = (
            f"最近的同类运营站点「{nearest['name']}」({nearest['id']}) 相距 {nearest_m:.0f} 米"
        )
        found_en = (
            f"nearest other active station of the same kind: {nearest['id']} at {nearest_m:.0f} m"
        )
    else:
        found_zh = "附近没有其他同类运营站点"
        found_en = "no other active station of the same kind nearby"

    too_close = min_m is not None and nearest_m is not None and nearest_m < min_m
    too_far = urban and max_m is not None and (nearest_m is None or nearest_m > max_m)
    verdict_zh = "过近" if too_close else "城区间距过大" if too_far else "符合"
    verdict_en = (
        "too close"
        if too_close
        else "too far apart for an urban station"
        if too_far
        else "meets the rule"
    )
    return _judgement(
        not (too_close or too_far),
        f"{found_zh}；{where_zh}；规则：{'，'.join(rule_zh)}；结论：{verdict_zh}",
        f"{found_en}; {where_en}; rule: {'; '.join(rule_en)}; verdict: {verdict_en}",
    )


def _judgement(value: bool | None, zh: str, en: str) -> Judgement:
    return {"value": value, "explanation": f"{zh} / {en}"}
