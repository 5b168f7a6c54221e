"""A static coverage picture for reports (PNG, matplotlib; no tiles, no network).

Sub-regions shaded by coverage ratio, the covered area, stations by kind and standing,
gaps and suggested sites when present, with a title, a legend and a scale bar. Labels
are Chinese: a CJK font is taken from the system (Noto Sans CJK, WenQuanYi, SimHei, ...)
or from the ``mplfonts`` package, which ships Noto Sans CJK SC.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from stations.coverage.analysis import CoverageResult
from stations.render.style import (
    COVER_COLOUR,
    GAP_COLOUR,
    RATIO_BINS,
    RATIO_COLOURS,
    SITE_COLOUR,
    STANDING_COLOURS,
    UNKNOWN_STANDING,
    ratio_colour,
)

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                 "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC")


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """A font family that can draw Chinese, registering the bundled one if needed."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    return None


def render_png(result: CoverageResult, path: str | Path, *, dpi: int = 150) -> Path:
    """Draw the coverage of a result and save it as a PNG.

    Parameters
    ----------
    result : CoverageResult
    path : str or Path
        Where to write the picture.
    dpi : int
        Resolution.

    Returns
    -------
    Path
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    font = cjk_font()
    zh = font is not None
    rc: dict[str, Any] = {"axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    with plt.rc_context(rc):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(10, 8.5), dpi=dpi)
        _draw_regions(ax, result)
        _draw_coverage(ax, result)
        _draw_stations(ax, result)
        _draw_gaps_and_sites(ax, result)
        west, south, east, north = result.region.geometry.bounds
        pad_x, pad_y = (east - west) * 0.03, (north - south) * 0.03
        ax.set_xlim(west - pad_x, east + pad_x)
        ax.set_ylim(south - pad_y, north + pad_y)
        ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
        ax.set_xlabel("经度" if zh else "longitude")
        ax.set_ylabel("纬度" if zh else "latitude")
        _scale_bar(ax, west, east, south, north)
        totals = result.totals()
        radius = " / ".join(f"{r / 1000:g} km" if r >= 1000 else f"{r:g} m"
                            for r in sorted(set(result.query.radii_m.values())))
        name = result.region.name if zh else result.region.adcode
        title = (f"{name} 站点覆盖（半径 {radius}）" if zh else
                 f"Station coverage of {name} (radius {radius})")
        subtitle = (f"站点 {totals['stations']:,} 个 · 面积覆盖率 {totals['coverage_ratio']:.1%}"
                    if zh else f"{totals['stations']:,} stations · "
                    f"{totals['coverage_ratio']:.1%} of the area covered")
        if "demand_coverage_ratio" in totals:
            subtitle += (f" · 需求覆盖率 {totals['demand_coverage_ratio']:.1%}" if zh
                         else f" · {totals['demand_coverage_ratio']:.1%} of demand")
        ax.set_title(f"{title}\n{subtitle}", fontsize=13)
        # what is not there, in the middle of the map: on an empty region it is the picture
        empty = "\n".join(a.text("zh" if zh else "en") for a in result.absences)
        if empty:
            ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center", va="center",  # type: ignore[attr-defined]
                    fontsize=12, wrap=True, zorder=6,
                    bbox={"boxstyle": "round,pad=0.6", "facecolor": "#ffffff", "alpha": 0.9,
                          "edgecolor": "#555555"})
        handles: list[Any] = [Patch(facecolor=c, edgecolor="#777777",
                         label=f"{RATIO_BINS[i]:.0%}–{RATIO_BINS[i + 1]:.0%}")
                   for i, c in enumerate(RATIO_COLOURS)]
        handles.append(Patch(facecolor=COVER_COLOUR, alpha=0.45,
                             label="覆盖范围" if zh else "covered area"))
        for colour, label in [*STANDING_COLOURS.values(), UNKNOWN_STANDING]:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=5,
                                  markerfacecolor=colour, markeredgecolor="#263238",
                                  label=label if zh else f"standing: {colour}"))
        handles.append(Line2D([], [], marker="^", linestyle="", markersize=7,
                              markerfacecolor="#ffffff", markeredgecolor="#263238",
                              label="司机之家" if zh else "driver home"))
        if result.gaps:
            handles.append(Patch(facecolor=GAP_COLOUR, alpha=0.4,
                                 label="覆盖空白" if zh else "gaps"))
        if result.suggestions:
            handles.append(Line2D([], [], marker="*", linestyle="", markersize=12,
                                  markerfacecolor=SITE_COLOUR, markeredgecolor="#ffffff",
                                  label="建议选址" if zh else "suggested sites"))
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5),
                  fontsize=8, title="面积覆盖率 / 图例" if zh else "legend", frameon=False)
        fig.tight_layout()
        path = Path(path)
        # the same sentences as text, for screen readers and tests ("Description" chunk)
        fig.savefig(path, dpi=dpi, metadata={
            "Title": title, "Description": "\n".join(a.message for a in result.absences)})
        plt.close(fig)
    return path


def _patches(ax: object, geoms: object, **style: object) -> None:
    import geopandas as gpd

    series = gpd.GeoSeries(list(geoms))  # type: ignore[call-overload]
    if len(series):
        series.plot(ax=ax, **style)


def _draw_regions(ax: object, result: CoverageResult) -> None:
    colours = [ratio_colour(float(r)) for r in result.table["coverage_ratio"]]
    tolerance = _tolerance(result)
    geoms = [shapely.simplify(s.geometry, tolerance, preserve_topology=True)
             for s in result.subregions]
    _patches(ax, geoms, color=colours, edgecolor="#666666", linewidth=0.5)


def _draw_coverage(ax: object, result: CoverageResult) -> None:
    shapes = result.cover.shapes
    if len(shapes):
        simple = shapely.simplify(shapes, _tolerance(result) / 4, preserve_topology=True)
        _patches(ax, simple, color=COVER_COLOUR, alpha=0.45, linewidth=0)


def _draw_stations(ax: object, result: CoverageResult) -> None:
    stations = result.stations
    if stations.empty:
        return
    size = 6 if len(stations) < 2_000 else 1.5
    standing = stations["standing"].to_numpy(object)
    colours = np.array([STANDING_COLOURS.get(s, UNKNOWN_STANDING)[0] for s in standing])
    driver = (stations["kind"] == "driver_home").to_numpy()
    for mask, marker, scale in ((~driver, "o", 1.0), (driver, "^", 2.5)):
        if mask.any():
            ax.scatter(stations["lon"].to_numpy()[mask], stations["lat"].to_numpy()[mask],  # type: ignore[attr-defined]
                       s=size * scale, c=colours[mask], marker=marker, linewidths=0.2,
                       edgecolors="#263238", zorder=3)


def _draw_gaps_and_sites(ax: object, result: CoverageResult) -> None:
    if result.gaps:
        _patches(ax, [shapely.Polygon(g.boundary()) for g in result.gaps], color=GAP_COLOUR,
                 alpha=0.4, edgecolor=GAP_COLOUR, linewidth=0.8)
    if result.suggestions:
        ax.scatter([s.lon for s in result.suggestions], [s.lat for s in result.suggestions],  # type: ignore[attr-defined]
                   s=160, marker="*", c=SITE_COLOUR, edgecolors="#ffffff", zorder=4)
        for s in result.suggestions:
            ax.annotate(str(s.rank), (s.lon, s.lat), xytext=(6, 6),  # type: ignore[attr-defined]
                        textcoords="offset points", fontsize=8, color=SITE_COLOUR)


def _tolerance(result: CoverageResult) -> float:
    west, south, east, north = result.region.geometry.bounds
    return max(east - west, north - south) / 2000


def _scale_bar(ax: object, west: float, east: float, south: float, north: float) -> None:
    """A bar of a round number of kilometres, about a fifth of the map's width."""
    lat = (south + north) / 2
    km_per_degree = 111.32 * math.cos(math.radians(lat))
    target = (east - west) * km_per_degree / 5
    magnitude = 10 ** math.floor(math.log10(target))
    length_km = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    x0 = west + (east - west) * 0.04
    y0 = south + (north - south) * 0.04
    x1 = x0 + length_km / km_per_degree
    ax.plot([x0, x1], [y0, y0], color="#000000", linewidth=3, solid_capstyle="butt",  # type: ignore[attr-defined]
            zorder=5)
    ax.text((x0 + x1) / 2, y0 + (north - south) * 0.012, f"{length_km:g} km",  # type: ignore[attr-defined]
            ha="center", va="bottom", fontsize=9, zorder=5)
