"""The database's own nearest query agrees with the in-memory index (SQLite and PostGIS)."""

from __future__ import annotations

import numpy as np
import pytest

from stations.io.ledger import import_ledger
from stations.io.synth import write_synthetic_csv
from stations.search.index import NearestIndex
from stations.search.sql import nearest_in_database
from stations.store.registry import Registry


@pytest.fixture
def synth_registry(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Registry:
    path = write_synthetic_csv(tmp_path_factory.mktemp("synth") / "s.csv", n=3000, seed=11)
    import_ledger(registry, path)
    return registry


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="unfiltered"),
        pytest.param({"kind": "driver_home"}, id="kind"),
        pytest.param({"services": ["shower", "laundry"]}, id="services"),
        pytest.param({"max_distance_m": 3000.0}, id="max-distance"),
    ],
)
def test_database_nearest_matches_the_index(synth_registry: Registry, filters: dict[str, object]) -> None:
    index = NearestIndex.build(synth_registry.frame())
    rng = np.random.default_rng(5)
    for lon, lat in zip(rng.uniform(100, 122, 15), rng.uniform(22, 42, 15), strict=True):
        expected = index.query(float(lon), float(lat), 5, **filters)  # type: ignore[arg-type]
        got = nearest_in_database(synth_registry, float(lon), float(lat), 5, **filters)  # type: ignore[arg-type]
        assert [f.id for f in got] == [r.id for r in expected]
        assert [f.distance_m for f in got] == pytest.approx([r.distance_m for r in expected], abs=0.2)


def test_database_nearest_refuses_bad_input(registry: Registry) -> None:
    from stations.errors import InvalidInput

    with pytest.raises(InvalidInput, match="lat"):
        nearest_in_database(registry, 113.0, 95.0)
    with pytest.raises(InvalidInput, match="k"):
        nearest_in_database(registry, 113.0, 34.0, k=0)
