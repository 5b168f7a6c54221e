"""Reading real OSM extracts and storing networks, on SQLite and PostGIS alike."""

from __future__ import annotations

import numpy as np
import pytest

from stations.errors import InvalidInput, NotFound
from stations.network.importer import import_network
from stations.network.osm import read_osm
from stations.network.profiles import PROFILES, get_profile
from stations.network.service import NetworkService
from stations.network.store import list_networks, load_graph, remove_network
from stations.store.registry import Registry
from tests.support.networks import HELSINKI_OFFSET, TEST_PBF_OFFSET, finnish_pbf, helsinki_pbf


@pytest.mark.parametrize("profile", ["walk", "bike", "drive"])
def test_profiles_keep_the_ways_their_travellers_may_use(profile: str) -> None:
    graph = read_osm(finnish_pbf(), PROFILES[profile], offset=TEST_PBF_OFFSET)
    walk = read_osm(finnish_pbf(), PROFILES["walk"], offset=TEST_PBF_OFFSET)
    assert graph.n_segments > 100
    assert graph.n_segments <= walk.n_segments  # walkers use the most ways
    assert (graph.oneway.any()) == (profile != "walk")  # only walkers ignore one-way streets
    assert (graph.length_m > 0).all() and (graph.length_m < 5_000).all()
    west, south, east, north = graph.bounds
    assert 115 < west < east < 116 and 35 < south < north < 35.5  # moved into China


def test_drivers_go_faster_on_bigger_roads() -> None:
    graph = read_osm(helsinki_pbf(), PROFILES["drive"], offset=HELSINKI_OFFSET)
    kmh = graph.length_m * 3.6 / graph.seconds
    assert kmh.min() > 0 and kmh.max() <= 100 + 1e-9  # maxspeed may be lower than the class
    assert len(np.unique(np.round(kmh))) > 3


@pytest.mark.parametrize(("kwargs", "field"), [
    pytest.param({"profile": "swim"}, "profile", id="unknown-profile"),
    pytest.param({"region_key": "火星市"}, "region", id="unknown-region"),
    pytest.param({"offset": (0.0, 0.0)}, "file", id="abroad"),
])
def test_bad_imports_name_what_is_wrong(registry: Registry, kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    args = {"profile": "walk", "offset": HELSINKI_OFFSET} | kwargs
    with pytest.raises(InvalidInput) as caught:
        import_network(registry.engine, helsinki_pbf(), **args)
    assert caught.value.field == field
    assert list_networks(registry.engine) == []


def test_a_missing_or_broken_file_is_reported(registry: Registry, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="not found"):
        import_network(registry.engine, tmp_path / "nowhere.osm.pbf")
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a protobuf file at all" * 10)
    with pytest.raises(InvalidInput) as caught:
        import_network(registry.engine, broken)
    assert caught.value.field == "file"


def test_stored_networks_load_back_and_a_new_import_replaces_the_old(registry: Registry) -> None:
    before = registry.revision()
    first = import_network(registry.engine, helsinki_pbf(), profile="walk", region_key="410102",
                           offset=HELSINKI_OFFSET)
    assert registry.revision() > before  # coverage answers must be recomputed
    graph = read_osm(helsinki_pbf(), PROFILES["walk"], offset=HELSINKI_OFFSET)
    stored = load_graph(registry.engine, first.network_id)
    assert stored.n_nodes == graph.n_nodes and stored.n_segments == graph.n_segments
    assert np.allclose(stored.lon, graph.lon) and np.array_equal(stored.b, graph.b)
    assert np.allclose(stored.seconds, graph.seconds)
    assert np.array_equal(stored.osm_id, graph.osm_id)
    drive = import_network(registry.engine, helsinki_pbf(), profile="drive", region_key="410102",
                           offset=HELSINKI_OFFSET)
    again = import_network(registry.engine, helsinki_pbf(), profile="walk", region_key="中原区",
                           offset=HELSINKI_OFFSET)
    assert again.replaced == (first.network_id,) and drive.replaced == ()
    found = {(n.id, n.profile, n.counties) for n in list_networks(registry.engine)}
    assert found == {(drive.network_id, "drive", ("410102",)), (again.network_id, "walk", ("410102",))}
    info = next(n for n in list_networks(registry.engine) if n.profile == "walk")
    assert info.source == "Helsinki.osm.pbf" and info.node_count == graph.n_nodes
    assert info.contains(float(graph.lon[0]), float(graph.lat[0]))
    assert not info.contains(116.4, 39.9)
    remove_network(registry.engine, again.network_id)
    with pytest.raises(NotFound):
        load_graph(registry.engine, again.network_id)
    with pytest.raises(NotFound):
        remove_network(registry.engine, again.network_id)


def test_without_a_region_a_small_extract_serves_no_county(registry: Registry) -> None:
    report = import_network(registry.engine, helsinki_pbf(), offset=HELSINKI_OFFSET)
    assert report.counties == 0 and report.region is None
    # a second import of the same extent replaces it
    again = import_network(registry.engine, helsinki_pbf(), offset=HELSINKI_OFFSET)
    assert again.replaced == (report.network_id,)


def test_the_service_sees_imports_made_elsewhere(registry: Registry) -> None:
    service = NetworkService(registry.engine, registry.revision)
    assert service.catalogue() == [] and not service.active
    import_network(registry.engine, helsinki_pbf(), region_key="410102", offset=HELSINKI_OFFSET)
    assert [n.profile for n in service.catalogue()] == ["walk"] and service.active
    assert set(service.serving("walk", ["410102", "410105"])) == {"410102"}
    assert service.serving("drive", ["410102"]) == {}
    assert service.network_at("walk", 113.624, 34.752) is not None
    assert service.network_at("walk", 116.4, 39.9) is None


def test_profiles_are_named() -> None:
    with pytest.raises(InvalidInput, match="walk, bike, drive"):
        get_profile("fly")
