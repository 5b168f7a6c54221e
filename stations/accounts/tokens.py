"""Bearer tokens (no web framework here).

Tokens are HS256 JSON Web Tokens that expire. They name the account by its stable id
(``sub``: the account's ``uid``, never reused) and carry the account's ``ver``sion:
any change to the account bumps the version, and a token of another version is void.
The signing secret is the configured ``secret_key`` (at least :data:`MIN_SECRET_BYTES`
bytes, or the service refuses to start) unless that is the shipped default, in which
case a random secret is generated once and kept in a file next to the database, so
tokens survive restarts and no known secret is ever used.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from stations.errors import ConfigurationError, Unauthorized

DEFAULT_SECRET = "change-me-in-production"
ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


def create_token(
    subject: str,
    role: str,
    *,
    secret: str,
    minutes: int,
    version: int = 1,
    now: datetime | None = None,
) -> str:
    """A signed bearer token for ``subject`` that expires after ``minutes``.

    Parameters
    ----------
    subject : str
        The account's stable id (``User.uid``).
    role : str
        The role at the time of issue (informative; the stored role is what counts).
    secret : str
        The signing secret, see :func:`token_secret`.
    minutes : int
        Lifetime of the token.
    version : int
        The account's version (``User.version``): the token is void once it changes.
    now : datetime, optional
        Issue time (default: now).
    """
    issued = now or datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role,
        "ver": int(version),
        "iat": issued,
        "exp": issued + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(token: str, *, secret: str) -> dict[str, Any]:
    """The claims of a valid token.

    Raises
    ------
    stations.errors.Unauthorized
        If the token is malformed, badly signed or expired.
    """
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "ver"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("令牌已过期 / token expired; sign in again") from None
    except jwt.PyJWTError:
        raise Unauthorized("令牌无效 / invalid token") from None
    return dict(claims)


def token_secret(configured: str, secret_file: Path) -> str:
    """The secret that signs tokens.

    Parameters
    ----------
    configured : str
        ``settings.secret_key``; used as is unless it is empty or the shipped default.
    secret_file : Path
        Where a generated secret is kept (beside the SQLite file, or in the data
        directory), so every instance and restart signs with the same one.

    Returns
    -------
    str

    Raises
    ------
    stations.errors.ConfigurationError
        For a configured secret shorter than :data:`MIN_SECRET_BYTES` bytes.
    """
    if configured and configured != DEFAULT_SECRET:
        size = len(configured.encode("utf-8"))
        if size < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"STATIONS_SECRET_KEY 太短（{size}字节，至少{MIN_SECRET_BYTES}字节）/ "
                f"STATIONS_SECRET_KEY is too short ({size} bytes; at least {MIN_SECRET_BYTES}): "
                "generate one with python3 -c 'import secrets; print(secrets.token_hex(32))', "
                "or unset it to have a random secret kept beside the database")
        return configured
    return _persisted_secret(secret_file)


def _persisted_secret(path: Path) -> str:
    if path.exists():
        return _read_secret(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret)
    try:
        # A hard link appears complete or not at all, and fails if another process
        # starting at the same moment got there first: then its secret wins.
        os.link(tmp, path)
    except FileExistsError:
        return _read_secret(path)
    finally:
        tmp.unlink()
    return secret


def _read_secret(path: Path) -> str:
    text = path.read_text(encoding="ascii").strip()
    if not text:
        raise RuntimeError(f"密钥文件为空 / empty secret file {path}")
    return text
