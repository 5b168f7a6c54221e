"""Photo evidence: checked by size and content (decoded by Pillow: :mod:`.photo_check`),
stored as files beside the database (readable by the service's user only).

A photo is written to a temporary name first and moved into place only after the
inspection that cites it is committed; on failure the temporary file is removed.
Files are named by their SHA-256, so the same photo uploaded twice is stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.compliance.photo_check import decode_photo
from stations.errors import InvalidInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
TMP_DIR_NAME = ".incoming"
LEFTOVER_AGE_S = 15 * 60
"""A staged file lives for the seconds between upload and commit; one older than this
was left by a crash (younger ones may belong to another instance's upload under way)."""
FILE_MODE, DIR_MODE = 0o600, 0o700
"""Evidence is readable by the service's user only."""


@dataclass(frozen=True)
class Photo:
    """A checked photo, ready to store."""

    data: bytes
    media_type: str
    extension: str
    sha256: str
    original_name: str | None = None
    metadata: dict[str, Any] | None = None
    """EXIF facts kept as evidence (``taken_at``, ``gps``, ``camera``, ``orientation``), for reviewers."""

    @property
    def size_bytes(self) -> int:
        return len(self.data)

    @property
    def relative_path(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}.{self.extension}"


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """``(media_type, extension)`` for JPEG, PNG or WebP content, by magic bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check_photo(data: bytes, *, name: str | None = None, field: str = "photos") -> Photo:
    """Accept a JPEG, PNG or WebP photo of at most 5 MB and :data:`MAX_PIXELS` pixels.

    The type is read from the content (magic bytes), never from the file name or the
    declared content type, and the photo is decoded with Pillow to prove it is one, in
    bounded memory (:mod:`.photo_check`): a truncated or fake file, or one whose pixels
    would inflate beyond the limit (a decompression bomb), is refused before its pixels
    are decoded. EXIF time and GPS position are kept as :attr:`Photo.metadata`; a
    rotated JPEG or PNG is kept as taken (viewers apply its EXIF orientation), a rotated
    WebP is stored upright.

    Raises
    ------
    stations.errors.InvalidInput
        For an empty, oversized or non-image file, naming ``field`` and the file.
    """
    label = f" {name!r}" if name else ""
    if not data:
        raise InvalidInput(field, f"文件为空 / empty file{label}")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            field, f"照片不能超过 5 MB / photo{label} is larger than 5 MB ({len(data)} bytes)"
        )
    sniffed = sniff_image(data)
    if sniffed is None:
        raise InvalidInput(
            field, f"只接受 JPEG、PNG 或 WebP 照片 / photo{label} is not JPEG, PNG or WebP"
        )
    media_type, extension = sniffed
    data, metadata = decode_photo(data, extension, label, field)
    return Photo(data, media_type, extension, hashlib.sha256(data).hexdigest(), name, metadata)


@dataclass(frozen=True)
class Staged:
    photo: Photo
    temp_path: Path


class EvidenceStore:
    """Evidence files under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _dir(self, path: Path) -> Path:
        """``path`` (and the root) created if missing, with :data:`DIR_MODE`."""
        for folder in (self.root, path):
            if not folder.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                os.chmod(folder, DIR_MODE)
        return path

    def remove_leftovers(self, *, older_than_s: float = LEFTOVER_AGE_S) -> int:
        """Remove staged files a crash left in ``.incoming`` (at start-up); returns how many."""
        folder = self.root / TMP_DIR_NAME
        if not folder.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for leftover in folder.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    removed += 1
        return removed

    def path(self, relative_path: str) -> Path:
        """The file of a stored photo (refusing paths that leave the directory)."""
        path = (self.root / relative_path).resolve()
        if self.root.resolve() not in path.parents:
            raise InvalidInput("path", "证据路径无效 / invalid evidence path")
        return path

    def stage(self, photos: Sequence[Photo]) -> list[Staged]:
        """Write photos to temporary files (nothing is visible under its final name yet)."""
        staged: list[Staged] = []
        if not photos:
            return staged
        tmp_dir = self._dir(self.root / TMP_DIR_NAME)
        try:
            for photo in photos:
                temp = tmp_dir / f"{uuid.uuid4().hex}.part"
                staged.append(Staged(photo, temp))
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(photo.data)
                    fh.flush()
                    os.fsync(fh.fileno())
        except BaseException:
            self.discard(staged)
            raise
        return staged

    def publish(self, staged: Sequence[Staged]) -> None:
        """Move staged files to their final names (after the database commit)."""
        for item in staged:
            final = self.root / item.photo.relative_path
            self._dir(final.parent)
            os.replace(item.temp_path, final)

    def discard(self, staged: Sequence[Staged]) -> None:
        """Remove staged files (after a failure)."""
        for item in staged:
            item.temp_path.unlink(missing_ok=True)
