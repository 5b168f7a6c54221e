"""Road networks in the registry's database: save, list, load, remove.

Nodes and segments go in by ``COPY`` on PostgreSQL and one ``executemany`` of tuples per
chunk on SQLite, and come back straight from the driver's cursor: a city's network is
millions of rows of plain numbers. Saving or
removing a network bumps the registry's revision: coverage answers depend on the networks,
and every instance notices within its polling interval.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, Table, delete, select

from stations.errors import NotFound
from stations.network.graph import RoadGraph
from stations.store.engine import bulk_insert, gc_paused
from stations.store.network_tables import (
    RoadNetworkCountyRow,
    RoadNetworkRow,
    RoadNodeRow,
    RoadSegmentRow,
)
from stations.store.revision import revision_bump

Progress = Callable[[str, int, int], None]
CHUNK = 50_000
WRITING = "写入数据库 / writing to the database"
_EDGE = 0.005  # degrees (~500 m): places this far outside the extent may still be on a road


@dataclass(frozen=True)
class NetworkInfo:
    """What is known about a stored network without loading it."""

    id: int
    profile: str
    region: str | None
    counties: tuple[str, ...]
    source: str
    source_bytes: int
    imported_at: datetime
    node_count: int
    segment_count: int
    length_km: float
    bounds: tuple[float, float, float, float]
    hull: shapely.Geometry

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "profile": self.profile, "region": self.region,
            "counties": len(self.counties), "source": self.source,
            "imported_at": self.imported_at.isoformat(), "nodes": self.node_count,
            "segments": self.segment_count, "length_km": round(self.length_km, 1),
            "bounds": [round(v, 6) for v in self.bounds],
        }

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies in the network's extent (or just off its edge, where a
        place by the outermost road still is)."""
        west, south, east, north = self.bounds
        if not (west - _EDGE <= lon <= east + _EDGE and south - _EDGE <= lat <= north + _EDGE):
            return False
        return bool(shapely.dwithin(self.hull, shapely.Point(lon, lat), _EDGE))


def save_network(engine: Engine, graph: RoadGraph, *, profile: str, region: str | None,
                 counties: Iterable[str], source: str, source_bytes: int,
                 replaces: Iterable[int] = (), progress: Progress | None = None) -> int:
    """Store a network (removing those it replaces) in one transaction; returns its id."""
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([graph.lon, graph.lat])))
    west, south, east, north = graph.bounds
    total = graph.n_nodes + graph.n_segments
    with engine.begin() as connection, gc_paused():
        for old in replaces:
            _delete(connection, old)
        result = connection.execute(_table(RoadNetworkRow).insert().values(
            profile=profile, region=region, source=source, source_bytes=int(source_bytes),
            imported_at=datetime.now().astimezone(), node_count=graph.n_nodes,
            segment_count=graph.n_segments, length_km=float(graph.length_m.sum() / 1000.0),
            west=west, south=south, east=east, north=north,
            hull=shapely.to_wkt(hull, rounding_precision=7)))
        network_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        bulk_insert(connection, _table(RoadNetworkCountyRow),
                    [{"network_id": network_id, "adcode": a} for a in sorted(set(counties))])
        done = 0
        for table, columns in (
            (RoadNodeRow, {"node": range(graph.n_nodes), "osm_id": graph.osm_id.tolist(),
                           "lon": graph.lon.tolist(), "lat": graph.lat.tolist()}),
            (RoadSegmentRow, {"segment": range(graph.n_segments), "a": graph.a.tolist(),
                              "b": graph.b.tolist(), "length_m": graph.length_m.tolist(),
                              "seconds": graph.seconds.tolist(), "oneway": graph.oneway.tolist()}),
        ):
            size = len(columns[next(iter(columns))])
            for start in range(0, size, CHUNK):
                stop = min(start + CHUNK, size)
                chunk = {"network_id": [network_id] * (stop - start)} | {
                    k: v[start:stop] for k, v in columns.items()}
                _insert_columns(connection, _table(table), chunk)
                done += stop - start
                if progress is not None:
                    progress(WRITING, done, total)
        _bump(connection)
    return network_id


def list_networks(engine: Engine, *, profile: str | None = None) -> list[NetworkInfo]:
    """Every stored network (of a profile), oldest first."""
    query = select(RoadNetworkRow).order_by(RoadNetworkRow.id)
    if profile is not None:
        query = query.where(RoadNetworkRow.profile == profile)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        counties: dict[int, list[str]] = {}
        for network_id, adcode in connection.execute(
                select(RoadNetworkCountyRow.network_id, RoadNetworkCountyRow.adcode)):
            counties.setdefault(int(network_id), []).append(str(adcode))
    return [NetworkInfo(
        id=int(r.id), profile=r.profile, region=r.region,
        counties=tuple(sorted(counties.get(int(r.id), ()))), source=r.source,
        source_bytes=int(r.source_bytes), imported_at=r.imported_at,
        node_count=int(r.node_count), segment_count=int(r.segment_count),
        length_km=float(r.length_km), bounds=(r.west, r.south, r.east, r.north),
        hull=shapely.from_wkt(r.hull)) for r in rows]


def load_graph(engine: Engine, network_id: int) -> RoadGraph:
    """The stored network as a :class:`RoadGraph`."""
    nodes_t, segs_t = _table(RoadNodeRow), _table(RoadSegmentRow)
    queries = [
        select(nodes_t.c.osm_id, nodes_t.c.lon, nodes_t.c.lat)
        .where(nodes_t.c.network_id == int(network_id)).order_by(nodes_t.c.node),
        select(segs_t.c.a, segs_t.c.b, segs_t.c.length_m, segs_t.c.seconds, segs_t.c.oneway)
        .where(segs_t.c.network_id == int(network_id)).order_by(segs_t.c.segment),
    ]
    with engine.connect() as connection:
        # millions of plain numbers: straight from the driver's cursor, no row objects
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            found = []
            for query in queries:
                cursor.execute(str(query.compile(dialect=engine.dialect,
                                                 compile_kwargs={"literal_binds": True})))
                found.append(cursor.fetchall())
        finally:
            cursor.close()
    nodes, segments = found
    if not nodes:
        raise NotFound(f"没有编号为 {network_id} 的路网 / no road network {network_id}")
    node_array = np.array(nodes, dtype=np.float64).reshape(-1, 3)  # OSM ids < 2**53: exact
    seg_array = np.array(segments, dtype=np.float64).reshape(-1, 5)
    return RoadGraph(
        lon=node_array[:, 1].copy(), lat=node_array[:, 2].copy(),
        osm_id=node_array[:, 0].astype(np.int64), a=seg_array[:, 0].astype(np.int64),
        b=seg_array[:, 1].astype(np.int64), length_m=seg_array[:, 2].copy(),
        seconds=seg_array[:, 3].copy(), oneway=seg_array[:, 4].astype(bool))


def remove_network(engine: Engine, network_id: int) -> None:
    """Delete a stored network."""
    with engine.begin() as connection:
        found = connection.execute(select(RoadNetworkRow.id).where(
            RoadNetworkRow.id == network_id)).first()
        if found is None:
            raise NotFound(f"没有编号为 {network_id} 的路网 / no road network {network_id}")
        _delete(connection, network_id)
        _bump(connection)


def _delete(connection: Any, network_id: int) -> None:
    # children first: SQLite's cascade is row by row and slower than these deletes
    for table in (RoadSegmentRow, RoadNodeRow, RoadNetworkCountyRow):
        connection.execute(delete(table).where(table.network_id == network_id))
    connection.execute(delete(RoadNetworkRow).where(RoadNetworkRow.id == network_id))


def _bump(connection: Any) -> None:
    connection.execute(revision_bump())


def _insert_columns(connection: Any, table: Table, columns: dict[str, Any]) -> None:
    """Insert rows given as columns of plain numbers: ``COPY`` on PostgreSQL, one
    ``executemany`` of tuples on SQLite (no per-row dictionaries: millions of rows)."""
    names = list(columns)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            # one text block per chunk, formatted by pandas in C (write_row is Python per row)
            block = pd.DataFrame({k: list(v) for k, v in columns.items()}).to_csv(
                sep="\t", header=False, index=False)
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(block)
        else:
            marks = ", ".join("?" * len(names))
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
                               zip(*columns.values(), strict=True))
    finally:
        cursor.close()


def _table(row: Any) -> Table:
    return cast(Table, row.__table__)
