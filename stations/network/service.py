"""The networks a process works with: the catalogue, loaded graphs and distance fields.

The catalogue (one small query) is reread when the registry's revision moves: an import
or removal bumps it. Graphs are loaded from the database when first needed and kept;
distance fields are kept per network, weight and selection of stations, and repaired
incrementally when the stations change (:func:`stations.network.field.update_field`).

The web app asks :meth:`NetworkService.ready_network` on its hot path: it never waits
for a load (a graph not yet in memory is loaded in the background, and answers go on
without road distances meanwhile), and with no network stored it costs one attribute read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine

from stations.network.field import DistanceField, solve_field, update_field
from stations.network.graph import RoadGraph, Snaps, snap
from stations.network.profiles import Profile
from stations.network.store import NetworkInfo, list_networks, load_graph

log = logging.getLogger(__name__)
_FIELDS_KEPT = 16


class NetworkService:
    """Road networks of one registry database.

    Parameters
    ----------
    engine : Engine
    revision : callable
        The registry's current revision (a database read).
    """

    def __init__(self, engine: Engine, revision: Callable[[], int]) -> None:
        self.engine = engine
        self._revision = revision
        self._lock = threading.RLock()
        self._seen: int | None = None
        self._catalogue: list[NetworkInfo] = []
        self._graphs: dict[int, RoadGraph] = {}
        self._loading: set[int] = set()
        self._fields: dict[Hashable, DistanceField] = {}
        self._snaps: dict[Hashable, Snaps] = {}
        self._refreshing = False
        self.active = False
        """Whether any network is stored (as of the last refresh)."""

    # -- catalogue ---------------------------------------------------------------
    def refresh(self, revision: int | None = None) -> list[NetworkInfo]:
        """Reread the catalogue if the revision moved; drop what no longer exists."""
        revision = self._revision() if revision is None else revision
        with self._lock:
            if self._seen == revision:
                return self._catalogue
        catalogue = list_networks(self.engine)
        with self._lock:
            ids = {n.id for n in catalogue}
            for gone in [i for i in self._graphs if i not in ids]:
                del self._graphs[gone]
            for key in [k for k in self._fields if k[0] not in ids]:  # type: ignore[index]
                del self._fields[key]
            self._catalogue = catalogue
            self._seen = revision
            self.active = bool(catalogue)
        return catalogue

    def seen(self, revision: int) -> None:
        """Note the registry's revision as known elsewhere (the search index's keeper):
        refresh in the background when it moved, never on the caller's thread."""
        if revision == self._seen or self._refreshing:
            return
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        threading.Thread(target=self._quiet_refresh, args=(revision,), daemon=True,
                             name="network-catalogue").start()

    def catalogue(self) -> list[NetworkInfo]:
        return self.refresh()

    def serving(self, profile: str, counties: Sequence[str]) -> dict[str, NetworkInfo]:
        """County adcode → the network of ``profile`` that serves it."""
        wanted = set(counties)
        out: dict[str, NetworkInfo] = {}
        for info in self.refresh():
            if info.profile == profile:
                for adcode in info.counties:
                    if adcode in wanted:
                        out[adcode] = info
        return out

    # -- graphs ------------------------------------------------------------------
    def graph(self, network_id: int) -> RoadGraph:
        """The network's graph, loaded now if needed."""
        with self._lock:
            found = self._graphs.get(network_id)
        if found is None:
            found = load_graph(self.engine, network_id)
            with self._lock:
                found = self._graphs.setdefault(network_id, found)
        return found

    def load_all(self) -> None:
        """Load every catalogued graph now (the CLI, tests)."""
        for info in self.refresh():
            self.graph(info.id)

    def start(self) -> None:
        """Read the catalogue now and load the graphs in the background (the web app)."""
        try:
            catalogue = self.refresh()
        except Exception as exc:  # noqa: BLE001 - the service runs without networks
            log.warning("cannot read the road networks: %s", exc)
            return
        for info in catalogue:
            self._load_later(info.id)

    def ready_network(self, profile: str, lon: float, lat: float
                      ) -> tuple[NetworkInfo, RoadGraph] | None:
        """A loaded network of ``profile`` whose extent holds the point, without waiting."""
        for info in self._catalogue:
            if info.profile == profile and info.contains(lon, lat):
                graph = self._graphs.get(info.id)
                if graph is None:
                    self._load_later(info.id)
                    continue
                return info, graph
        return None

    def network_at(self, profile: str, lon: float, lat: float
                   ) -> tuple[NetworkInfo, RoadGraph] | None:
        """:meth:`ready_network`, loading the graph if needed (the CLI)."""
        for info in self.refresh():
            if info.profile == profile and info.contains(lon, lat):
                return info, self.graph(info.id)
        return None

    # -- stations on the network --------------------------------------------------
    def station_snaps(self, info: NetworkInfo, profile: Profile, keys: tuple[Any, ...],
                      lon: Any, lat: Any) -> Snaps:
        """Stations put on the network (cached for the same stations)."""
        key = (info.id, "snaps", hash(keys))
        with self._lock:
            found = self._snaps.get(key)
        if found is None:
            found = snap(self.graph(info.id), lon, lat, profile.max_snap_m)
            with self._lock:
                if len(self._snaps) >= _FIELDS_KEPT:
                    self._snaps.pop(next(iter(self._snaps)))
                self._snaps[key] = found
        return found

    def field(self, info: NetworkInfo, profile: Profile, weight: str, selection: Hashable,
              keys: tuple[Any, ...], lon: Any, lat: Any) -> DistanceField:
        """The nearest-station field of these stations, repaired from the last one of the
        same ``selection`` (kind, statuses, ...) when the stations changed."""
        graph = self.graph(info.id)
        key = (info.id, weight, selection)
        with self._lock:
            old = self._fields.get(key)
        if old is not None and old.keys == keys:
            return old
        snaps = self.station_snaps(info, profile, keys, np.asarray(lon, float), np.asarray(lat, float))
        if old is None:
            new = solve_field(graph, keys, snaps, weight, profile.access_kmh)
        else:
            new = update_field(old, graph, keys, snaps, profile.access_kmh)
        with self._lock:
            self._fields.pop(key, None)
            if len(self._fields) >= _FIELDS_KEPT:
                self._fields.pop(next(iter(self._fields)))
            self._fields[key] = new
        return new

    # -- internals ---------------------------------------------------------------
    def _load_later(self, network_id: int) -> None:
        with self._lock:
            if network_id in self._loading or network_id in self._graphs:
                return
            self._loading.add(network_id)

        def run() -> None:
            try:
                self.graph(network_id)
            except Exception as exc:  # noqa: BLE001 - answers go on without road distances
                log.warning("cannot load road network %s: %s", network_id, exc)
            finally:
                with self._lock:
                    self._loading.discard(network_id)

        threading.Thread(target=run, daemon=True, name=f"network-{network_id}").start()

    def _quiet_refresh(self, revision: int) -> None:
        try:
            for info in self.refresh(revision):
                if info.id not in self._graphs:
                    self._load_later(info.id)
        except Exception as exc:  # noqa: BLE001 - keep the last catalogue
            log.warning("cannot refresh the road networks: %s", exc)
        finally:
            self._refreshing = False
