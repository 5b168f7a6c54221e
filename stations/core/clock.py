"""Time in one place: UTC for storage, China time (Asia/Shanghai) for people.

Stored times are UTC; SQLite hands them back naive, so :func:`aware_utc` restores the
zone. Opening hours, "open now" and dates shown to people are in China time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from stations.errors import InvalidInput

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def aware_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def as_china(value: datetime) -> datetime:
    """The same moment in China time."""
    return aware_utc(value).astimezone(CHINA_TZ)


def china_now() -> datetime:
    """The current time in China."""
    return datetime.now(CHINA_TZ)


def china_time(now: Any) -> datetime:
    """``now`` as an aware datetime (naive: China time; ``None``: the current time)."""
    if now is None:
        return datetime.now(CHINA_TZ)
    if not isinstance(now, datetime):
        raise InvalidInput("now", f"必须是时间 / must be a datetime, not {now!r}")
    return now if now.tzinfo is not None else now.replace(tzinfo=CHINA_TZ)
