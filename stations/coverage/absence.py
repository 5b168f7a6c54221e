"""What a coverage answer does not contain, said plainly: no stations, none that match,
none compliant, no gaps.

A planner looking at an empty county is looking at exactly the gap they came for; the map,
the picture, the table and the terminal all say the same sentence instead of drawing
nothing (or failing). Each absence carries its Chinese and English text; ``message`` is
both, as every user-facing message in the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from stations.coverage.query import CoverageQuery

CODES = ("no_stations", "no_match", "no_compliant", "no_gaps")


@dataclass(frozen=True)
class Absence:
    """One thing the answer lacks.

    Attributes
    ----------
    code : str
        ``no_stations`` (none at all in the region), ``no_match`` (none of the kind and
        status asked for), ``no_compliant`` (matching ones, but none compliant), ``no_gaps``
        (gaps asked for, none found).
    zh, en : str
    """

    code: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"

    def text(self, lang: str = "zh") -> str:
        """The sentence in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "zh": self.zh, "en": self.en}


def station_absence(frame: pd.DataFrame, query: CoverageQuery, lookup: dict[str, int],
                    name: str, selected: int) -> Absence | None:
    """Why no station counts in the region (``selected`` is how many do), or None.

    Parameters
    ----------
    frame : pandas.DataFrame
        All stations (``adcode``, ``lon``, ``lat``, ``kind``, ``status``, ``standing``).
    query : CoverageQuery
    lookup : dict
        County adcode → sub-region position: the counties of the region.
    name : str
        The region's name.
    selected : int
        Stations in the region that count.
    """
    if selected:
        return None
    headline_zh = f"{name}没有符合条件的站点"
    headline_en = f"no stations match here ({name})"
    if frame.empty or "adcode" not in frame:
        here = frame.iloc[:0]
    else:
        located = np.isfinite(pd.to_numeric(frame["lon"], errors="coerce").to_numpy(np.float64))
        inside = np.array([isinstance(a, str) and a in lookup for a in frame["adcode"]],
                          dtype=bool)
        here = frame[located & inside] if len(frame) else frame
    if here.empty:
        return Absence("no_stations", f"{headline_zh}：这里还没有任何站点",
                       f"{headline_en}: there are no stations here yet")
    matching = here[here["kind"].isin(query.kinds) & here["status"].isin(query.statuses)]
    if matching.empty:
        return Absence("no_match", f"{headline_zh}：有 {len(here):,} 个站点，但类型或状态不符",
                       f"{headline_en}: {len(here):,} stations, none of the kind or status "
                       "asked for")
    return Absence("no_compliant",
                   f"{headline_zh}：有 {len(matching):,} 个站点，但没有检查合格的",
                   f"{headline_en}: {len(matching):,} stations, none compliant (passed "
                   "inspection)")


def gap_absence(name: str, *, no_stations: bool = False) -> Absence:
    """No uncovered hexagon found in the region (``no_stations``: nothing to rank by, so
    the whole region is uncovered rather than gap-free)."""
    if no_stations:
        return Absence("no_gaps", f"{name}没有列出覆盖空白：这里没有站点可作参照",
                       f"no gaps listed for {name}: there are no stations here to rank by")
    return Absence("no_gaps", f"{name}没有找到覆盖空白", f"no gaps found in {name}")
