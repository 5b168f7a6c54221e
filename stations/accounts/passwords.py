"""Password hashing with Argon2id (``pwdlib``), a bound on concurrent hashing, and the
password policy.

Each Argon2 hash takes 64 MiB and most of a core for a moment, on purpose. Unbounded,
48 parallel guesses took a server from 0.3 to 2.4 GB; so at most
:data:`MAX_CONCURRENT_HASHES` hashes run at once in a process and the rest queue.
"""

from __future__ import annotations

import secrets
import string
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

from pwdlib import PasswordHash

from stations.errors import InvalidInput, TooManyRequests

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_CONCURRENT_HASHES = 2
HASH_WAIT_S = 30.0
"""How long a hash waits for its turn before the request is refused as busy (503-like)."""

_HASHING = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)
_AROUND = string.digits + string.punctuation + string.whitespace


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


class _Turn:
    """Hold one of the hashing slots (queue for it; refuse after :data:`HASH_WAIT_S`)."""

    def __enter__(self) -> None:
        if not _HASHING.acquire(timeout=HASH_WAIT_S):
            raise TooManyRequests("服务繁忙，请稍后再试 / too busy, try again shortly", 5)

    def __exit__(self, *_exc: object) -> None:
        _HASHING.release()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id (salted; the hash carries its parameters)."""
    with _Turn():
        return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``.

    With no hash (unknown user) a dummy hash is still checked, so the answer takes
    as long as for a real user and does not reveal which names exist. Waits for a free
    hashing slot first.
    """
    if password_hash is None:
        dummy = _dummy_hash()
        with _Turn():
            _hasher().verify(password, dummy)
        return False
    with _Turn():
        try:
            return bool(_hasher().verify(password, password_hash))
        except Exception:  # noqa: BLE001 - a malformed stored hash never matches
            return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    text = resources.files("stations").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password(password: str | None, *, user_name: str | None = None) -> str:
    """``password`` if the policy accepts it.

    At least :data:`MIN_PASSWORD_LENGTH` characters; not a common password, nor one
    with digits and punctuation around it (``Password2025!``); at least four different
    characters; not containing the user's name.

    Raises
    ------
    stations.errors.InvalidInput
        Naming the ``password`` field and what is wrong.
    """
    text = unicodedata.normalize("NFKC", password or "")
    if len(text) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"密码至少{MIN_PASSWORD_LENGTH}个字符 / at least "
                                       f"{MIN_PASSWORD_LENGTH} characters")
    if len(text) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"密码最多{MAX_PASSWORD_LENGTH}个字符 / at most "
                                       f"{MAX_PASSWORD_LENGTH} characters")
    folded = text.casefold()
    common = common_passwords()
    if folded in common or folded.strip(_AROUND) in common or folded.replace(" ", "") in common:
        raise InvalidInput("password", "这是常见密码，容易被猜中 / a common password, easily "
                                       "guessed; choose another")
    if len(set(folded)) < 4:
        raise InvalidInput("password", "密码字符种类太少 / too few different characters")
    name = unicodedata.normalize("NFKC", user_name or "").casefold()
    if len(name) >= 3 and name in folded:
        raise InvalidInput("password", "密码不能包含用户名 / the password contains the user name")
    return password or ""
