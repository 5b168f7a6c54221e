"""Coordinate reference systems of OGC API - Features Part 2.

Stored coordinates are WGS-84 longitude/latitude (CRS84, the storage CRS). A client may ask
for features (``crs``) and give its bounding box (``bbox-crs``) in:

- CRS84: longitude, latitude (the default, what GeoJSON means);
- EPSG:4326: WGS-84 with latitude first, as EPSG defines it;
- EPSG:4490: CGCS2000, China's official system, latitude first. CGCS2000 and WGS-84
  agree to a few centimetres (the bundled boundaries are CGCS2000 stored as WGS-84), so
  the coordinates are the same numbers, swapped;
- EPSG:3857: Web Mercator metres, as web map tiles use.

GCJ-02 and BD-09 (Chinese map apps) have no CRS URI and are never advertised here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pyproj
import shapely

from stations.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@dataclass(frozen=True)
class Crs:
    """One supported CRS: its URI, EPSG code (0 for CRS84) and axis order."""

    uri: str
    epsg: int
    lat_first: bool
    digits: int
    """Decimals worth writing: 7 for degrees (1 cm), 2 for metres."""

    @property
    def projected(self) -> bool:
        return self.epsg == 3857

    @property
    def header(self) -> str:
        """The ``Content-Crs`` header value."""
        return f"<{self.uri}>"

    @cached_property
    def _mercator(self) -> pyproj.Transformer:
        return pyproj.Transformer.from_crs(4326, 3857, always_xy=True)

    def from_lonlat(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """WGS-84 longitude/latitude → this CRS's axes, in its order, rounded."""
        if self.projected:
            x, y = self._mercator.transform(lon, lat)
            return np.round(np.asarray(x), self.digits), np.round(np.asarray(y), self.digits)
        lon, lat = np.round(lon, self.digits), np.round(lat, self.digits)
        return (lat, lon) if self.lat_first else (lon, lat)

    def to_lonlat(self, a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
        """This CRS's axes (in its order) → WGS-84 longitude/latitude."""
        if self.projected:
            lon, lat = self._mercator.transform(a, b, direction=pyproj.enums.TransformDirection.INVERSE)
            return np.asarray(lon), np.asarray(lat)
        return (b, a) if self.lat_first else (a, b)

    def geometry(self, geom: shapely.Geometry) -> shapely.Geometry:
        """A WGS-84 geometry in this CRS (axes in its order, rounded)."""

        def move(coords: FloatArray) -> FloatArray:
            a, b = self.from_lonlat(coords[:, 0], coords[:, 1])
            return np.column_stack([a, b])

        return shapely.transform(geom, move)


SUPPORTED: tuple[Crs, ...] = (
    Crs(CRS84, 0, False, 7),
    Crs(_EPSG + "4326", 4326, True, 7),
    Crs(_EPSG + "4490", 4490, True, 7),
    Crs(_EPSG + "3857", 3857, False, 2),
)
DEFAULT = SUPPORTED[0]
URIS = tuple(c.uri for c in SUPPORTED)
_ALIASES = {
    "crs84": SUPPORTED[0], "ogc:crs84": SUPPORTED[0], "[ogc:crs84]": SUPPORTED[0],
    **{alias: c for c in SUPPORTED[1:]
       for alias in (f"epsg:{c.epsg}", f"[epsg:{c.epsg}]", str(c.epsg))},
}


def parse_crs(value: str | None, field: str = "crs") -> Crs:
    """The CRS a ``crs`` or ``bbox-crs`` parameter names (a URI or a CURIE such as
    ``EPSG:4490``); CRS84 when not given."""
    if value is None or value == "":
        return DEFAULT
    text = value.strip()
    for crs in SUPPORTED:
        if text in (crs.uri, crs.uri.replace("http://", "https://", 1)):
            return crs
    found = _ALIASES.get(text.lower())
    if found is None:
        raise InvalidInput(field, f"不支持的坐标参考系 / unsupported CRS {value!r}; 可用 / use one of "
                                  f"{', '.join(URIS)}")
    return found


def parse_bbox(value: str | None, crs: Crs) -> tuple[float, float, float, float] | None:
    """A ``bbox`` (4 or 6 numbers, in ``crs``'s axis order) as WGS-84 west, south, east,
    north; ``west > east`` when it crosses 180°."""
    if value is None:
        return None
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(np.isfinite(numbers)):
        raise InvalidInput("bbox", "需要 4 个（或 6 个）数字 / expected 4 (or 6) numbers: "
                                   "lower corner, upper corner")
    if len(numbers) == 6:  # with heights: x1, y1, z1, x2, y2, z2
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    a1, b1, a2, b2 = numbers
    lon, lat = crs.to_lonlat(np.array([a1, a2]), np.array([b1, b2]))
    west, east = float(lon[0]), float(lon[1])
    south, north = float(lat[0]), float(lat[1])
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidInput("bbox", f"范围无效 / bbox out of range for {crs.uri} (lower corner "
                                   "first; south below north)")
    return west, south, east, north
