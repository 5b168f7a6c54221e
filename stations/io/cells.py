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
from datetime import date, timedelta
from functools import lru_cache

from stations.core.hours_text import is_placeholder
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
_PLAIN_PAIR = re.compile(r"\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，]\s*(-?\d{1,3}(?:\.\d+)?)\s*")
_STRONG_SPLIT = re.compile(r"\s*[,，;；/|、]\s*")
# A label before a number (经度：113.6, lng=113.6, 东经：113.6) says which axis it is.
_LABEL = re.compile(r"(?P<label>经度|纬度|东经|西经|北纬|南纬|longitude|latitude|lng|lon|lat)\s*[:=]?\s*",
                    re.IGNORECASE)
_AXIS_OF_LABEL = {"经度": "E", "longitude": "E", "lng": "E", "lon": "E", "纬度": "N", "latitude": "N",
                  "lat": "N"}


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
    try:
        return float(text)  # the common case, before any rewriting
    except ValueError:
        pass
    clean = _coordinate_text(text)
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


def _coordinate_text(text: str) -> str:
    """Half-width, labels as hemispheres (``经度：113.6`` → ``E113.6``), ``113。6`` → ``113.6``,
    no trailing full stop."""
    clean = halfwidth(text).replace("º", "°").replace("˚", "°")
    clean = re.sub(r"(?<=\d)。(?=\d)", ".", clean)
    clean = _LABEL.sub(lambda m: _AXIS_OF_LABEL.get(m.group("label").lower(), m.group("label")), clean)
    return clean.strip().rstrip("。.").strip()


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
    plain = _PLAIN_PAIR.fullmatch(text)
    if plain:  # the common case, "113.6601,34.7786": no rewriting, no hemispheres
        a, b = float(plain.group(1)), float(plain.group(2))
        return (b, a) if abs(a) <= 60 < abs(b) else (a, b)
    clean = _coordinate_text(text).strip("()[]（）").strip()
    parts = [p for p in _STRONG_SPLIT.split(clean) if p.strip()]
    if len(parts) != 2:  # no comma: split on spaces and hemispheres (东经113°37′ 北纬34°45′)
        parts = [p for p in _PAIR_SPLIT.split(clean) if p.strip()]
    if len(parts) != 2:
        raise CellError(f"需要“经度,纬度”两个数 / expected two coordinates 'lon,lat': {text!r}")
    try:
        a, b = (read_degrees(p) for p in parts)
    except CellError as exc:
        raise CellError(f"{exc}; 单元格 / in the cell {text!r}") from None
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
    "hot_water": ("热水", "热水器", "开水", "电水壶", "烧水壶", "热水壶"),
    "food_heating": ("微波炉", "加热", "热饭", "饭菜加热", "加热饭菜", "热菜", "电磁炉"),
    "toilet": ("厕所", "卫生间", "洗手间", "如厕", "公厕", "toilet", "wc"),
    "rest_area": ("休息", "休息区", "休息室", "座椅", "桌椅", "歇脚", "休息座椅", "沙发", "歇息", "小憩",
                  "seat", "seats", "rest"),
    "air_conditioning": ("空调", "纳凉", "降温", "避暑", "防暑降温", "冷气", "ac"),
    "heating": ("取暖", "暖气", "避寒", "供暖"),
    "first_aid": ("药箱", "急救", "急救箱", "医药箱", "应急药品", "药品", "常用药品", "应急药箱", "创可贴",
                  "医疗箱", "用药", "first aid", "first_aid"),
    "phone_charging": ("充电", "手机充电", "充电宝", "充电器", "充电设备", "插座", "电动车充电",
                       "用电可充", "charging"),
    "wifi": ("无线网络", "无线网", "网络", "wifi", "免费wifi", "wi-fi", "wlan"),
    "reading": ("阅读", "书报", "图书", "报刊", "书籍", "书架", "读书", "报纸", "杂志", "书刊", "书屋",
                "读报", "阅览"),
    "parking": ("停车", "停车场", "停车位", "车位"),
    "truck_parking": ("货车停车", "大车停车", "货车车位", "货车停车位", "大车车位", "停车区"),
    "shower": ("淋浴", "洗澡", "沐浴", "热水澡", "浴室", "洗浴"),
    "laundry": ("洗衣", "洗衣机", "洗衣房", "烘干"),
    "meals": ("餐饮", "用餐", "就餐", "餐食", "食堂", "快餐", "热饭热菜", "吃饭", "简餐", "餐厅"),
    "lodging": ("住宿", "床位", "休息床", "客房", "睡觉", "床铺", "宿舍"),
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
# List numbers (1.饮水 2.充电, 1、饮水, (1)饮水, ①饮水): separators, never words.
_LIST_NUMBER = re.compile(r"(?:^|(?<=[\s;；,，、。]))\d{1,2}\s*[.、．)）]\s*(?=\D)|[(（]\d{1,2}[)）]|[①-⑳]")
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
    if not text or is_placeholder(text):
        return (), None, ()
    codes: set[str] = set()
    capacity = None
    unknown: list[str] = []
    for raw in _SPLIT.split(_LIST_NUMBER.sub("；", halfwidth(text))):
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


# -- other cells: blanks, line breaks, phones, counts, dates ----------------------------
# Pure functions of the cell text (memoised per unique value by the import's fast path).

_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f\u2028\u2029]+\s*")
_DASHES = str.maketrans({c: "-" for c in "－—–―‒−﹣"})
_PHONE = re.compile(r"^[0-9+\-() *转#,;/、]{3,64}$")
_PHONE_NUMBER = re.compile(r"\+?[0-9(][0-9()\- ]{5,}[0-9](?:\s*(?:转|-|#)\s*\d{1,6})?")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
_COUNT = re.compile(r"^\D{0,8}?(\d+)(?:\.0+)?\s*\D{0,6}$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T ].*)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def blank_cell(text: str) -> bool:
    """Whether a cell says "nothing here" (``/``, ``无``, ``——``, ``暂无``, ``待定``): read it as
    empty (an unlocated station for coordinates, no phone, unknown hours)."""
    return is_placeholder(text)


def one_line(text: str) -> str:
    """A cell typed with line breaks (Alt+Enter in Excel) as one line: each break and the
    spaces around it become one space (``郑州市金水区花园路1号\\n（工商银行一楼）``)."""
    return _LINE_BREAKS.sub(" ", text).strip()


_NOT_TICKED = frozenset({"否", "不", "没", "不是", "未", "未配备", "未设置", "无此项", "×", "✗", "✘", "x", "n",
                         "no", "false", "0", "○"})


@lru_cache(maxsize=4096)
def ticked(text: str) -> bool:
    """Whether a cell under a facility column (饮水 | 微波炉 | ...) says the station has it:
    ``√``, ``✓``, ``有``, ``是``, ``1``, ``2台`` do; blank, ``×``, ``无``, ``否``, ``0``, ``/`` do not."""
    clean = halfwidth(text).strip().lower()
    return bool(clean) and not is_placeholder(clean) and clean not in _NOT_TICKED


@lru_cache(maxsize=65536)
def read_phone(text: str) -> tuple[str, str | None]:
    """A phone cell as the number(s) it holds, and any other words in it (a contact's name).

    ``0371－63251234`` → ``("0371-63251234", None)``; ``王师傅 13903711234`` →
    ``("13903711234", "王师傅")``; a placeholder (``无``, ``/``) → ``("", None)``.

    Raises
    ------
    CellError
        When the cell holds no phone number, or Excel has turned it into scientific
        notation (``1.38123E+10``), which has lost its last digits.
    """
    clean = halfwidth(text).translate(_DASHES).replace("＊", "*").strip()
    if not clean or is_placeholder(clean):
        return "", None
    if _SCIENTIFIC.match(clean):
        raise CellError(f"电话号码被 Excel 存成了科学计数法，后几位已丢失 / Excel stored the phone number "
                        f"in scientific notation and lost its last digits: {text!r}; 请把该列设为文本后重新填写 "
                        "/ format the column as text and type the numbers again")
    if _PHONE.match(clean) and re.search(r"\d", clean):
        return clean, None
    numbers = [m.group().strip() for m in _PHONE_NUMBER.finditer(clean)
               if sum(ch.isdigit() for ch in m.group()) >= 5]
    if not numbers:
        raise CellError(f"电话号码无效 / not a phone number: {text!r}")
    rest = _PHONE_NUMBER.sub(" ", clean)
    words = " ".join(w for w in re.split(r"[\s,，;；:：/、()（）]+", rest) if w)
    return "、".join(numbers), words or None


@lru_cache(maxsize=4096)
def read_count(text: str) -> int:
    """A whole number written with its unit or a hedge: ``40``, ``40.0``, ``４０``, ``40个``,
    ``50辆``, ``约50``, ``大车位30个``.

    Raises
    ------
    CellError
        When the cell holds no number, several (``30-40个``), or a fraction.
    """
    clean = halfwidth(text).strip()
    match = _COUNT.match(clean)
    if match is None or clean.startswith("-"):
        raise CellError(f"不是非负整数 / not a whole number ≥ 0: {text!r}")
    return int(match.group(1))


@lru_cache(maxsize=4096)
def read_date(text: str) -> date:
    """A date as ledgers write it: ``2024-03-01``, ``2024-3-1``, ``2024/3/1``, ``2024.3.1``,
    ``2024年3月1日``, ``20240301``, with a time after it or not, or an Excel day number
    (``45352``) from a date column saved as text.

    Raises
    ------
    CellError
        When it is not a date, names no day (``2024年3月``) or an impossible one (``2024-02-30``).
    """
    clean = halfwidth(text).strip()
    match = _DATE.match(clean) or re.match(r"^(\d{4})(\d{2})(\d{2})$", clean)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if re.fullmatch(r"\d{5}(?:\.0+)?", clean) and 20000 <= float(clean) <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(float(clean)))
    except ValueError:
        raise CellError(f"日期不存在 / no such date: {text!r}") from None
    if _MONTH.match(clean):
        raise CellError(f"日期缺少日 / the date names no day: {text!r} (例如 e.g. 2024-03-01)")
    raise CellError(f"日期无效 / not a date (YYYY-MM-DD): {text!r}")
