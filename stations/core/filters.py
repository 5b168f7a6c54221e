"""Checks of search filters and region codes shared by storage, search and coverage."""

from __future__ import annotations

from collections.abc import Sequence

from stations.core.vocab import KINDS, SERVICES, STATUSES
from stations.errors import InvalidInput


def check_filters(
    *, kind: str | None = None, services: Sequence[str] = (), status: str | None = None
) -> None:
    """Refuse unknown kinds, service codes and statuses, naming the parameter."""
    if kind and kind not in KINDS:
        raise InvalidInput("kind", f"未知类型 / unknown kind {kind!r}; 可选 / one of {', '.join(KINDS)}")
    for code in services:
        if code not in SERVICES:
            raise InvalidInput("service", f"未知服务代码 / unknown service code {code!r}")
    if status and status not in STATUSES:
        raise InvalidInput("status", f"未知状态 / unknown status {status!r}")


def adcode_bounds(adcode: str) -> tuple[str, str]:
    """The county codes under a region as a half-open range of text, ``low <= code < high``
    (``410100`` → ``("4101", "4102")``): a range an index on ``adcode`` can answer, where a
    ``LIKE '4101%'`` cannot (SQLite's LIKE ignores case, so it never uses the index)."""
    prefix = adcode_prefix(adcode)
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def adcode_prefix(adcode: str) -> str:
    """The prefix county codes share under a region: ``410000`` → ``41``, ``410100`` → ``4101``."""
    if not (len(adcode) == 6 and adcode.isdigit()):
        raise InvalidInput("region", f"行政区划代码应为6位数字 / adcode must be 6 digits: {adcode!r}")
    if adcode.endswith("0000"):
        return adcode[:2]
    if adcode.endswith("00"):
        return adcode[:4]
    return adcode
