"""Colours and symbols shared by the coverage map and its picture."""

from __future__ import annotations

import numpy as np

RATIO_BINS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0)
RATIO_COLOURS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
STANDING_COLOURS = {
    "compliant": ("#2e7d32", "合格"),
    "failing": ("#c62828", "不合格"),
    "overdue": ("#ef6c00", "检查逾期"),
    "never_inspected": ("#757575", "未检查"),
}
UNKNOWN_STANDING = ("#9e9e9e", "未知")
KIND_STYLE = {"outdoor_worker_station": (5, 1), "driver_home": (8, 3)}  # radius px, border px
COVER_COLOUR = "#e6550d"
GAP_COLOUR = "#6a1b9a"
SITE_COLOUR = "#d81b60"
DENSITY_BINS = (1, 5, 20, 100, 500, 2000)
DENSITY_COLOURS = ("#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15")


def ratio_colour(ratio: float) -> str:
    """Choropleth colour of a coverage ratio (0 to 1)."""
    for i in range(len(RATIO_COLOURS)):
        if ratio < RATIO_BINS[i + 1]:
            return RATIO_COLOURS[i]
    return RATIO_COLOURS[-1]


def density_colour(count: int) -> str:
    """Colour of a hexagon holding ``count`` stations."""
    index = int(np.searchsorted(DENSITY_BINS, count, side="right")) - 1
    return DENSITY_COLOURS[max(0, min(index, len(DENSITY_COLOURS) - 1))]
