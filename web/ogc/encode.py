"""Features as GeoJSON bytes, fast: a page of 10,000 stations or a national layer of counties
is written with orjson, region boundaries once per CRS.

Station properties are the export columns (:func:`stations.io.export.station_record`, the
names the ledger import reads back) plus ``updated``, the time of the last change.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import shapely

from stations.core.model import Station
from stations.coverage.region_layer import RegionFeature
from stations.io.export import station_record
from web.ogc.crs import DEFAULT, Crs


def timestamp() -> str:
    """Now, as RFC 3339 UTC (the ``timeStamp`` of a feature collection)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def station_properties(st: Station) -> dict[str, Any]:
    return station_record(st) | {"updated": iso(st.updated_at)}


def station_features(stations: Sequence[Station], crs: Crs) -> list[dict[str, Any]]:
    """GeoJSON Features of stations, coordinates in ``crs``; an unlocated station (no
    coordinates yet, only an address) has a ``null`` geometry."""
    located = [st for st in stations if st.located]
    if crs is DEFAULT:
        points: list[Any] = [[st.lon, st.lat] for st in located]
    else:
        a, b = crs.from_lonlat(np.array([st.lon for st in located], dtype=np.float64),
                               np.array([st.lat for st in located], dtype=np.float64))
        points = np.column_stack([a, b]).tolist()
    where = iter(points)
    return [{"type": "Feature", "id": st.id,
             "geometry": {"type": "Point", "coordinates": next(where)} if st.located else None,
             "properties": station_properties(st)}
            for st in stations]


def collection_bytes(head: dict[str, Any], features: list[dict[str, Any]] | list[bytes]) -> bytes:
    """A FeatureCollection: ``head`` (type, counts, links...) then the features, which may
    already be encoded."""
    encoded = bool(features) and isinstance(features[0], bytes)
    body = b",".join(features) if encoded else orjson.dumps(features)[1:-1]  # type: ignore[arg-type]
    return orjson.dumps(head)[:-1] + b',"features":[' + body + b"]}"


class RegionEncoder:
    """Region features as GeoJSON bytes; each boundary is transformed and written once per
    CRS and kept (boundaries never change, properties are added per request)."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self._geometry: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def geometry(self, feature: RegionFeature, crs: Crs) -> bytes:
        key = (feature.id, crs.uri)
        found = self._geometry.get(key)
        if found is None:
            found = shapely.to_geojson(crs.geometry(feature.geometry)).encode()
            with self._lock:
                if len(self._geometry) >= self.max_entries:
                    self._geometry.clear()
                self._geometry[key] = found
        return found

    def feature(self, feature: RegionFeature, crs: Crs, extra: dict[str, Any] | None = None) -> bytes:
        head = {"type": "Feature", "id": feature.id}
        tail = orjson.dumps(feature.properties)
        parts = [orjson.dumps(head)[:-1], b',"geometry":', self.geometry(feature, crs),
                 b',"properties":', tail]
        if extra:
            parts += [b",", orjson.dumps(extra)[1:-1]]
        return b"".join(parts) + b"}"
