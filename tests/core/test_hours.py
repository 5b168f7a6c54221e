from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from stations.core.hours import HoursError, parse_hours

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
        pytest.param("8am-5pm", "unreadable", id="am-pm"),
    ],
)
def test_bad_hours_are_refused_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(HoursError, match=fragment):
        parse_hours(text)
