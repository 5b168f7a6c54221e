"""The words on coverage maps and pictures, in Chinese (default) and English.

The map page follows the planner page's language switch: the page asks for ``lang=en``
and every layer name, tooltip, popup and legend line comes from here.
"""

from __future__ import annotations

from stations.core.vocab import KINDS

LANGS = ("zh", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "base_map": ("底图", "base map"),
    "regions_layer": ("行政区覆盖率", "coverage by region"),
    "region": ("行政区", "region"),
    "adcode": ("代码", "adcode"),
    "ratio": ("面积覆盖率", "area covered"),
    "covered_km2": ("覆盖面积 (km²)", "covered (km²)"),
    "area_km2": ("面积 (km²)", "area (km²)"),
    "stations": ("站点数", "stations"),
    "demand_ratio": ("需求覆盖率", "demand covered"),
    "coverage_layer": ("覆盖范围", "covered area"),
    "stations_layer": ("站点", "stations"),
    "density_layer": ("站点密度", "stations per hexagon"),
    "compliant": ("合格", "compliant"),
    "id": ("编号", "id"),
    "gaps_layer": ("覆盖空白", "gaps"),
    "rank": ("排名", "rank"),
    "uncovered_demand": ("未覆盖需求", "uncovered demand"),
    "stations_nearby": ("附近站点数", "stations nearby"),
    "points": ("点数", "points"),
    "sites_layer": ("建议选址", "suggested sites"),
    "site": ("建议站点", "suggested site"),
    "site_gain": ("新增覆盖需求", "demand gained"),
    "title": ("{name} 站点覆盖图", "Station coverage of {name}"),
    "summary": ("半径 {radius} · 站点 {stations} · 面积覆盖率 {ratio}",
                "radius {radius} · {stations} stations · {ratio} of the area covered"),
    "demand_summary": ("需求覆盖率 {ratio}", "{ratio} of demand covered"),
    "standing_key": ("站点（颜色：检查状态）", "stations (colour: inspection standing)"),
    "density_key": ("每个六边形内的站点数", "stations per hexagon"),
    "legend": ("图例", "legend"),
    "not_drawn": ("此比例尺下省略了 {n} 块较小的覆盖区",
                  "{n} smaller covered patches not drawn at this scale (zoom into a "
                  "sub-region's map)"),
    "page_title": ("{name} 覆盖地图", "Coverage map of {name}"),
    "latitude": ("纬度", "latitude"),
    "longitude": ("经度", "longitude"),
}

STANDINGS: dict[str, tuple[str, str]] = {
    "compliant": ("合格", "compliant"),
    "failing": ("不合格", "failing"),
    "overdue": ("检查逾期", "overdue"),
    "never_inspected": ("未检查", "never inspected"),
    "unknown": ("未知", "unknown"),
}


def check_lang(lang: str | None) -> str:
    """``zh`` or ``en`` (anything else falls back to Chinese, the page's default)."""
    return lang if lang in LANGS else "zh"


def word(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in."""
    zh, en = _WORDS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def kind_label(code: str, lang: str) -> str:
    term = KINDS.get(code)
    if term is None:
        return code
    return term.en if lang == "en" else term.zh


def standing_label(code: str, lang: str) -> str:
    zh, en = STANDINGS.get(code, STANDINGS["unknown"])
    return en if lang == "en" else zh


def half(text: str, lang: str) -> str:
    """One language of a ``"中文 / English"`` message (the whole text if it has no ``/``)."""
    zh, sep, en = text.partition(" / ")
    if not sep:
        return text
    return en if lang == "en" else zh
