"""The sign-in throttle: guessing is slow, and refusing a guess costs no hash.

Failed sign-ins are counted per account name and per client address in the database
(``login_attempts``), so every instance of the service sees the same counts. After
:data:`ACCOUNT_LIMIT` failures for one name, or :data:`ADDRESS_LIMIT` from one address,
within :data:`WINDOW`, sign-ins for it are refused (429 with ``Retry-After``) for a
lock-out that doubles each time the limit is reached again (:func:`lockout`), up to
:data:`MAX_LOCKOUT`. A successful sign-in clears the account's count; the address's
count is not cleared by it, or a guesser could clear it by signing in to an account of
their own between guesses. Counts quiet for :data:`FORGET_AFTER` are dropped.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stations.core.clock import aware_utc, utcnow
from stations.core.text import name_skeleton
from stations.errors import TooManyRequests
from stations.store.compliance_tables import LoginAttemptRow
from stations.store.registry import Registry

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)
FIRST_LOCKOUT = timedelta(minutes=1)
MAX_LOCKOUT = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)


def lockout(strikes: int) -> timedelta:
    """How long the ``strikes``-th lock-out lasts: 1, 2, 4, 8 ... minutes, at most a day."""
    return min(FIRST_LOCKOUT * (2 ** max(0, min(strikes, 20) - 1)), MAX_LOCKOUT)


def account_key(name: str) -> str:
    # the look-alike skeleton, so аdmin1 and admin1 share one count
    return "account:" + (name_skeleton(name or "") or "-")[:180]


def address_key(address: str) -> str:
    return "address:" + (address or "unknown")[:180]


@dataclass(frozen=True)
class Throttle:
    """The sign-in throttle on one registry's database."""

    registry: Registry
    account_limit: int = ACCOUNT_LIMIT
    address_limit: int = ADDRESS_LIMIT

    def check(self, name: str, address: str | None) -> None:
        """Refuse a sign-in while its account or address is locked out.

        Raises
        ------
        stations.errors.TooManyRequests
            With the seconds left of the longest lock-out that applies.
        """
        now = _aware(utcnow())
        keys = self._keys(name, address)
        with self.registry.session() as s:
            rows = s.scalars(select(LoginAttemptRow).where(LoginAttemptRow.key.in_(keys))).all()
        until = max((_aware(r.blocked_until) for r in rows if r.blocked_until is not None),
                    default=None)
        if until is not None and until > now:
            seconds = math.ceil((until - now).total_seconds())
            raise TooManyRequests(
                f"登录失败次数过多，请{seconds}秒后再试 / too many failed sign-ins; try again "
                f"in {seconds} s", seconds)

    def failed(self, name: str, address: str | None) -> None:
        """Count one failed sign-in for the name and the address."""
        now = _aware(utcnow())
        for key, limit in zip(self._keys(name, address), self._limits(address), strict=True):
            self._count(key, limit, now)
        if random.random() < 0.02:  # noqa: S311 - housekeeping, not security
            self.forget_old(now)

    def succeeded(self, name: str) -> None:
        """Clear the account's count (not the address's, see the module's notes)."""
        with self.registry.session() as s:
            s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key == account_key(name)))

    def forget_old(self, now: datetime | None = None) -> int:
        """Drop counts quiet for :data:`FORGET_AFTER` and not locked out; how many."""
        cutoff = _aware(now or utcnow()) - FORGET_AFTER
        with self.registry.session() as s:
            result = s.execute(delete(LoginAttemptRow).where(
                LoginAttemptRow.last_at < cutoff,
                (LoginAttemptRow.blocked_until.is_(None)) | (LoginAttemptRow.blocked_until < cutoff),
            ))
            return int(getattr(result, "rowcount", 0) or 0)

    def _keys(self, name: str, address: str | None) -> list[str]:
        return [account_key(name)] + ([address_key(address)] if address else [])

    def _limits(self, address: str | None) -> list[int]:
        return [self.account_limit] + ([self.address_limit] if address else [])

    def _count(self, key: str, limit: int, now: datetime) -> None:
        for _attempt in range(3):
            try:
                with self.registry.session() as s:
                    _count_locked(s, key, limit, now)
                return
            except IntegrityError:  # another instance inserted the row first: count again
                continue


def _count_locked(s: Session, key: str, limit: int, now: datetime) -> None:
    # A write first: it takes the row lock (PostgreSQL) or the write lock (SQLite), so the
    # read below sees every other instance's count and no failure is lost.
    touched = s.execute(
        update(LoginAttemptRow).where(LoginAttemptRow.key == key).values(last_at=now)
    )
    if not getattr(touched, "rowcount", 0):
        s.add(LoginAttemptRow(key=key, failures=1, window_start=now, last_at=now, strikes=0))
        s.flush()
        _lock_if_over(s.get_one(LoginAttemptRow, key), limit, now)
        return
    row = s.get_one(LoginAttemptRow, key, populate_existing=True)
    if row.blocked_until is not None and now - _aware(row.blocked_until) > FORGET_AFTER:
        row.strikes = 0  # a day without a lock-out: start again at the shortest
    if now - _aware(row.window_start) > WINDOW:
        row.failures, row.window_start = 0, now
    row.failures += 1
    _lock_if_over(row, limit, now)


def _lock_if_over(row: LoginAttemptRow, limit: int, now: datetime) -> None:
    if row.failures >= limit:
        row.strikes += 1
        row.blocked_until = now + lockout(row.strikes)
        row.failures, row.window_start = 0, now

_aware = aware_utc
