"""Proving a photo is one: decoded with Pillow within a pixel limit, EXIF read.

Magic bytes say what a file claims to be; only decoding says whether it is. A 3-byte
"JPEG" or a truncated file fails to decode; a 20000×20000 PNG (1.2 GB of pixels from a
few kilobytes) is refused from its header, before any pixel is inflated.

Memory is bounded, since uploads come in concurrently: a JPEG's whole stream is decoded
at 1/8 scale (libjpeg's DCT scaling still reads every coefficient, so a truncated or
fake file still fails) into 1/64 of the pixels, about 3 MB for 50 MP instead of 200 MB.
PNG and WebP have no scaled decoding, so they are decoded whole, within smaller limits.

A JPEG or PNG that EXIF says is rotated is kept byte for byte, its orientation recorded:
browsers and photo viewers turn it upright, and the evidence stays the camera's own file
(no lossy re-encoding, no full-size decode). Browsers do not apply EXIF orientation to
WebP, so a rotated WebP (already decoded whole) is re-encoded upright.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from datetime import datetime
from typing import Any

from stations.errors import InvalidInput

MAX_PIXELS = 50_000_000
"""Most pixels in one JPEG photo (50 MP: more than any phone camera takes)."""
MAX_PNG_PIXELS = 12_000_000
"""Most pixels in one PNG, decoded whole (4 bytes a pixel: 48 MB); more than a screenshot."""
MAX_WEBP_PIXELS = 4_000_000
"""Most pixels in one WebP: Pillow decodes it through libwebp's animation decoder, about
16 bytes a pixel (64 MB). Cameras write JPEG; a WebP is a picture already made smaller."""
_LIMITS = {"JPEG": MAX_PIXELS, "PNG": MAX_PNG_PIXELS, "WEBP": MAX_WEBP_PIXELS}
_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
_JPEG_SCALE = 8
"""A JPEG is checked at 1/8 of its width and height (the smallest DCT scale)."""
_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION, _DATETIME, _DATETIME_ORIGINAL, _MAKE, _MODEL = 0x0112, 0x0132, 0x9003, 0x010F, 0x0110


def decode_photo(data: bytes, extension: str, label: str, field: str) -> tuple[bytes, dict[str, Any]]:
    """The photo's bytes (a rotated WebP re-encoded upright) and its metadata.

    Raises
    ------
    stations.errors.InvalidInput
        When the content does not decode as the format its magic bytes claim, or has
        more than :data:`MAX_PIXELS` (JPEG), :data:`MAX_PNG_PIXELS` or
        :data:`MAX_WEBP_PIXELS` pixels.
    """
    image = _decoded(data, _FORMATS[extension], label, field)
    exif = image.getexif()
    metadata = exif_metadata(exif)
    orientation = exif.get(_ORIENTATION, 1)
    if orientation in (1, None) or not isinstance(orientation, int):
        return data, metadata
    if image.format != "WEBP":
        metadata["orientation"] = orientation  # viewers apply it; the file stays the camera's
        return data, metadata
    from PIL import ImageOps

    upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    upright.save(out, format="WEBP", exif=upright.getexif().tobytes(), quality=95)
    metadata["orientation_normalised"] = orientation
    return out.getvalue(), metadata


def _decoded(data: bytes, pil_format: str, label: str, field: str) -> Any:
    """The image, every byte of its stream decoded (a JPEG at 1/8 scale), within the limits."""
    from PIL import Image

    limit = _LIMITS[pil_format]
    millions = f"at most {limit // 1_000_000} million" + (
        "" if pil_format == "JPEG" else f" for {_NAMES[pil_format]}; send a JPEG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[pil_format])
            width, height = image.size
            if width * height > limit:
                raise InvalidInput(field, f"照片像素过多 / photo{label} has {width}×{height} pixels ({millions})")
            if pil_format == "JPEG":
                image.draft("RGB", (max(1, width // _JPEG_SCALE), max(1, height // _JPEG_SCALE)))
            image.load()  # every pixel decodes: not truncated, not a fake
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(field, f"照片像素过多 / photo{label} has too many pixels, a possible "
                                  f"decompression bomb ({millions})") from None
    except Exception as exc:  # noqa: BLE001 - whatever Pillow says, it is not a photo
        raise InvalidInput(field, f"照片无法解码 / photo{label} cannot be decoded: "
                                  f"{str(exc) or type(exc).__name__}") from None
    return image


def exif_metadata(exif: Any) -> dict[str, Any]:
    """``taken_at`` (ISO 8601, camera's local time), ``gps`` (``lon``, ``lat``) and
    ``camera`` from EXIF, where present and readable."""
    facts: dict[str, Any] = {}
    details = exif.get_ifd(_EXIF_IFD)
    taken = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if isinstance(taken, str):
        with contextlib.suppress(ValueError):
            facts["taken_at"] = datetime.strptime(taken.strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    position = _gps(exif.get_ifd(_GPS_IFD))
    if position is not None:
        facts["gps"] = position
    camera = " ".join(str(exif.get(tag, "")).strip("\x00 ") for tag in (_MAKE, _MODEL)).strip()
    if camera and camera.isprintable():
        facts["camera"] = camera[:100]
    return facts


def _gps(gps: Any) -> dict[str, float] | None:
    try:
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lon": round(lon, 7), "lat": round(lat, 7)}


def _degrees(value: Any) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600
