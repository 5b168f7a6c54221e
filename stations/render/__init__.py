"""Maps the app renders: coverage maps (folium pages, PNG pictures) with local assets."""

from stations.render.assets import inline_assets, render_html, use_local_assets
from stations.render.coverage_map import CoverageMap, coverage_map

__all__ = ["CoverageMap", "coverage_map", "inline_assets", "render_html", "use_local_assets"]
