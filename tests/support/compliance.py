"""Shared pieces for the compliance, users and inspection tests."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from stations.accounts.passwords import hash_password
from stations.io.ledger import import_ledger
from stations.store.compliance_tables import UserRow
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, write_ledger

SIX_HAVE = ("signage", "layout", "facilities", "functions", "management", "on_map")
PASSWORD = "correct horse 1"  # passes the password policy (10+ characters, not common)
ROLES = ("inspector", "planner", "admin")
# ZZ1 (Zhengzhou, 金水区) as stored, WGS-84.
ZZ1_LON, ZZ1_LAT = 113.6601, 34.7786
# where each station of GOOD_ROWS stands (WGS-84): an inspector there is on site
AT: dict[str, dict[str, float]] = {
    row[0]: {"lon": float(row[3]), "lat": float(row[4])} for row in GOOD_ROWS
}


def seed(registry: Registry, write_csv: Callable[..., Path]) -> None:
    """The four stations of GOOD_ROWS, located (adcode, county) by the real importer."""
    import_ledger(registry, write_csv(GOOD_ROWS))


def seeded_file(folder: Path) -> str:
    """A SQLite registry in ``folder`` with :func:`seed`'s stations and
    :func:`add_role_users`' accounts; its URL."""
    url = f"sqlite:///{folder / 'stations.db'}"
    registry = Registry.open(url)
    try:
        seed(registry, lambda rows, **_: write_ledger(folder / "ledger.csv", rows))
        add_role_users(registry)
    finally:
        registry.close()
    return url


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # Argon2 is slow on purpose; one hash serves every test user.
    return hash_password(PASSWORD)


def uid_of(name: str) -> str:
    """The token id of a user made by :func:`add_role_users` (so :func:`bearer` needs no
    database)."""
    return f"test-{name}"


def add_role_users(registry: Registry) -> None:
    """One user per role, named after the role, and a second inspector; password PASSWORD;
    all acting for the whole country (region 100000), token version 1."""
    names = {role: role for role in ROLES} | {"inspector2": "inspector"}
    with registry.session() as s:
        s.add_all(
            UserRow(name=name, role=role, password_hash=_password_hash(), active=True,
                    uid=uid_of(name), version=1, region="100000")
            for name, role in names.items()
        )


def all_pass(**overrides: bool) -> dict[str, bool]:
    return {code: True for code in SIX_HAVE} | overrides


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _encoded(fmt: str, color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, fmt)
    return out.getvalue()


def jpeg_bytes(size: int = 2048) -> bytes:
    """A real 8×8 JPEG, padded after its end marker to ``size`` bytes (decoders ignore it)."""
    data = _encoded("JPEG", (200, 30, 30))
    return data + b"\x00" * max(0, size - len(data))


def webp_bytes() -> bytes:
    """A real 8×8 WebP."""
    return _encoded("WEBP", (30, 200, 30))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


TEST_SECRET = "test-secret-for-signing-tokens-0123456789-abcdefghijklmnopqrstuvwxyz"


def bearer(user: str | None, *, minutes: int = 5, version: int = 1) -> dict[str, str]:
    """Authorization header with a token for ``user`` (one of :func:`add_role_users`)
    signed with TEST_SECRET (none for None)."""
    from stations.accounts.tokens import create_token

    if user is None:
        return {}
    token = create_token(uid_of(user), "", secret=TEST_SECRET, minutes=minutes,
                         version=version)
    return {"Authorization": "Bearer " + token}
