"""Reading roads from an OpenStreetMap extract (``.osm.pbf``) with pyosmium.

The file is read once, in libosmium's C++ reader: node locations are kept in its index and
only ways with a ``highway`` tag reach Python, where the profile decides which are used
(access tags, one-way streets, speeds). A province's extract needs a few hundred megabytes
for node locations, not the whole file in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from geodata.china import in_china
from stations.errors import InvalidInput
from stations.network.graph import RoadGraph, build_graph
from stations.network.profiles import Profile

Progress = Callable[[str, int, int], None]
READING = "读取道路 / reading roads"
_REPORT_EVERY = 5_000


def read_osm(path: str | Path, profile: Profile, *, offset: tuple[float, float] = (0.0, 0.0),
             progress: Progress | None = None) -> RoadGraph:
    """The road graph of an OSM extract for one profile.

    Parameters
    ----------
    path : str or Path
        An ``.osm.pbf`` (or ``.osm``, ``.osm.bz2``) file.
    profile : Profile
    offset : (float, float)
        Degrees added to every longitude and latitude: moves a foreign extract into China
        for trials and tests (its shape is what matters).
    progress : callable, optional
        ``progress(stage, done, total)``; ``total`` is 0 while unknown.

    Raises
    ------
    InvalidInput
        Naming ``file`` for a missing or unreadable file, or one with no usable road.
    """
    import osmium

    path = Path(path)
    if not path.is_file():
        raise InvalidInput("file", f"文件不存在 / file not found: {path}")
    ids: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    counts: list[int] = []
    speeds: list[float] = []
    directions: list[int] = []
    ways = 0
    try:
        reader = (osmium.FileProcessor(str(path)).with_locations()
                  .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                  .with_filter(osmium.filter.KeyFilter("highway")))
        for way in reader:
            ways += 1
            if progress is not None and ways % _REPORT_EVERY == 0:
                progress(READING, ways, 0)
            tags = dict(way.tags)
            kmh = profile.way_speed(tags)
            if kmh is None:
                continue
            direction = profile.direction(tags)
            n = 0
            for node in way.nodes:  # type: ignore[union-attr]  # the filter passes ways only
                location = node.location
                if location.valid():
                    ids.append(node.ref)
                    lons.append(location.lon)
                    lats.append(location.lat)
                    n += 1
                    continue
                # a node outside the extract: the way goes on as a new run beyond it
                n = _end_run(n, ids, lons, lats, counts, speeds, directions, kmh, direction)
            _end_run(n, ids, lons, lats, counts, speeds, directions, kmh, direction)
    except RuntimeError as exc:
        raise InvalidInput("file", f"无法读取 OSM 文件 / cannot read the OSM file {path.name}: "
                                   f"{exc}") from None
    if progress is not None:
        progress(READING, ways, ways)
    if not counts:
        raise InvalidInput("file", f"文件中没有{profile.zh}可用的道路 / no road in {path.name} "
                                   f"that the {profile.name} profile may use")
    node_ids = np.asarray(ids, dtype=np.int64)
    lon = np.asarray(lons, dtype=np.float64) + offset[0]
    lat = np.asarray(lats, dtype=np.float64) + offset[1]
    unique, first, inverse = np.unique(node_ids, return_index=True, return_inverse=True)
    sizes = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(sizes)
    is_last = np.zeros(node_ids.size, dtype=bool)
    is_last[ends - 1] = True
    starts = np.flatnonzero(~is_last)
    way_of = np.repeat(np.arange(sizes.size), sizes - 1)
    graph = build_graph(lon[first], lat[first], inverse[starts], inverse[starts + 1],
                        np.asarray(speeds)[way_of], np.asarray(directions, np.int8)[way_of],
                        osm_id=unique)
    inside = np.asarray(in_china(graph.lon, graph.lat), dtype=bool)
    if not inside.any():
        raise InvalidInput("file", f"道路不在中国境内 / the roads in {path.name} are not in China "
                                   f"(around {float(np.median(graph.lon)):.3f}, "
                                   f"{float(np.median(graph.lat)):.3f})")
    return graph


def _end_run(n: int, ids: list[int], lons: list[float], lats: list[float], counts: list[int],
             speeds: list[float], directions: list[int], kmh: float, direction: int) -> int:
    """Close a run of ``n`` located nodes of a way: kept as segments if two or more."""
    if n >= 2:
        counts.append(n)
        speeds.append(kmh)
        directions.append(direction)
    elif n:
        del ids[-n:], lons[-n:], lats[-n:]
    return 0
