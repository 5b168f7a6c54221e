"""Reading cells the way people write them: coordinates and service sentences.

- Coordinates: decimal degrees, degrees-minutes-seconds (``113°39′36.4″``, ``113d39m36.4s``,
  ``113度39分36.4秒``, ``113°39.607′``), with or without hemisphere (``E``, ``东经``),
  full-width digits and punctuation; a combined cell (``113.66,34.78``, ``34.78，113.66``,
  ``N34°46′43″ E113°39′36″``) is read in either order, since in China a longitude
  (73°-136°) can never be a latitude (3°-54°).
- Services: a sentence (``饮水、热水、微波炉，休息``) is split on Chinese and Latin
  separators and each word matched by synonyms (微波炉 → ``food_heating``); words that
  match nothing are returned, to be reported, never silently dropped.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from stations.core.model import split_capacity
from stations.core.vocab import SERVICE_ALIASES, SERVICE_CODES, SERVICES

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DMS = re.compile(
    r"^(?P<hemi1>[NSEW]|东经|西经|北纬|南纬)?\s*"
    r"(?P<deg>\d+(?:\.\d+)?)\s*(?:°|度|d|º|˚|\s)\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:′|'|分|m|’|‘|\s)\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:″|\"|''|′′|秒|s|”|“)?\s*)?"
    r"(?P<hemi2>[NSEW])?$",
    re.IGNORECASE,
)
_DECIMAL = re.compile(
    r"^(?P<hemi1>[NSEW]|东经|西经|北纬|南纬)?\s*(?P<num>[+-]?\d+(?:\.\d+)?)\s*°?\s*(?P<hemi2>[NSEW])?$",
    re.IGNORECASE,
)
_PAIR_SPLIT = re.compile(r"\s*[,，;；/|、]\s*|\s+(?=[NSEWnsew东西南北]|\d)")


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def halfwidth(text: str) -> str:
    """Full-width ASCII (``１１３．６``, ``，``) and the ideographic space as plain ASCII."""
    return text.translate(_FULLWIDTH)


@lru_cache(maxsize=65536)
def read_degrees(text: str) -> float:
    """One coordinate in degrees, from decimal or degrees-minutes-seconds text.

    Raises
    ------
    CellError
        When the text is not a coordinate.
    """
    clean = halfwidth(text).strip().replace("º", "°")
    try:
        return float(clean)
    except ValueError:
        pass
    match = _DECIMAL.match(clean)
    if match:
        return _signed(float(match.group("num")), match.group("hemi1") or match.group("hemi2"))
    match = _DMS.match(clean)
    if match is None or (match.group("min") is None and match.group("sec") is None
                         and not re.search(r"[°度d]", clean)):
        raise CellError(f"不是坐标 / not a coordinate: {text!r} (例如 e.g. 113.6601, 113°39′36.4″)")
    minutes = float(match.group("min") or 0)
    seconds = float(match.group("sec") or 0)
    if minutes >= 60 or seconds >= 60:
        raise CellError(f"分或秒超过60 / minutes or seconds of 60 or more: {text!r}")
    value = float(match.group("deg")) + minutes / 60 + seconds / 3600
    return _signed(value, match.group("hemi1") or match.group("hemi2"))


def _signed(value: float, hemisphere: str | None) -> float:
    if hemisphere and hemisphere.upper() in ("S", "W", "西经", "南纬"):
        return -value
    return value


@lru_cache(maxsize=65536)
def read_pair(text: str) -> tuple[float, float]:
    """Longitude and latitude from one cell holding both, in either order.

    Raises
    ------
    CellError
        When the cell does not hold two coordinates, or neither could be a longitude in China.
    """
    clean = halfwidth(text).strip().strip("()[]（）")
    parts = [p for p in _PAIR_SPLIT.split(clean) if p.strip()]
    if len(parts) != 2:
        raise CellError(f"需要“经度,纬度”两个数 / expected two coordinates 'lon,lat': {text!r}")
    a, b = (read_degrees(p) for p in parts)
    hemis = [re.match(r"\s*([NSns北南]|[EWew东西])", p) for p in parts]
    if hemis[0] and hemis[0].group(1).upper() in ("N", "S", "北", "南"):
        return b, a
    if hemis[1] and hemis[1].group(1).upper() in ("E", "W", "东", "西"):
        return b, a
    if abs(a) <= 60 < abs(b):  # latitude first: in China latitudes are below 54°
        return b, a
    return a, b


def finite(value: float) -> bool:
    return math.isfinite(value)


# Words ledgers use for services, besides the codes and their Chinese names.
SERVICE_WORDS: dict[str, tuple[str, ...]] = {
    "drinking_water": ("饮水", "饮用水", "直饮水", "纯净水", "饮水机", "喝水", "茶水", "开水", "凉白开",
                       "免费饮水", "water", "drinking water"),
    "hot_water": ("热水", "热水器", "开水"),
    "food_heating": ("微波炉", "加热", "热饭", "饭菜加热", "加热饭菜", "热菜", "电磁炉"),
    "toilet": ("厕所", "卫生间", "洗手间", "如厕", "公厕", "toilet", "wc"),
    "rest_area": ("休息", "休息区", "休息室", "座椅", "桌椅", "歇脚", "休息座椅", "沙发", "歇息", "小憩",
                  "seat", "seats", "rest"),
    "air_conditioning": ("空调", "纳凉", "降温", "避暑", "防暑降温", "冷气", "ac"),
    "heating": ("取暖", "暖气", "避寒", "供暖"),
    "first_aid": ("药箱", "急救", "急救箱", "医药箱", "应急药品", "药品", "常用药品", "应急药箱", "创可贴",
                  "医疗箱", "first aid", "first_aid"),
    "phone_charging": ("充电", "手机充电", "充电宝", "充电器", "充电设备", "插座", "电动车充电",
                       "charging"),
    "wifi": ("无线网络", "无线网", "网络", "wifi", "免费wifi", "wi-fi", "wlan"),
    "reading": ("阅读", "书报", "图书", "报刊", "书籍", "书架", "读书", "报纸", "杂志", "书刊"),
    "parking": ("停车", "停车场", "停车位", "车位"),
    "truck_parking": ("货车停车", "大车停车", "货车车位", "货车停车位", "大车车位", "停车区"),
    "shower": ("淋浴", "洗澡", "沐浴", "热水澡", "浴室"),
    "laundry": ("洗衣", "洗衣机", "洗衣房", "烘干"),
    "meals": ("餐饮", "用餐", "就餐", "餐食", "食堂", "快餐", "热饭热菜", "吃饭", "简餐"),
    "lodging": ("住宿", "床位", "休息床", "客房", "睡觉"),
    "security": ("安保", "监控", "保安", "治安", "安防"),
    "repair": ("维修", "修车", "汽修", "车辆维修", "补胎", "打气", "打气筒", "维修工具", "工具箱"),
}
_WORDS: dict[str, tuple[str, ...]] = {}
for _code, _words in SERVICE_WORDS.items():
    for _w in _words:
        _WORDS[_w.lower()] = (*_WORDS.get(_w.lower(), ()), _code)
for _alias, _code in SERVICE_ALIASES.items():
    _WORDS.setdefault(_alias.lower(), (_code,))
_WORDS["冷热水"] = ("drinking_water", "hot_water")
_WORDS["冷热饮水"] = ("drinking_water", "hot_water")
_BY_LENGTH = sorted(_WORDS, key=len, reverse=True)
_SPLIT = re.compile(r"[;；,，、|/\\\n\r\t。.]+|\s{2,}|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|及|和|与|以及")
_FILLER = re.compile(r"^(提供|配备|配有|设有|设置|拥有|具备|可|可以|免费|有)+|(服务|设施|设备|功能|等|等服务|等设施)+$")
_NEGATED = re.compile(r"^(无|不|暂无|没有|未|暂不)")
_CAPACITY = re.compile(r"(\d+)\s*(个|辆|台)?\s*(车位|停车位)?")


@lru_cache(maxsize=65536)
def read_services(text: str | None) -> tuple[tuple[str, ...], int | None, tuple[str, ...]]:
    """Service codes in a sentence or a code list, the truck spaces, and unknown words.

    Returns
    -------
    codes : tuple of str
        In vocabulary order.
    capacity : int or None
        Truck parking spaces (``truck_parking:40``, ``货车停车位40个``).
    unknown : tuple of str
        Words that match no service (to be reported as warnings).
    """
    if not text:
        return (), None, ()
    codes: set[str] = set()
    capacity = None
    unknown: list[str] = []
    for raw in _SPLIT.split(halfwidth(text)):
        token = raw.strip()
        if not token:
            continue
        base, cap = split_capacity(token)
        if base in SERVICES:
            codes.add(base)
            capacity = cap if cap is not None else capacity
            continue
        found, spaces = _match_words(token)
        if not found:
            unknown.append(token)
            continue
        codes.update(found)
        if "truck_parking" in found and spaces is not None:
            capacity = spaces
    return tuple(c for c in SERVICE_CODES if c in codes), capacity, tuple(unknown)


def _match_words(token: str) -> tuple[set[str], int | None]:
    """Codes named in one word or phrase (``提供免费饮水``, ``货车停车位40个``)."""
    if _NEGATED.match(token):
        return set(), None
    word = _FILLER.sub("", token).strip().lower() or token.lower()
    if word in _WORDS:
        codes = set(_WORDS[word])
    else:
        codes = set()
        rest = word
        for known in _BY_LENGTH:  # longest first, each part of the phrase used once
            if len(known) >= 2 and known in rest:
                codes.update(_WORDS[known])
                rest = rest.replace(known, " ")
        if not codes or re.search(r"[\u4e00-\u9fffa-z]{3,}", _FILLER.sub("", rest.replace(" ", ""))):
            return (set(), None) if not codes else (codes, None)
    spaces = None
    if "truck_parking" in codes:
        number = _CAPACITY.search(word)
        spaces = int(number.group(1)) if number else None
    return codes, spaces
