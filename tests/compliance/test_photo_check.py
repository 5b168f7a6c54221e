"""Photos are decoded to prove they are photos: fakes and decompression bombs are refused,
EXIF time and position are kept, a rotated photo is stored upright; evidence files are
private and a crash's leftovers go at start-up."""

from __future__ import annotations

import io
import os
import stat
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from stations.compliance.evidence import EvidenceStore, check_photo
from stations.compliance.photo_check import MAX_PIXELS
from stations.errors import InvalidInput
from tests.support.compliance import png_bytes


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims ``width``×``height`` pixels (a PNG bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))


def jpeg_with_exif(orientation: int = 6, size: tuple[int, int] = (40, 20)) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "Huawei", "P60"
    exif.get_ifd(0x8769)[0x9003] = "2026:07:14 09:30:05"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (34.0, 46.0, 43.0)
    gps[3], gps[4] = "E", (113.0, 39.0, 36.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("data", "says"), [
    pytest.param(b"\xff\xd8\xff", "cannot be decoded", id="3-byte-jpeg"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9", "cannot be decoded", id="zeros-jpeg"),
    pytest.param(png_bytes()[:40], "cannot be decoded", id="truncated-png"),
    pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "cannot be decoded", id="fake-webp"),
    pytest.param(png_claiming(20_000, 20_000), "at most 50 million", id="20000x20000-png"),
    pytest.param(png_claiming(7072, 7072), "has 7072×7072 pixels (at most 50 million)", id="just-over-50mp"),
])
def test_photos_that_are_not_photos_or_are_bombs_are_refused(data: bytes, says: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as info:
        check_photo(data, name="x.jpg", field="photos[0]")
    assert info.value.field == "photos[0]"
    assert says in info.value.reason
    assert time.monotonic() - started < 2  # refused from the header, nothing inflated


def test_the_pixel_limit_is_50_megapixels() -> None:
    assert MAX_PIXELS == 50_000_000


def test_exif_time_gps_and_camera_are_kept_and_a_rotated_photo_is_stored_upright() -> None:
    photo = check_photo(jpeg_with_exif(orientation=6), name="门牌.jpg")
    assert photo.metadata == {
        "taken_at": "2026-07-14T09:30:05",
        "gps": {"lon": pytest.approx(113.66, abs=1e-3), "lat": pytest.approx(34.7786, abs=1e-3)},
        "camera": "Huawei P60",
        "orientation_normalised": 6,
    }
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.size == (20, 40)  # turned upright: 40×20 rotated a quarter turn
    assert stored.getexif().get(0x0112, 1) == 1
    assert stored.getexif().get_ifd(0x8825)  # the position is still in the file


def test_an_upright_photo_is_stored_byte_for_byte() -> None:
    data = jpeg_with_exif(orientation=1)
    photo = check_photo(data)
    assert photo.data == data and "orientation_normalised" not in (photo.metadata or {})


def test_evidence_files_are_private_and_leftovers_are_removed(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    staged = store.stage([check_photo(png_bytes())])
    store.publish(staged)
    (stored,) = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    for folder in (tmp_path / "evidence", stored.parent, tmp_path / "evidence" / ".incoming"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

    incoming = tmp_path / "evidence" / ".incoming"
    old, fresh = incoming / "crashed.part", incoming / "under-way.part"
    old.write_bytes(b"half a photo")
    fresh.write_bytes(b"another instance's upload")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    assert store.remove_leftovers() == 1
    assert not old.exists() and fresh.exists()
