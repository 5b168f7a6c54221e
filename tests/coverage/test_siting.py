"""Suggested sites (maximal covering location) on cases whose best answer is known."""

from __future__ import annotations

import h3
import numpy as np
import pytest

from stations.coverage.analysis import analyse
from stations.coverage.demand import Demand
from stations.coverage.query import parse_query
from stations.errors import InvalidInput
from tests.support.coverage import GEOD, clustered_demand, offset, stations

JINSHUI = (113.7320, 34.8194)
A, B, C = JINSHUI, offset(JINSHUI, east_m=6_000), offset(JINSHUI, east_m=-5_000, north_m=3_000)
QUERY = parse_query("410100", radius_m=1_000, kind="outdoor_worker_station")


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def test_two_sites_go_to_the_two_heaviest_clusters() -> None:
    demand = clustered_demand([(A, 100.0), (B, 60.0), (C, 10.0)])
    result = analyse(stations([]), QUERY, demand=demand, suggest=2)
    first, second = result.suggestions
    assert metres((first.lon, first.lat), A) < 1_000 and first.gain_weight == pytest.approx(100)
    assert metres((second.lon, second.lat), B) < 1_000 and second.gain_weight == pytest.approx(60)
    assert first.adcode == "410105" and first.rank == 1
    after = result.to_json()["suggested_coverage"]
    assert after["demand_coverage_ratio_after"] == pytest.approx(160 / 170, abs=1e-4)


def test_existing_stations_stay_and_new_sites_fill_what_they_miss() -> None:
    demand = clustered_demand([(A, 100.0), (B, 60.0), (C, 10.0)])
    result = analyse(stations([A]), QUERY, demand=demand, suggest=2)
    sites = [(s.lon, s.lat) for s in result.suggestions]
    assert metres(sites[0], B) < 1_000
    assert metres(sites[1], C) < 1_000
    assert [s.gain_weight for s in result.suggestions] == pytest.approx([60, 10])


def test_no_more_sites_than_add_anything() -> None:
    demand = clustered_demand([(A, 100.0), (B, 60.0)])
    result = analyse(stations([A]), QUERY, demand=demand, suggest=5)
    assert len(result.suggestions) == 1


def test_the_model_beats_picking_the_biggest_site_first() -> None:
    """Demand on four hexagons in a row, a b . c d: a site reaches its own and adjacent cells.

    The single best site covers b and c (5 + 5); taking it first leaves 4 more at best
    (14). Two sites, one for a and b and one for c and d, cover all 18.
    """
    start = h3.latlng_to_cell(JINSHUI[1], JINSHUI[0], 8)
    end = h3.grid_ring(start, 5)[0]
    line = h3.grid_path_cells(start, end)  # six cells in a straight row
    centres = [h3.cell_to_latlng(c)[::-1] for c in line]
    gaps = [metres(centres[i], centres[i + 1]) for i in range(5)]
    radius = 1_100.0
    assert max(gaps) < radius < min(metres(centres[i], centres[i + 2]) for i in range(4))
    weights = {0: 4.0, 2: 5.0, 3: 5.0, 5: 4.0}  # a, b, c, d
    demand = Demand(np.array([centres[i][0] for i in weights]),
                    np.array([centres[i][1] for i in weights]), np.array(list(weights.values())))
    query = parse_query("410100", radius_m=radius, kind="outdoor_worker_station")
    result = analyse(stations([]), query, demand=demand, suggest=2)
    assert sum(s.gain_weight for s in result.suggestions) == pytest.approx(18)
    assert sorted(line.index(s.cell) for s in result.suggestions) == [1, 4]


def test_suggesting_sites_needs_demand() -> None:
    with pytest.raises(InvalidInput) as caught:
        analyse(stations([A]), QUERY, suggest=2)
    assert caught.value.field == "suggest"
