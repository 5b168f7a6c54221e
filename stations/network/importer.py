"""``stations network import``: an OSM extract into the registry's database.

The network serves the counties of ``--region`` when it is given (the planner says which
region the extract is for); otherwise the counties that lie (nine tenths of their area or
more) inside the extract's extent. Coverage in those counties is measured along its roads;
elsewhere it falls back to circles. A new import replaces the networks of the same profile
that serve any of the same counties (or, for networks serving no whole county, that
overlap its extent, when either serves none): one network per county and profile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import shapely
from sqlalchemy import Engine

from geodata.errors import GeodataError
from geodata.regions import Region, region, regions_frame
from stations.errors import InvalidInput
from stations.network.osm import Progress, read_osm
from stations.network.profiles import get_profile
from stations.network.store import NetworkInfo, list_networks, save_network

SERVED_SHARE = 0.9


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    network_id: int
    profile: str
    region: str | None
    counties: int
    nodes: int
    segments: int
    length_km: float
    replaced: tuple[int, ...]
    read_seconds: float
    write_seconds: float


def import_network(engine: Engine, path: str | Path, *, profile: str = "walk",
                   region_key: str | None = None, offset: tuple[float, float] = (0.0, 0.0),
                   progress: Progress | None = None) -> ImportReport:
    """Read an OSM extract and store its network for ``profile``.

    Raises
    ------
    InvalidInput
        Naming ``profile``, ``region`` or ``file``.
    """
    chosen = get_profile(profile)
    served_region = _region(region_key) if region_key else None
    path = Path(path)
    started = time.perf_counter()
    graph = read_osm(path, chosen, offset=offset, progress=progress)
    read_seconds = time.perf_counter() - started
    hull = shapely.convex_hull(shapely.multipoints(
        shapely.points(graph.lon, graph.lat)))
    counties = (_counties_under(served_region) if served_region is not None
                else _counties_inside(hull))
    replaced = tuple(n.id for n in list_networks(engine, profile=chosen.name)
                     if _replaces(n, counties, hull))
    started = time.perf_counter()
    network_id = save_network(
        engine, graph, profile=chosen.name,
        region=served_region.adcode if served_region is not None else None,
        counties=counties, source=path.name, source_bytes=path.stat().st_size,
        replaces=replaced, progress=progress)
    return ImportReport(
        network_id=network_id, profile=chosen.name,
        region=served_region.adcode if served_region is not None else None,
        counties=len(counties), nodes=graph.n_nodes, segments=graph.n_segments,
        length_km=float(graph.length_m.sum() / 1000.0), replaced=replaced,
        read_seconds=read_seconds, write_seconds=time.perf_counter() - started)


def _region(key: str) -> Region:
    try:
        return region(key)
    except GeodataError as exc:
        raise InvalidInput("region", str(exc)) from None


def _counties_under(top: Region) -> list[str]:
    if top.level == "county":
        return [top.adcode]
    found: list[str] = []
    frontier = [top]
    while frontier:
        current = frontier.pop()
        for child in current.children():
            (found.append(child.adcode) if child.level == "county" else frontier.append(child))
    return sorted(found)


def _counties_inside(hull: shapely.Geometry) -> list[str]:
    counties = regions_frame("county")
    geoms = counties.geometry.to_numpy()
    near = shapely.STRtree(geoms).query(hull, predicate="intersects")
    if near.size == 0:
        return []
    shared = shapely.area(shapely.intersection(geoms[near], hull))
    share = shared / shapely.area(geoms[near])
    return sorted(counties["adcode"].to_numpy()[near][share >= SERVED_SHARE].tolist())


def _replaces(old: NetworkInfo, counties: list[str], hull: shapely.Geometry) -> bool:
    if counties and old.counties:
        return bool(set(old.counties) & set(counties))
    return bool(shapely.intersects(old.hull, hull))
