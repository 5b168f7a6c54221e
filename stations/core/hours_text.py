"""Opening hours as ledgers write them, rewritten to the strict form :mod:`stations.core.hours` reads.

What clerks write and what it becomes:

- dashes and words for "to" (``8:00—18:00``, ``8:30~17:30``, ``8点至18点``, ``8:00一18:00``
  typed with the IME's 一), Chinese numerals (``早八点至晚六点``), ``上午/下午/晚``, ``AM/PM``;
- labels with colons (``工作日：8:30-17:30``, ``营业时间：9:00-21:00``), ``每天``, ``每周一至周五``,
  ``周六、日``;
- ``24小时``, ``24H``, ``7×24``, ``全天``; ``次日`` in a range that runs past midnight
  (``18:00-次日6:00``; ``8:00-次日8:00`` is all day);
- remarks: a bracket of days only (``8:00-17:00(周一至周五)``) scopes the hours; days said
  to be closed (``周末休息``, ``周六、周日闭馆``) are taken out; other remarks in brackets or
  clauses (``（节假日除外）``, ``，法定节假日休息``) are returned, to be reported, never read as
  hours.
- placeholders for "nothing here" (``/``, ``无``, ``——``) mean unknown hours.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stations.core.vocab import PLACEHOLDERS

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_HOUR = re.compile(r"(?<![周期])([零〇一二两三四五六七八九十]{1,3})(?=\s*[点時时])")
_NEXT_DAY = "次日|翌日|第二天|隔日|隔天"
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl) for pattern, repl in (
        (r"[—–―‒−〜~～至到]+", "-"),
        (r"(\d{1,2})\s*[点時时]\s*半", r"\1:30"),
        (r"(\d{1,2})\s*[点時时]\s*(\d{1,2})\s*分?", r"\1:\2"),
        (r"(\d{1,2})\s*[点時时]", r"\1:00"),
        (r"(\d{1,2}):(\d{2}):\d{2}", r"\1:\2"),  # 08:00:00 from a spreadsheet time cell
        (r"(\d{1,2})\.(\d{2})(?=\s*-|\s*$)", r"\1:\2"),  # 8.30-17.30
        (r"(?<=\d)\s*一\s*(?=\d)", "-"),  # 8:00一18:00: the IME's 一 for a dash
        (r"7\s*[×xX*]\s*24\s*(小时|[hH])?|全天\s*24\s*小时|24\s*小时(营业|开放|服务)?|全天候?|24\s*[hH]"
         r"|通宵", "00:00-24:00"),
        (r"每(?=周|星期)|每天|每日|天天|全周|全年无休|全年|常年", ""),
        (r"工作日", "Mo-Fr"),
        (r"周末|双休日", "Sa-Su"),
        (r"(周|星期)六日", r"\1六、\1日"),
        (r"(周|星期)(一|二|三|四|五|六|日|天|七)\s*-\s*(周|星期)?", r"\1\2-\1"),
        (r"(开放|营业|服务|办公)(时间|时段)?", ""),
        (r"(?<=\d)\s*:\s*(?=\d)", ":"),
        (r"(?<!\d):|:(?!\d)", " "),  # a label's colon (上午：8:00), not a time's
    )
)
# 周一、三、五 → 周一、周三、周五
_DAY_LIST = re.compile(r"(周|星期)([一二三四五六日天七])(\s*[、,，和及与]\s*)(?=[一二三四五六日天七](?![点时]))")
_AMPM_BEFORE = re.compile(r"(?<![a-z])(am|pm|a\.m\.|p\.m\.)\s*(\d{1,2})(?::(\d{2}))?", re.IGNORECASE)
_AMPM_AFTER = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])", re.IGNORECASE)
_OVERNIGHT = re.compile(rf"(\d{{1,2}}):(\d{{2}})\s*-\s*(?:{_NEXT_DAY})\s*(?:凌晨|早上|早晨|上午|早)?\s*"
                        r"(\d{1,2}):(\d{2})")
_AFTERNOON = re.compile(r"(下午|晚上|傍晚|晚)\s*(\d{1,2}):(\d{2})(?:\s*-\s*(\d{1,2}):(\d{2}))?")
_MORNING = re.compile(rf"(上午|早上|早晨|清晨|凌晨|早|中午|{_NEXT_DAY})\s*(?=\d)")
_REMARK = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
_DAY = r"(?:周|星期)[一二三四五六日天七]"
_CLOSED = re.compile(
    rf"(?P<days>{_DAY}(?:\s*[-~至到、,，和及与]\s*(?:{_DAY}|[一二三四五六日天七]))*|周末|双休日|"
    r"(?:国家)?(?:法定)?(?:节假日|节日|假日)(?:期间)?|春节(?:期间)?)\s*"
    r"(?:均|全天)?(?:休息|闭馆|休馆|闭站|不开放|关闭|除外|停止开放|暂停开放|不营业|停止服务)"
)
_DAYS_ONLY = re.compile(rf"^\s*(?:(?:每|逢)?{_DAY}|每天|每日|天天|[一二三四五六日天七]|工作日|周末|双休日"
                        r"|[\s\-~至到、,，和及与])+$")


def is_placeholder(text: str) -> bool:
    """Whether a cell says "nothing here" (``/``, ``无``, ``——``, ``暂无``)."""
    return text.translate(FULLWIDTH).strip().lower() in PLACEHOLDERS


@lru_cache(maxsize=4096)
def split_remark(text: str) -> tuple[str, str | None]:
    """Hours text without its remarks, and the remarks that are not hours
    (``8:00-18:00（节假日休息）`` → ``("8:00-18:00 ", "节假日休息")``).

    A bracket holding only days (``（周一至周五）``) is kept as hours, and days said to be
    closed (``周末休息``) are read by :func:`closed_days`: neither is returned as a remark.
    """
    main, _closed, remarks = split_hours_text(text)
    return main, ("；".join(remarks) or None)


@lru_cache(maxsize=4096)
def split_hours_text(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The hours proper, the days written as closed, and the remarks left over."""
    days_first: list[str] = []
    remarks: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if inner and _DAYS_ONLY.match(inner):
            days_first.append(inner)
        elif inner:
            remarks.append(inner)
        return " "

    main = _REMARK.sub(bracket, text)
    closed: list[str] = []

    def clause(match: re.Match[str]) -> str:
        days = match.group("days")
        if days.startswith(("周", "星期", "双休")):
            closed.append(days)
        else:
            remarks.append(match.group().strip())
        return " "

    main = _CLOSED.sub(clause, main)
    for remark in list(remarks):  # a bracket may say which days are closed: （周日休息）
        found = _CLOSED.fullmatch(remark)
        if found and found.group("days").startswith(("周", "星期", "双休")):
            remarks.remove(remark)
            closed.append(found.group("days"))
    if days_first:
        main = " ".join(days_first) + " " + main
    return main, tuple(closed), tuple(remarks)


def normalise(text: str) -> str:
    """Ledger hours (remarks already split off) in the strict form's vocabulary."""
    text = text.translate(FULLWIDTH)
    text = _ZH_HOUR.sub(lambda m: str(_zh_number(m.group(1))), text)
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    for _ in range(6):
        text, count = _DAY_LIST.subn(r"\1\2\3\1", text)
        if not count:
            break
    text = _AMPM_BEFORE.sub(lambda m: _ampm(m.group(2), m.group(3), m.group(1)), text)
    text = _AMPM_AFTER.sub(lambda m: _ampm(m.group(1), m.group(2), m.group(3)), text)
    text = _OVERNIGHT.sub(_overnight, text)
    text = _AFTERNOON.sub(_pm, text)
    return _MORNING.sub("", text).strip(" ,;、。")


def _zh_number(text: str) -> int:
    """``八`` → 8, ``十八`` → 18, ``二十`` → 20 (hours only)."""
    if "十" not in text:
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)


def _ampm(hour: str, minute: str | None, mark: str) -> str:
    h = int(hour)
    if mark.lower().startswith("p") and h < 12:
        h += 12
    elif mark.lower().startswith("a") and h == 12:
        h = 0
    return f"{h}:{minute or '00'}"


def _overnight(match: re.Match[str]) -> str:
    """``8:00-次日8:00`` is all day; ``18:00-次日6:00`` runs past midnight as written."""
    start, end = (int(match.group(1)), int(match.group(2))), (int(match.group(3)), int(match.group(4)))
    if start == end:
        return "00:00-24:00"
    return f"{match.group(1)}:{match.group(2)}-{match.group(3)}:{match.group(4)}"


def _pm(match: re.Match[str]) -> str:
    """``下午2:00-5:30`` → ``14:00-17:30``; ``晚6点`` → ``18:00``."""
    hour = int(match.group(2))
    start = hour + 12 if hour < 12 else hour
    text = f"{start}:{match.group(3)}"
    if match.group(4) is not None:
        end = int(match.group(4))
        text += f"-{end + 12 if end < 12 and end + 12 > start else end}:{match.group(5)}"
    return text
