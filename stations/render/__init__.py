"""Maps the app renders: coverage maps (folium pages, PNG pictures) with local assets
(Leaflet is vendored under ``vendor/``; the web app serves it at ``/static/vendor/``).

Not web code: the CLI writes maps too. May import: ``stations.core``,
``stations.coverage``, ``stations.config``.
"""

from stations.render.assets import inline_assets, render_html, use_local_assets
from stations.render.coverage_map import CoverageMap, coverage_map

__all__ = ["CoverageMap", "coverage_map", "inline_assets", "render_html", "use_local_assets"]
