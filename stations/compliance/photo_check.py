"""Proving a photo is one: decoded with Pillow within a pixel limit, EXIF read, upright.

Magic bytes say what a file claims to be; only decoding says whether it is. A 3-byte
"JPEG" or a truncated file fails to decode; a 20000×20000 PNG (1.2 GB of pixels from a
few kilobytes) is refused from its header, before any pixel is inflated.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from datetime import datetime
from typing import Any

from stations.errors import InvalidInput

MAX_PIXELS = 50_000_000
"""Most pixels in one photo (50 MP: more than any phone camera takes)."""
_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION, _DATETIME, _DATETIME_ORIGINAL, _MAKE, _MODEL = 0x0112, 0x0132, 0x9003, 0x010F, 0x0110


def decode_photo(data: bytes, extension: str, label: str, field: str) -> tuple[bytes, dict[str, Any]]:
    """The photo's bytes (re-encoded upright when EXIF says it is rotated) and its metadata.

    Raises
    ------
    stations.errors.InvalidInput
        When the content does not decode as the format its magic bytes claim, or has
        more than :data:`MAX_PIXELS` pixels.
    """
    from PIL import Image, ImageOps

    def refuse(reason: str) -> InvalidInput:
        return InvalidInput(field, f"照片无法解码 / photo{label} cannot be decoded: {reason}")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_FORMATS[extension]])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(field, f"照片像素过多 / photo{label} has {width}×{height} pixels "
                                          f"(at most {MAX_PIXELS // 1_000_000} million)")
            image.load()  # every pixel decodes: not truncated, not a fake
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(field, f"照片像素过多 / photo{label} has too many pixels, a possible "
                                  f"decompression bomb (at most {MAX_PIXELS // 1_000_000} million)") from None
    except Exception as exc:  # noqa: BLE001 - whatever Pillow says, it is not a photo
        raise refuse(str(exc) or type(exc).__name__) from None
    exif = image.getexif()
    metadata = exif_metadata(exif)
    orientation = exif.get(_ORIENTATION, 1)
    if orientation not in (1, None):
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        options: dict[str, Any] = {"exif": upright.getexif().tobytes()}
        if image.format == "JPEG":
            options["quality"] = 95
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
        upright.save(out, format=image.format, **options)
        metadata["orientation_normalised"] = int(orientation)
        data = out.getvalue()
    return data, metadata


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
