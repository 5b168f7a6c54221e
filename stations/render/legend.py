"""The coverage map's legend: title, colour keys and notes, in one fixed box."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence

from branca.element import MacroElement, Template

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
from stations.render.words import half, kind_label, standing_label, word


class Legend(MacroElement):
    """A box with the title, the colour keys and notes (content is pre-escaped).

    It folds: a ``<details>`` element, open on screens 600 px wide or more and closed
    (just its summary) on phones, where it would cover the map; there it sits above the
    scale bar instead of beside it.
    """

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="stations-legend" open style="position: fixed; bottom: 28px; right: 10px;
             z-index: 1000; background: rgba(255,255,255,0.95); padding: 6px 10px;
             border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
             font: 12px/1.4 sans-serif; max-height: 70%; max-width: min(320px, 80vw);
             overflow: auto;">
        <summary style="cursor: pointer; font-weight: bold; min-height: 24px;">{{ this.label }}</summary>
        {{ this.content }}
        </details>
        <script>
        (function () {
          var box = document.currentScript.previousElementSibling;
          if (window.matchMedia && window.matchMedia("(max-width: 599px)").matches) {
            box.open = false;
            box.style.bottom = "64px";  /* above the scale bar, which it would cover */
          }
        })();
        </script>
        {% endmacro %}
    """)

    def __init__(self, content: str, label: str = "图例") -> None:
        super().__init__()
        self._name = "Legend"
        self.content = content
        self.label = html.escape(label)


class ScaleBar(MacroElement):
    """A metric scale bar (Leaflet's own control, without miles and feet)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          /* above the attribution, which spans a phone's width */
          .leaflet-bottom.leaflet-left .leaflet-control-scale { margin-bottom: 22px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 150})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScaleBar"


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.S)


def accessible_page(page: str, title: str, lang: str = "zh") -> str:
    """Folium's page with a language, a ``<title>`` and a viewport that allows zooming
    (folium's own sets ``maximum-scale=1`` and ``user-scalable=no``)."""
    code = "en" if lang == "en" else "zh-CN"
    page = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{code}"', page, count=1)
    page = _VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1">',
                         page, count=1)
    if not re.search(r"<title>", page[:4000]):
        page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    return page


def legend_html(result: CoverageResult, *, layers: Collection[str], station_mode: str,
                notes: Sequence[str], lang: str = "zh") -> str:
    """The legend's content for a map with these layers (``station_mode``: markers or
    hexagons), everything escaped. What is not there (no stations, no gaps) comes first,
    in bold: on an empty map it is the message."""
    e = html.escape
    totals = result.totals()
    rows = [f"<b>{e(word('title', lang, name=result.region.name))}</b>"]
    rows += [f'<strong class="stations-empty" role="status">{e(a.text(lang))}</strong>'
             for a in result.absences]
    rows.append(e(word("summary", lang, radius=radius_label(result),
                       stations=f"{totals['stations']:,}",
                       ratio=f"{totals['coverage_ratio']:.1%}")))
    if result.demand is not None:
        rows.append(e(word("demand_summary", lang, ratio=f"{totals['demand_coverage_ratio']:.1%}")))
    rows.append(f"<b>{e(word('ratio', lang))}</b>")
    for i, colour in enumerate(RATIO_COLOURS):
        rows.append(_swatch(colour, f"{RATIO_BINS[i]:.0%} – {RATIO_BINS[i + 1]:.0%}"))
    if "coverage" in layers:
        rows.append(_swatch(COVER_COLOUR, e(word("coverage_layer", lang)), opacity=0.5))
    if "stations" in layers and station_mode == "markers":
        rows.append(f"<b>{e(word('standing_key', lang))}</b>")
        for code in [*STANDING_COLOURS, "unknown"]:
            colour = STANDING_COLOURS[code][0] if code in STANDING_COLOURS else UNKNOWN_STANDING[0]
            rows.append(_dot(colour, e(standing_label(code, lang)), 5))
        rows.append(_dot("#ffffff", e(kind_label("outdoor_worker_station", lang)), 5))
        rows.append(_dot("#ffffff", e(kind_label("driver_home", lang)), 8, border=3))
    elif "stations" in layers:
        rows.append(f"<b>{e(word('density_key', lang))}</b>")
        for i, colour in enumerate(DENSITY_COLOURS):
            upper = DENSITY_BINS[i + 1] - 1 if i + 1 < len(DENSITY_BINS) else None
            rows.append(_swatch(colour, f"{DENSITY_BINS[i]}+" if upper is None
                                else f"{DENSITY_BINS[i]} – {upper}"))
    if "gaps" in layers:
        rows.append(_swatch(GAP_COLOUR, e(word("gaps_layer", lang)), opacity=0.4))
    if "sites" in layers:
        rows.append(_dot(SITE_COLOUR, e(word("sites_layer", lang)), 6))
    for note in [*result.notes, *notes]:
        rows.append(f"<small>{e(half(note, lang))}</small>")
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
