"""Keyset paging: pages that stay put while records come and go.

A page is asked for by a cursor (``after`` the last id seen, or ``before`` the first id
seen) rather than by position, so a record added or removed elsewhere never shifts a page:
no record is skipped or repeated by a client walking ``next`` links, and the database
answers from its primary-key index instead of skipping ``offset`` rows.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from stations.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: ``after`` an id, ``before`` an id, then ``offset`` more."""

    after: str | None = None
    before: str | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.after is not None and self.before is not None:
            raise InvalidInput("after", "after 与 before 不能同时使用 / give after or before, not both")
        if self.offset < 0:
            raise InvalidInput("offset", "不能为负数 / must be 0 or more")

    @property
    def at_start(self) -> bool:
        """The first page: nothing comes before it."""
        return self.after is None and self.before is None and self.offset == 0


@dataclass(frozen=True)
class Page(Generic[T]):
    """Records in id order, and whether any match before or after them."""

    items: list[T]
    more_before: bool
    more_after: bool


def page_of_sorted(items: Sequence[T], ids: Sequence[str], cursor: Cursor, limit: int) -> Page[T]:
    """One page of ``items`` (sorted by ``ids``, which are unique).

    Parameters
    ----------
    items : sequence
        The records that match, in id order.
    ids : sequence of str
        Their ids, ascending.
    cursor : Cursor
    limit : int
        Most records on the page.

    Returns
    -------
    Page
    """
    if cursor.before is not None:
        end = bisect.bisect_left(ids, cursor.before)
        start = max(end - limit, 0)
        return Page(list(items[start:end]), start > 0, end < len(ids))
    start = bisect.bisect_right(ids, cursor.after) if cursor.after is not None else 0
    start += cursor.offset
    end = start + limit
    return Page(list(items[start:end]), start > 0, end < len(ids))


def page_from_rows(rows: list[T], cursor: Cursor, limit: int) -> Page[T]:
    """A page from up to ``limit + 1`` rows fetched in the cursor's direction.

    ``rows`` are in id order (a ``before`` cursor fetches backwards: reverse them back
    into id order); the extra row only tells that more follow. A page reached by a cursor
    or an offset has one before (``after``) or after (``before``) it: the client came
    from there.
    """
    if cursor.before is not None:
        more_before = len(rows) > limit
        return Page(rows[-limit:] if more_before else rows, more_before, True)
    return Page(rows[:limit], not cursor.at_start, len(rows) > limit)
