"""Photos are decoded to prove they are photos: fakes and decompression bombs are refused,
within bounded memory; EXIF time and position are kept, a rotated photo shows upright;
evidence files are private and a crash's leftovers go at start-up."""

from __future__ import annotations

import base64
import io
import os
import stat
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from stations.compliance.evidence import EvidenceStore, check_photo
from stations.compliance.photo_check import MAX_PIXELS, MAX_PNG_PIXELS, MAX_WEBP_PIXELS
from stations.errors import InvalidInput
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.compliance import png_bytes


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims ``width``×``height`` pixels (a PNG bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims ``width``×``height`` pixels."""
    data = bytearray(jpeg_with_exif(orientation=1))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_exif(orientation: int = 6, size: tuple[int, int] = (40, 20), pil_format: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "Huawei", "P60"
    exif.get_ifd(0x8769)[0x9003] = "2026:07:14 09:30:05"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (34.0, 46.0, 43.0)
    gps[3], gps[4] = "E", (113.0, 39.0, 36.0)
    out = io.BytesIO()
    image.save(out, pil_format, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("data", "says"), [
    pytest.param(b"\xff\xd8\xff", "cannot be decoded", id="3-byte-jpeg"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9", "cannot be decoded", id="zeros-jpeg"),
    pytest.param(png_bytes()[:40], "cannot be decoded", id="truncated-png"),
    pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "cannot be decoded", id="fake-webp"),
    pytest.param(png_claiming(20_000, 20_000), "at most 12 million", id="20000x20000-png"),
    pytest.param(jpeg_claiming(20_000, 20_000), "at most 50 million", id="20000x20000-jpeg"),
    pytest.param(jpeg_claiming(7072, 7072), "has 7072×7072 pixels (at most 50 million)", id="just-over-50mp-jpeg"),
    pytest.param(png_claiming(4000, 3001), "has 4000×3001 pixels (at most 12 million for PNG; send a JPEG)",
                 id="just-over-12mp-png"),
    pytest.param(jpeg_with_exif(1, (2001, 2000), "WEBP"), "has 2001×2000 pixels (at most 4 million for WebP; "
                                                          "send a JPEG)", id="just-over-4mp-webp"),
])
def test_photos_that_are_not_photos_or_are_bombs_are_refused(data: bytes, says: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as info:
        check_photo(data, name="x.jpg", field="photos[0]")
    assert info.value.field == "photos[0]"
    assert says in info.value.reason
    assert time.monotonic() - started < 2  # refused from the header, nothing inflated


def test_the_pixel_limits_are_50_megapixels_for_jpeg_12_for_png_and_4_for_webp() -> None:
    assert (MAX_PIXELS, MAX_PNG_PIXELS, MAX_WEBP_PIXELS) == (50_000_000, 12_000_000, 4_000_000)
    assert check_photo(png_bytes()).extension == "png"  # a PNG within the limit is a photo


def test_exif_time_gps_and_camera_are_kept_and_a_rotated_jpeg_is_kept_as_taken() -> None:
    data = jpeg_with_exif(orientation=6)
    photo = check_photo(data, name="门牌.jpg")
    assert photo.metadata == {
        "taken_at": "2026-07-14T09:30:05",
        "gps": {"lon": pytest.approx(113.66, abs=1e-3), "lat": pytest.approx(34.7786, abs=1e-3)},
        "camera": "Huawei P60",
        "orientation": 6,
    }
    assert photo.data == data  # the camera's own file: no lossy re-encoding


def test_a_rotated_webp_is_stored_upright() -> None:
    photo = check_photo(jpeg_with_exif(orientation=6, pil_format="WEBP"), name="门牌.webp")
    assert photo.metadata is not None and photo.metadata["orientation_normalised"] == 6
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.size == (20, 40)  # turned upright: 40×20 rotated a quarter turn
    assert stored.getexif().get(0x0112, 1) == 1
    assert stored.getexif().get_ifd(0x8825)  # the position is still in the file


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium")
def test_every_rotated_photo_shows_upright_in_a_browser() -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    stored = {fmt: check_photo(jpeg_with_exif(orientation=6, pil_format=fmt)) for fmt in ("JPEG", "PNG", "WEBP")}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            shown = {}
            for fmt, photo in stored.items():
                url = f"data:{photo.media_type};base64,{base64.b64encode(photo.data).decode()}"
                page.set_content(f'<img id="photo" src="{url}">')
                page.wait_for_function("document.getElementById('photo').complete")
                shown[fmt] = page.evaluate("[photo.width, photo.height]")
        finally:
            browser.close()
    assert shown == {"JPEG": [20, 40], "PNG": [20, 40], "WEBP": [20, 40]}


PEAK_MEMORY = """
import re, sys
from stations.compliance.evidence import check_photo
from stations.errors import InvalidInput
def peak_kb():  # this process's own peak (ru_maxrss would carry the parent's over a fork)
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
data = open(sys.argv[1], "rb").read()
check_photo(open(sys.argv[2], "rb").read())  # Pillow's plugins and decoders loaded
before = peak_kb()
try:
    check_photo(data)
    outcome = "accepted"
except InvalidInput as refused:
    outcome = refused.reason
print((peak_kb() - before) // 1024, outcome)
"""


@pytest.fixture(scope="module")
def big_photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 40 MP JPEG (7300×5470, under 5 MB): upright, rotated, truncated; a 4 MP WebP; a small JPEG."""
    from PIL import ImageDraw

    folder = tmp_path_factory.mktemp("40mp")
    image = Image.new("RGB", (7300, 5470), (90, 140, 60))
    draw = ImageDraw.Draw(image)
    for x in range(0, 7300, 50):
        draw.line([(x, 0), (7300 - x, 5470)], fill=(x % 255, 30, 200), width=3)
    rotated = Image.Exif()
    rotated[0x0112] = 6
    paths = {"upright": folder / "upright.jpg", "rotated": folder / "rotated.jpg", "small": folder / "small.jpg"}
    image.save(paths["upright"], quality=80)
    image.save(paths["rotated"], quality=80, exif=rotated.tobytes())
    del image, draw
    data = paths["upright"].read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) - 200])
    paths["truncated"] = folder / "truncated.jpg"
    paths["small"].write_bytes(jpeg_with_exif(orientation=1))
    paths["webp"] = folder / "4mp.webp"
    Image.effect_noise((2000, 2000), 20).convert("RGB").save(paths["webp"], quality=70)
    return paths


@pytest.mark.parametrize(("photo", "outcome", "most_mb"), [
    pytest.param("upright", "accepted", 20, id="40mp-jpeg"),  # decoded whole: 152 MB
    pytest.param("rotated", "accepted", 20, id="40mp-jpeg-rotated"),  # and turned: 314 MB
    pytest.param("truncated", "照片无法解码 / photo cannot be decoded: image file is truncated", 20,
                 id="40mp-jpeg-truncated"),
    pytest.param("webp", "accepted", 80, id="4mp-webp"),  # 65 MB; a 12 MP WebP took 188 MB
])
def test_checking_a_big_photo_takes_bounded_memory(big_photos: dict[str, Path], photo: str, outcome: str,
                                                   most_mb: int) -> None:
    assert big_photos[photo].stat().st_size < 5 * 1024 * 1024
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, str(big_photos[photo]), str(big_photos["small"])],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    peak_mb, said = done.stdout.split(" ", 1)
    assert said.strip().startswith(outcome)  # the whole stream is still decoded
    assert int(peak_mb) < most_mb, f"checking {photo} took {peak_mb} MB"


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
