"""Structured opening hours and "open now" in China's time zone.

The text form is a small, strict subset of OpenStreetMap's ``opening_hours``:
``24/7``; ``08:00-20:00`` (every day); ``Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00``;
overnight ranges such as ``Mo-Su 22:00-06:00`` run into the next day. What ledgers
write (``8:00—18:00``, ``全天``, ``周一至周日 8点-18点`` ...) is read into that form by
:func:`parse_hours`.

:func:`hours_now` says what a person wants to know at a moment: open or closed, and
when that changes ("营业中 · 18:30 打烊", "已打烊 · 明天 08:00 开门"), in China time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from stations.core.clock import CHINA_TZ
from stations.core.hours_text import is_placeholder, normalise, split_hours_text, split_remark

__all__ = ["HoursError", "HoursUnreadable", "OpeningHours", "canonical_hours", "parse_hours",
           "split_remark", "hours_now", "hours_at_minute", "minute_of_week", "HoursNow"]

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ALWAYS = {"24/7", "24小时", "24h", "全天", "全天候", "全天24小时", "00:00-24:00"}
_TIME = r"(\d{1,2}):(\d{2})"
_RANGE_RE = re.compile(rf"^{_TIME}\s*[-~–至]\s*{_TIME}$")
_MINUTES_PER_WEEK = 7 * 24 * 60


class HoursError(ValueError):
    """Opening hours that cannot be read."""


class HoursUnreadable(HoursError):
    """Text that is not opening hours at all (prose, days without times): a ledger
    import keeps the station with unknown hours and warns, rather than refusing it."""


@dataclass(frozen=True)
class Span:
    start_min: int
    end_min: int  # may be <= start_min: the range runs past midnight

    def __str__(self) -> str:
        end = "24:00" if self.end_min == 0 else _fmt(self.end_min)  # a whole day: 00:00-24:00
        return f"{_fmt(self.start_min)}-{end}"


@dataclass(frozen=True)
class Rule:
    days: frozenset[int]  # 0 = Monday
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class OpeningHours:
    rules: tuple[Rule, ...]
    always: bool = False

    def is_open(self, when: datetime | None = None) -> bool:
        """Whether the station is open at ``when`` (default: now), in China time."""
        if self.always:
            return True
        return minute_of_week(when) in self._open_minutes()

    def _open_minutes(self) -> frozenset[int]:
        return _open_minutes(self)

    def week_spans(self) -> tuple[tuple[int, int], ...]:
        """Open intervals as ``(start, end)`` minutes of the week (Monday 00:00 is 0,
        ``end`` exclusive, at most 10080), merged and sorted; an interval over Sunday
        midnight is split in two. ``((0, 10080),)`` when always open."""
        return _week_spans(self)

    def __str__(self) -> str:
        if self.always:
            return "24/7"
        parts = []
        for rule in self.rules:
            span = ",".join(str(s) for s in rule.spans)
            if len(rule.days) == 7:
                parts.append(span)
            else:
                parts.append(f"{_fmt_days(rule.days)} {span}")
        return "; ".join(parts)


def minute_of_week(when: datetime | None = None) -> int:
    """Minutes since Monday 00:00 in China time."""
    local = (when or datetime.now(CHINA_TZ)).astimezone(CHINA_TZ)
    return local.weekday() * 1440 + local.hour * 60 + local.minute


@lru_cache(maxsize=4096)
def _open_minutes(hours: OpeningHours) -> frozenset[int]:
    open_set: set[int] = set()
    for rule in hours.rules:
        for span in rule.spans:
            length = (span.end_min - span.start_min) % 1440 or 1440
            for day in rule.days:
                first = day * 1440 + span.start_min
                open_set.update((first + i) % _MINUTES_PER_WEEK for i in range(length))
    return frozenset(open_set)


@lru_cache(maxsize=4096)
def _week_spans(hours: OpeningHours) -> tuple[tuple[int, int], ...]:
    if hours.always:
        return ((0, _MINUTES_PER_WEEK),)
    minutes = sorted(_open_minutes(hours))
    spans: list[tuple[int, int]] = []
    for m in minutes:
        if spans and spans[-1][1] == m:
            spans[-1] = (spans[-1][0], m + 1)
        else:
            spans.append((m, m + 1))
    return tuple(spans)


@lru_cache(maxsize=4096)
def _changes(hours: OpeningHours) -> tuple[int, ...]:
    """The minutes of the week at which the station opens or closes, sorted."""
    spans = _week_spans(hours)
    if spans == ((0, _MINUTES_PER_WEEK),):
        return ()
    points = {p % _MINUTES_PER_WEEK for span in spans for p in span}
    # a span ending at Sunday 24:00 and one starting Monday 00:00 are one opening
    return tuple(sorted(p for p in points
                        if _is_open_at(spans, p) != _is_open_at(spans, p - 1)))


def _is_open_at(spans: tuple[tuple[int, int], ...], minute: int) -> bool:
    minute %= _MINUTES_PER_WEEK
    i = bisect_right(spans, (minute, _MINUTES_PER_WEEK)) - 1
    return i >= 0 and spans[i][0] <= minute < spans[i][1]


@dataclass(frozen=True)
class HoursNow:
    """Open or not at a moment, and the next change, in China time.

    ``state`` is ``always`` (open day and night), ``open``, ``closed`` or ``unknown`` (no
    hours recorded). For ``open``, ``closes_at`` is the local time of closing (``24:00``
    for midnight at the end of a day); for ``closed``, ``opens_at`` the time of opening.
    ``day_offset`` counts days from today (0 today, 1 tomorrow, ...) and ``weekday`` is
    the day of the change (0 = Monday); ``minutes`` is how long until then.
    """

    state: str
    opens_at: str | None = None
    closes_at: str | None = None
    day_offset: int | None = None
    weekday: int | None = None
    minutes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"state": self.state, "opens_at": self.opens_at, "closes_at": self.closes_at,
                "day_offset": self.day_offset, "weekday": self.weekday,
                "minutes": self.minutes}


UNKNOWN_HOURS = HoursNow("unknown")
ALWAYS_OPEN = HoursNow("always")


def hours_now(hours: OpeningHours | None, when: datetime | None = None) -> HoursNow:
    """Whether a station is open at ``when`` (default: now) and when that changes.

    Parameters
    ----------
    hours : OpeningHours or None
        Parsed hours; ``None`` means unknown.
    when : datetime, optional
        The moment; aware, or naive in China time.

    Returns
    -------
    HoursNow
    """
    if hours is None:
        return UNKNOWN_HOURS
    if hours.always:
        return ALWAYS_OPEN
    local = (when or datetime.now(CHINA_TZ))
    local = local.astimezone(CHINA_TZ) if local.tzinfo else local.replace(tzinfo=CHINA_TZ)
    return hours_at_minute(hours, minute_of_week(local))


@lru_cache(maxsize=65536)
def hours_at_minute(hours: OpeningHours, minute: int) -> HoursNow:
    """:func:`hours_now` at a minute of the week in China time (Monday 00:00 is 0)."""
    changes = _changes(hours)
    if not changes:
        return ALWAYS_OPEN if hours.always or _week_spans(hours) else UNKNOWN_HOURS
    is_open = _is_open_at(_week_spans(hours), minute)
    i = bisect_right(changes, minute)
    change = changes[i] if i < len(changes) else changes[0] + _MINUTES_PER_WEEK
    day_offset = change // 1440 - minute // 1440
    at = change % 1440
    if is_open and at == 0 and day_offset > 0:
        # closing at the end of a day is "24:00" of that day, not "00:00" of the next
        day_offset, at = day_offset - 1, 1440
    text = _fmt(at) if at < 1440 else "24:00"
    weekday = (minute // 1440 + day_offset) % 7
    return HoursNow(
        state="open" if is_open else "closed",
        opens_at=None if is_open else text,
        closes_at=text if is_open else None,
        day_offset=day_offset,
        weekday=weekday,
        minutes=change - minute,
    )


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _fmt_days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    runs: list[list[int]] = []
    for d in ordered:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(
        DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" if len(r) > 2
        else f"{DAYS[r[0]]},{DAYS[r[1]]}"
        for r in runs
    )


def _parse_day(token: str) -> int:
    token = token.strip()
    if token in DAYS:
        return DAYS.index(token)
    zh = token.removeprefix("周").removeprefix("星期")
    if zh in _ZH_DAYS:
        return _ZH_DAYS[zh]
    raise HoursError(f"无法识别的星期 / unknown day: {token!r}")


def _parse_days(text: str) -> frozenset[int]:
    bounds = [b for b in re.split(r"\s*-\s*", text.strip()) if b]
    if len(bounds) == 1:
        return frozenset({_parse_day(bounds[0])})
    a, b = _parse_day(bounds[0]), _parse_day(bounds[-1])
    days = {a}
    while a != b:
        a = (a + 1) % 7
        days.add(a)
    return frozenset(days)


def _parse_time(h: str, m: str, text: str, *, end: bool) -> int:
    hour, minute = int(h), int(m)
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        raise HoursError(f"时间无效 / invalid time in {text!r}")
    return (hour * 60 + minute) % 1440 if not end else hour * 60 + minute


def _parse_span(span: str, text: str) -> Span:
    times = _RANGE_RE.match(span.strip())
    if times is None:
        raise HoursUnreadable(f"无法识别的时间段 / unreadable time range {span!r} in {text!r}")
    start = _parse_time(times.group(1), times.group(2), text, end=False)
    end = _parse_time(times.group(3), times.group(4), text, end=True)
    if start == end:
        raise HoursError(f"开始与结束时间相同 / start equals end in {text!r}")
    return Span(start, end % 1440)


_TOKEN = re.compile(
    rf"(?P<span>{_TIME}\s*-\s*{_TIME})"
    r"|(?P<days>(?:(?:周|星期)[一二三四五六日天七]|Mo|Tu|We|Th|Fr|Sa|Su)"
    r"(?:\s*-\s*(?:(?:周|星期)[一二三四五六日天七]|Mo|Tu|We|Th|Fr|Sa|Su))?)"
    r"|(?P<sep>[\s,，、;；/和及。]+)"
)


def _parse_rules(text: str, original: str) -> tuple[Rule, ...]:
    """Day groups and time ranges, in the order written: days open a rule, spans fill it."""
    rules: list[tuple[set[int], list[Span]]] = []
    days: set[int] = set()
    spans: list[Span] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            rest = text[pos:].strip()
            word = re.match(r"[A-Za-z]+", rest)
            if word and re.search(_TIME, rest):
                raise HoursError(f"无法识别的星期 / unknown day: {word.group()!r} in {original!r}")
            raise HoursUnreadable(
                f"无法识别的开放时间 / unreadable opening hours: {original!r} "
                "(例如 e.g. '24/7', '8:00-18:00', '周一至周五 8:30-17:30')"
            )
        pos = match.end()
        if match.lastgroup == "days":
            if spans:  # days after times: a new rule
                rules.append((days, spans))
                days, spans = set(), []
            days |= _parse_days(match.group())
        elif match.lastgroup == "span":
            spans.append(_parse_span(match.group(), original))
    if days and not spans:
        raise HoursUnreadable(
            f"无法识别的开放时间：只有日期没有时间 / unreadable opening hours: days without times: "
            f"{original!r} (例如 e.g. '周一至周日 8:00-18:00')"
        )
    if spans:
        rules.append((days, spans))
    return tuple(Rule(frozenset(d) if d else frozenset(range(7)), tuple(s)) for d, s in rules)


@lru_cache(maxsize=4096)
def parse_hours(text: str | None) -> OpeningHours | None:
    """Parse opening hours; ``None`` or blank means unknown.

    Besides the strict form, reads what ledgers write: ``8:00—18:00``, ``8:30~17:30``,
    ``8点-18点``, ``下午2点半``, ``全天``, ``24小时``, ``7×24小时``, ``每天``, ``工作日``,
    ``周一至周日 8:00-18:00``, ``周一至周五8:00-18:00，周六、周日9:00-17:00``, full-width
    digits. Bracketed remarks are not read (see :func:`split_remark`).

    Raises
    ------
    HoursUnreadable
        When the text is not hours at all, or names days without times.
    HoursError
        When it is hours but impossible (``25:00``, start equals end, an unknown day).
    """
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.replace(" ", "") in _ALWAYS:
        return OpeningHours(rules=(), always=True)
    if is_placeholder(stripped):
        return None
    main, closed, _remarks = split_hours_text(stripped)
    rules = _without_days(_parse_rules(normalise(main), stripped), _closed_days(closed, stripped))
    if not rules:
        raise HoursUnreadable(f"无法识别的开放时间 / unreadable opening hours: {text!r}")
    if all(len(r.days) == 7 for r in rules) and any(
            s.start_min == 0 and s.end_min == 0 for r in rules for s in r.spans):
        return OpeningHours(rules=(), always=True)
    return OpeningHours(rules=_merge(rules))


def _closed_days(texts: tuple[str, ...], original: str) -> frozenset[int]:
    """The days a ledger says are closed (``周末休息``, ``周六、周日闭馆``)."""
    days: set[int] = set()
    for text in texts:
        for match in _TOKEN.finditer(normalise(text)):
            if match.lastgroup == "days":
                days |= _parse_days(match.group())
    return frozenset(days)


def _without_days(rules: tuple[Rule, ...], closed: frozenset[int]) -> tuple[Rule, ...]:
    if not closed:
        return rules
    kept = (Rule(r.days - closed, r.spans) for r in rules)
    return tuple(r for r in kept if r.days)


def _merge(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Rules with the same days written apart (周一-周五 8:00-12:00, 周一-周五 14:00-18:00) as one."""
    merged: dict[frozenset[int], list[Span]] = {}
    for rule in rules:
        merged.setdefault(rule.days, []).extend(rule.spans)
    return tuple(Rule(days, tuple(spans)) for days, spans in merged.items())


@lru_cache(maxsize=4096)
def canonical_hours(text: str | None) -> str | None:
    """The canonical text of opening hours (``None`` when blank); raises HoursError."""
    hours = parse_hours(text)
    return None if hours is None else str(hours)
