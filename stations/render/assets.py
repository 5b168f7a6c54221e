"""Leaflet and plugin files for maps, served by the app instead of CDNs.

Folium links its scripts and styles from public CDNs; a planner's office or a phone on a
poor connection may reach none of them. The files our maps need are vendored under
``web/static/vendor/`` (from the npm registry: leaflet 1.9.4, leaflet.markercluster
1.5.3, each with its licence), and every map is rendered through :func:`use_local_assets`,
which points each folium element's links at them through one table, :data:`VENDORED`.
Folium's other defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) serve
``folium.Icon`` markers and Bootstrap popups, which these maps do not use; they are left
out (:data:`NOT_NEEDED`). An element asking for anything else fails loudly rather than
reaching for a CDN.

A map written to a file for use without the server (``stations coverage --out map.html``)
gets the same files inlined: scripts and styles in the page, the images the styles refer
to as ``data:`` URIs (:func:`inline_assets`), so the file works offline but for the tiles.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
STATIC_URL = "/static/vendor/"

# folium's name of each script or style → its vendored file under VENDOR_DIR
VENDORED: dict[str, str] = {
    "leaflet": "leaflet/1.9.4/leaflet.js",
    "leaflet_css": "leaflet/1.9.4/leaflet.css",
    "markerclusterjs": "leaflet.markercluster/1.5.3/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/1.5.3/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/1.5.3/MarkerCluster.Default.css",
}
NOT_NEEDED = frozenset({
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})
_EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""",
                       re.IGNORECASE)
_SCRIPT_TAG = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_STYLE_TAG = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/>')
_CSS_URL = re.compile(r"url\((?P<q>['\"]?)(?P<path>images/[^)'\"]+)(?P=q)\)")


class AssetNotVendored(RuntimeError):
    """A map element needs a script or style that is not in :data:`VENDORED`."""


def use_local_assets(m: folium.Map, base_url: str = STATIC_URL) -> folium.Map:
    """Point every script and style link of a map's elements at the vendored files.

    Parameters
    ----------
    m : folium.Map
    base_url : str
        Where the vendor directory is served (``/static/vendor/`` in the app).

    Returns
    -------
    folium.Map
        The same map.

    Raises
    ------
    AssetNotVendored
        If an element links a file that is neither vendored nor known to be unneeded.
    """
    for element in _walk(m.get_root()):
        if isinstance(element, JSCSSMixin):
            element.default_js = _local(element.default_js, base_url)
            element.default_css = _local(element.default_css, base_url)
    return m


def render_html(m: folium.Map, base_url: str = STATIC_URL) -> str:
    """The map's page, with its scripts and styles served from ``base_url``."""
    html = use_local_assets(m, base_url).get_root().render()
    check_no_cdn(html)
    return html


def inline_assets(html: str, base_url: str = STATIC_URL) -> str:
    """Put the vendored scripts and styles linked from ``base_url`` into the page itself."""

    def script(match: re.Match[str]) -> str:
        path = _vendored_path(match["url"], base_url)
        if path is None:
            return match.group(0)
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match[str]) -> str:
        path = _vendored_path(match["url"], base_url)
        if path is None:
            return match.group(0)
        css = _CSS_URL.sub(lambda u: f"url({_data_uri(path.parent / u['path'])})",
                           path.read_text(encoding="utf-8"))
        return f"<style>{css}</style>"

    return _STYLE_TAG.sub(style, _SCRIPT_TAG.sub(script, html))


def check_no_cdn(html: str) -> None:
    """Refuse a page that would load a script or style from another site."""
    found = _EXTERNAL.search(html)
    if found:
        raise AssetNotVendored(f"外部脚本或样式 / external script or style in the page: "
                               f"{html[found.start():found.end() + 80]!r}")


def _local(links: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    local = []
    for name, url in links:
        if name in NOT_NEEDED:
            continue
        if name not in VENDORED:
            raise AssetNotVendored(f"{name} ({url}) 未本地化 / is not vendored; add it under "
                                   f"web/static/vendor and to stations.render.assets.VENDORED")
        local.append((name, base_url + VENDORED[name]))
    return local


def _walk(element: Element) -> list[Element]:
    found = [element]
    for child in element._children.values():
        found.extend(_walk(child))
    return found


def _vendored_path(url: str, base_url: str) -> Path | None:
    if not url.startswith(base_url):
        return None
    path = (VENDOR_DIR / url[len(base_url):]).resolve()
    return path if path.is_file() and VENDOR_DIR in path.parents else None


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
