from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stations.core.hours import HoursError, hours_now, parse_hours

CN = ZoneInfo("Asia/Shanghai")
# 2026-11-23 is a Monday
MON_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CN)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param("24/7", "24/7", id="always"),
        pytest.param("24小时", "24/7", id="zh-24h"),
        pytest.param("00:00-24:00", "24/7", id="whole-day"),
        pytest.param("08:00-20:00", "08:00-20:00", id="every-day"),
        pytest.param("Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00", "Mo-Fr 08:00-20:00; Sa,Su 09:00-17:00",
                     id="weekday-weekend"),
        pytest.param("周一至周五 08:30-12:00,13:00-17:30", "Mo-Fr 08:30-12:00,13:00-17:30",
                     id="zh-days-two-spans"),
        pytest.param("Tu,Th 09:00-24:00", "Tu,Th 09:00-24:00", id="until-midnight"),
        pytest.param("  08：00-20：00 ", "08:00-20:00", id="fullwidth-colon"),
    ],
)
def test_hours_parse_to_a_canonical_text_that_reparses(text: str, canonical: str) -> None:
    hours = parse_hours(text)
    assert str(hours) == canonical
    assert str(parse_hours(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "when", "expected"),
    [
        pytest.param("Mo-Fr 08:00-20:00", MON_10, True, id="weekday-open"),
        pytest.param("Mo-Fr 08:00-20:00", datetime(2026, 11, 22, 10, 0, tzinfo=CN), False,
                     id="sunday-closed"),
        pytest.param("Mo-Fr 08:00-20:00", datetime(2026, 11, 23, 20, 0, tzinfo=CN), False,
                     id="end-is-exclusive"),
        pytest.param("22:00-06:00", datetime(2026, 11, 23, 2, 30, tzinfo=CN), True,
                     id="overnight-after-midnight"),
        pytest.param("Sa 22:00-06:00", datetime(2026, 11, 22, 5, 0, tzinfo=CN), True,
                     id="overnight-spills-into-sunday"),
        pytest.param("Mo 22:00-06:00", datetime(2026, 11, 23, 5, 0, tzinfo=CN), False,
                     id="overnight-belongs-to-its-start-day"),
        pytest.param("08:30-12:00,13:00-17:30", datetime(2026, 11, 23, 12, 30, tzinfo=CN), False,
                     id="lunch-break"),
        # 02:30 UTC on Monday is 10:30 in China: open
        pytest.param("Mo-Fr 08:00-20:00", datetime(2026, 11, 23, 2, 30, tzinfo=ZoneInfo("UTC")),
                     True, id="utc-converted-to-china-time"),
        pytest.param("24/7", MON_10, True, id="always-open"),
    ],
)
def test_open_now_is_judged_in_china_time(text: str, when: datetime, expected: bool) -> None:
    hours = parse_hours(text)
    assert hours is not None
    assert hours.is_open(when) is expected


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_hours_are_unknown(blank: str | None) -> None:
    assert parse_hours(blank) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("25:00-26:00", "invalid time", id="hour-too-big"),
        pytest.param("08:61-09:00", "invalid time", id="minute-too-big"),
        pytest.param("08:00-08:00", "start equals end", id="empty-range"),
        pytest.param("Xx 08:00-09:00", "unknown day", id="bad-day"),
        pytest.param("工作日开放", "unreadable", id="prose"),
        pytest.param("与银行营业时间一致", "unreadable", id="same-as-host"),
    ],
)
def test_bad_hours_are_refused_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(HoursError, match=fragment):
        parse_hours(text)


# --- open or closed now, and when that changes ------------------------------------------

TUE = datetime(2026, 11, 24, tzinfo=CN)  # a Tuesday


def at(day: datetime, hh: int, mm: int = 0) -> datetime:
    return day.replace(hour=hh, minute=mm)


@pytest.mark.parametrize(
    ("text", "when", "expected"),
    [
        pytest.param("24/7", at(TUE, 3), {"state": "always"}, id="always"),
        pytest.param("Mo-Su 00:00-12:00,12:00-24:00", at(TUE, 3), {"state": "always"},
                     id="whole-week-in-pieces-is-always"),
        pytest.param("08:00-18:30", at(TUE, 10), {
            "state": "open", "closes_at": "18:30", "day_offset": 0, "weekday": 1,
            "minutes": 510}, id="open-closes-today"),
        pytest.param("08:00-18:30", at(TUE, 19), {
            "state": "closed", "opens_at": "08:00", "day_offset": 1, "weekday": 2,
            "minutes": 13 * 60}, id="closed-opens-tomorrow"),
        pytest.param("08:00-18:30", at(TUE, 6, 15), {
            "state": "closed", "opens_at": "08:00", "day_offset": 0, "minutes": 105},
            id="closed-opens-later-today"),
        pytest.param("Mo-Fr 09:00-17:00", datetime(2026, 11, 27, 18, 0, tzinfo=CN), {
            "state": "closed", "opens_at": "09:00", "day_offset": 3, "weekday": 0},
            id="friday-evening-opens-monday"),
        pytest.param("22:00-06:00", at(TUE, 23), {
            "state": "open", "closes_at": "06:00", "day_offset": 1, "weekday": 2},
            id="overnight-closes-tomorrow"),
        pytest.param("Tu,Th 09:00-24:00", at(TUE, 20), {
            "state": "open", "closes_at": "24:00", "day_offset": 0, "weekday": 1,
            "minutes": 240}, id="closes-at-midnight-is-24:00-today"),
        pytest.param("08:30-12:00,13:00-17:30", at(TUE, 12, 30), {
            "state": "closed", "opens_at": "13:00", "day_offset": 0}, id="lunch-break"),
        pytest.param("Mo-Fr 08:00-20:00", datetime(2026, 11, 24, 2, 30, tzinfo=ZoneInfo("UTC")),
                     {"state": "open", "closes_at": "20:00", "day_offset": 0},
                     id="utc-moment-in-china-time"),
        pytest.param("Mo-Fr 08:00-20:00", datetime(2026, 11, 24, 21, 0), {
            "state": "closed", "opens_at": "08:00", "day_offset": 1}, id="naive-is-china-time"),
        pytest.param("Su 20:00-24:00; Mo 00:00-02:00", datetime(2026, 11, 29, 21, 0, tzinfo=CN),
                     {"state": "open", "closes_at": "02:00", "day_offset": 1, "weekday": 0},
                     id="open-across-the-week-boundary"),
    ],
)
def test_hours_now_says_the_state_and_the_next_change(text: str, when: datetime,
                                                      expected: dict[str, object]) -> None:
    now = hours_now(parse_hours(text), when).to_dict()
    assert {k: now[k] for k in expected} == expected
    if expected["state"] != "always":
        assert parse_hours(text).is_open(when) is (expected["state"] == "open")  # type: ignore[union-attr]


def test_unknown_hours_say_unknown() -> None:
    assert hours_now(None, MON_10).to_dict() == {
        "state": "unknown", "opens_at": None, "closes_at": None, "day_offset": None,
        "weekday": None, "minutes": None}


@pytest.mark.parametrize("text", ["08:00-18:30", "Mo-Fr 09:00-17:00; Sa 10:00-12:00",
                                  "22:00-06:00", "Su 20:00-24:00; Mo 00:00-02:00", "24/7"])
def test_week_spans_cover_exactly_the_open_minutes(text: str) -> None:
    hours = parse_hours(text)
    assert hours is not None
    spans = hours.week_spans()
    covered = {m for start, end in spans for m in range(start, end)}
    assert covered == {m for m in range(7 * 1440)
                       if hours.is_open(MON_10.replace(hour=0) + timedelta(minutes=m))}
    assert list(spans) == sorted(spans) and all(0 <= s < e <= 7 * 1440 for s, e in spans)
