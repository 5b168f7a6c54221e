"""Password hashing with Argon2id (``pwdlib``)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id (salted; the hash carries its parameters)."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``.

    With no hash (unknown user) a dummy hash is still checked, so the answer takes
    as long as for a real user and does not reveal which names exist.
    """
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    try:
        return bool(_hasher().verify(password, password_hash))
    except Exception:  # noqa: BLE001 - a malformed stored hash never matches
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))
