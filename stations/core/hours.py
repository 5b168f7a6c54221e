"""Structured opening hours and "open now" in China's time zone.

The text form is a small, strict subset of OpenStreetMap's ``opening_hours``:
``24/7``; ``08:00-20:00`` (every day); ``Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00``;
overnight ranges such as ``Mo-Su 22:00-06:00`` run into the next day. Chinese
ledgers often write ``24小时`` or ``全天``, and days as ``周一至周五``; both are read.

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

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ALWAYS = {"24/7", "24小时", "24h", "全天", "全天候", "全天24小时", "00:00-24:00"}
_TIME = r"(\d{1,2}):(\d{2})"
_RANGE_RE = re.compile(rf"^{_TIME}\s*[-~–至]\s*{_TIME}$")
_MINUTES_PER_WEEK = 7 * 24 * 60


class HoursError(ValueError):
    """Opening hours that cannot be read."""


@dataclass(frozen=True)
class Span:
    start_min: int
    end_min: int  # may be <= start_min: the range runs past midnight

    def __str__(self) -> str:
        end = "24:00" if self.end_min == 0 and self.start_min else _fmt(self.end_min)
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
    days: set[int] = set()
    for part in re.split(r"[,，、]", text):
        bounds = re.split(r"\s*(?:-|至|到|~)\s*", part.strip())
        if len(bounds) == 1:
            days.add(_parse_day(bounds[0]))
        elif len(bounds) == 2:
            a, b = _parse_day(bounds[0]), _parse_day(bounds[1])
            d = a
            while True:
                days.add(d)
                if d == b:
                    break
                d = (d + 1) % 7
        else:
            raise HoursError(f"无法识别的星期范围 / bad day range: {part!r}")
    return frozenset(days)


def _parse_time(h: str, m: str, text: str, *, end: bool) -> int:
    hour, minute = int(h), int(m)
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        raise HoursError(f"时间无效 / invalid time in {text!r}")
    return (hour * 60 + minute) % 1440 if not end else hour * 60 + minute


_SPAN = r"\d{1,2}:\d{2}\s*[-~–至]\s*\d{1,2}:\d{2}"
_RULE_RE = re.compile(rf"^(.*?)\s*({_SPAN}(?:\s*[,，、]\s*{_SPAN})*)$")


def _parse_span(span: str, text: str) -> Span:
    times = _RANGE_RE.match(span.strip())
    if times is None:
        raise HoursError(f"无法识别的时间段 / unreadable time range {span!r} in {text!r}")
    start = _parse_time(times.group(1), times.group(2), text, end=False)
    end = _parse_time(times.group(3), times.group(4), text, end=True)
    if start == end:
        raise HoursError(f"开始与结束时间相同 / start equals end in {text!r}")
    return Span(start, end % 1440)


def _parse_rule(text: str) -> Rule:
    text = text.strip()
    match = _RULE_RE.match(text)
    if not match:
        raise HoursError(
            f"无法识别的开放时间 / unreadable opening hours: {text!r} "
            "(例如 e.g. '24/7', 'Mo-Fr 08:00-20:00')"
        )
    day_text = match.group(1).strip()
    spans = tuple(_parse_span(p, text) for p in re.split(r"[,，、]", match.group(2)))
    days = _parse_days(day_text) if day_text else frozenset(range(7))
    return Rule(days=days, spans=spans)


@lru_cache(maxsize=4096)
def parse_hours(text: str | None) -> OpeningHours | None:
    """Parse opening hours; ``None`` or blank means unknown.

    Raises
    ------
    HoursError
        When the text cannot be read; the message says what was wrong.
    """
    if text is None:
        return None
    cleaned = text.strip().replace("：", ":").replace("；", ";")
    if not cleaned:
        return None
    if cleaned.replace(" ", "") in _ALWAYS:
        return OpeningHours(rules=(), always=True)
    rules = tuple(_parse_rule(part) for part in cleaned.split(";") if part.strip())
    if not rules:
        raise HoursError(f"无法识别的开放时间 / unreadable opening hours: {text!r}")
    if any(len(r.days) == 7 and s.start_min == 0 and s.end_min == 0
           for r in rules for s in r.spans):
        return OpeningHours(rules=(), always=True)
    return OpeningHours(rules=rules)


@lru_cache(maxsize=4096)
def canonical_hours(text: str | None) -> str | None:
    """The canonical text of opening hours (``None`` when blank); raises HoursError."""
    hours = parse_hours(text)
    return None if hours is None else str(hours)
