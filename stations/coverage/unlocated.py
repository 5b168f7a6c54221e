"""Unlocated stations in coverage tables: counted per region, never covering anything.

A station imported without coordinates has a region from its address (``adcode``: a
county's, or a city's when the address names no county) but no point, so it cannot count
as covering. Planners still need to see it: each sub-region's row gets ``unlocated``, the
stations of the query's kinds and statuses whose region lies in it; those whose region is
larger than any sub-region (a city-level address in a table by county) count in the
region's total only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.regions import Region
from stations.core.filters import adcode_prefix
from stations.coverage.query import CoverageQuery


def count_unlocated(frame: pd.DataFrame, query: CoverageQuery, top: Region,
                    subs: tuple[Region, ...]) -> tuple[np.ndarray, int]:
    """Unlocated stations per sub-region, and those in ``top`` but in no sub-region."""
    counts = np.zeros(len(subs), dtype=int)
    if frame.empty or "adcode" not in frame:
        return counts, 0
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(np.float64)
    chosen = (~np.isfinite(lon) & frame["status"].isin(query.statuses).to_numpy()
              & frame["kind"].isin(query.kinds).to_numpy())
    codes = [a for a in frame["adcode"].to_numpy(object)[chosen] if isinstance(a, str) and a]
    top_prefix = "" if top.level == "country" else adcode_prefix(top.adcode)
    codes = [a for a in codes if a.startswith(top_prefix)]
    prefixes = [adcode_prefix(s.adcode) for s in subs]
    outside = 0
    for code in codes:
        hit = [i for i, p in enumerate(prefixes) if code.startswith(p) and len(adcode_prefix(code)) >= len(p)]
        if hit:
            counts[hit[0]] += 1
        else:
            outside += 1
    return counts, outside
