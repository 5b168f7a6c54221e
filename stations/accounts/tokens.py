"""Bearer tokens (no web framework here).

Tokens are HS256 JSON Web Tokens
that expire; the signing secret is the configured ``secret_key`` unless that is the
shipped default, in which case a random secret is generated once and kept in a file
next to the database, so tokens survive restarts and no known secret is ever used.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from stations.errors import Unauthorized

DEFAULT_SECRET = "change-me-in-production"
ALGORITHM = "HS256"


def create_token(
    subject: str, role: str, *, secret: str, minutes: int, now: datetime | None = None
) -> str:
    """A signed bearer token for ``subject`` that expires after ``minutes``.

    Parameters
    ----------
    subject : str
        The user name.
    role : str
        The role at the time of issue (informative; the stored role is what counts).
    secret : str
        The signing secret, see :func:`token_secret`.
    minutes : int
        Lifetime of the token.
    now : datetime, optional
        Issue time (default: now).
    """
    issued = now or datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role,
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
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
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
    """
    if configured and configured != DEFAULT_SECRET:
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
