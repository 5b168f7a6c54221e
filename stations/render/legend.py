"""The coverage map's legend: title, colour keys and notes, in one fixed box."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

from branca.element import MacroElement, Template

from stations.core.vocab import KINDS
from stations.coverage.analysis import CoverageResult
from stations.render.style import (
    COVER_COLOUR,
    DENSITY_BINS,
    DENSITY_COLOURS,
    GAP_COLOUR,
    RATIO_BINS,
    RATIO_COLOURS,
    SITE_COLOUR,
    STANDING_COLOURS,
    UNKNOWN_STANDING,
)


class Legend(MacroElement):
    """A fixed box with the title, the colour keys and notes (content is pre-escaped)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="stations-legend" style="position: fixed; bottom: 24px; left: 10px;
             z-index: 1000; background: rgba(255,255,255,0.92); padding: 8px 10px;
             border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
             font: 12px/1.4 sans-serif; max-height: 70%; max-width: 320px; overflow: auto;">
        {{ this.content }}
        </div>
        {% endmacro %}
    """)

    def __init__(self, content: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.content = content


def legend_html(result: CoverageResult, *, layers: Collection[str], station_mode: str,
                notes: Sequence[str]) -> str:
    """The legend's content for a map with these layers (``station_mode``: markers or
    hexagons), everything escaped."""
    e = html.escape
    totals = result.totals()
    rows = [f"<b>{e(result.region.name)} 站点覆盖图</b>",
            f"半径 {e(radius_label(result))} · 站点 {totals['stations']:,} · "
            f"面积覆盖率 {totals['coverage_ratio']:.1%}"]
    if result.demand is not None:
        rows.append(f"需求覆盖率 {totals['demand_coverage_ratio']:.1%}")
    rows.append("<b>面积覆盖率</b>")
    for i, colour in enumerate(RATIO_COLOURS):
        rows.append(_swatch(colour, f"{RATIO_BINS[i]:.0%} – {RATIO_BINS[i + 1]:.0%}"))
    rows.append(_swatch(COVER_COLOUR, "覆盖范围", opacity=0.5))
    if station_mode == "markers":
        rows.append("<b>站点（颜色：检查状态）</b>")
        for colour, label in [*STANDING_COLOURS.values(), UNKNOWN_STANDING]:
            rows.append(_dot(colour, label, 5))
        rows.append(_dot("#ffffff", KINDS["outdoor_worker_station"].zh, 5))
        rows.append(_dot("#ffffff", KINDS["driver_home"].zh, 8, border=3))
    else:
        rows.append("<b>每个六边形内的站点数</b>")
        for i, colour in enumerate(DENSITY_COLOURS):
            upper = DENSITY_BINS[i + 1] - 1 if i + 1 < len(DENSITY_BINS) else None
            rows.append(_swatch(colour, f"{DENSITY_BINS[i]}+" if upper is None
                                else f"{DENSITY_BINS[i]} – {upper}"))
    if "gaps" in layers:
        rows.append(_swatch(GAP_COLOUR, "覆盖空白", opacity=0.4))
    if "sites" in layers:
        rows.append(_dot(SITE_COLOUR, "建议选址", 6))
    for note in [*result.notes, *notes]:
        rows.append(f"<small>{e(note)}</small>")
    return "<br>".join(rows)


def _swatch(colour: str, label: str, opacity: float = 1.0) -> str:
    return (f'<span style="display:inline-block;width:14px;height:10px;background:{colour};'
            f'opacity:{opacity};border:1px solid #999;margin-right:4px"></span>{label}')


def _dot(colour: str, label: str, radius: int, border: int = 1) -> str:
    size = 2 * radius
    return (f'<span style="display:inline-block;width:{size}px;height:{size}px;'
            f'border-radius:50%;background:{colour};border:{border}px solid #263238;'
            f'margin-right:4px;vertical-align:middle"></span>{label}')


def radius_label(result: CoverageResult) -> str:
    if result.reach is not None:  # along roads (stations.coverage.reach)
        r = result.reach
        how = f"{r['minutes']:g} min" if r["minutes"] is not None else f"{r['reach_m']:g} m"
        return f"{r['network']} {how}, roads"
    radii = sorted(set(result.query.radii_m.values()))
    return " / ".join(f"{r / 1000:g} km" if r >= 1000 else f"{r:g} m" for r in radii)
