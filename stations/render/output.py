"""Writing a coverage map to a file: a self-contained HTML page or a PNG picture."""

from __future__ import annotations

from pathlib import Path

from stations.config import Settings
from stations.coverage.analysis import CoverageResult
from stations.errors import InvalidInput
from stations.render.assets import inline_assets
from stations.render.coverage_map import coverage_map

OUTPUT_FORMATS = (".html", ".png")


def check_output(path: str | Path) -> Path:
    """An output path ending in ``.html`` or ``.png``, or :class:`InvalidInput` naming ``out``."""
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise InvalidInput("out", f"输出文件须为 .html 或 .png / the output must end in .html "
                                  f"or .png, not {path.name!r}")
    return path


def write_map(result: CoverageResult, path: str | Path, settings: Settings) -> Path:
    """Write the map of a result.

    ``.html``: the interactive map with Leaflet and its plugins inlined, so the file works
    offline (only the tiles need a connection). ``.png``: a static picture for a report.
    """
    path = check_output(path)
    if path.suffix.lower() == ".png":
        from stations.render.picture import render_png

        return render_png(result, path)
    page = coverage_map(result, tile_url=settings.tile_url,
                        tile_attribution=settings.tile_attribution,
                        tile_crs=settings.tile_crs).html()
    path.write_text(inline_assets(page), encoding="utf-8")
    return path
