"""The coverage map for planners (folium): who is covered where, at a glance.

Layers, each switchable in the layer control:

- 行政区覆盖率: sub-regions shaded by coverage ratio (choropleth, legend);
- 覆盖范围: the covered area, simplified for display in metres, topology kept;
- 站点: stations coloured by compliance standing, sized by kind, clustered; past
  :data:`MARKER_LIMIT` stations (a province or the country) they are counted in H3
  hexagons instead, so a national map of 200,000 stations stays a few hundred kilobytes;
- 覆盖空白 and 建议选址: gaps and suggested sites, when asked for.

Every name shown comes from users or data and is escaped: it is text, never markup.
Coordinates are converted for the tiles' coordinate system (GCJ-02 for Chinese tile
services), and all scripts come from the app (:mod:`stations.render.assets`).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import folium
import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster

from geodata.crs import from_wgs84, parse_crs
from stations.core.vocab import KINDS
from stations.coverage.analysis import CoverageResult
from stations.coverage.geometry import laea_transformer
from stations.render.assets import STATIC_URL, render_html
from stations.render.legend import Legend, ScaleBar, accessible_page, legend_html, radius_label
from stations.render.style import (
    COVER_COLOUR,
    GAP_COLOUR,
    KIND_STYLE,
    SITE_COLOUR,
    STANDING_COLOURS,
    UNKNOWN_STANDING,
    density_colour,
    ratio_colour,
)
from stations.render.words import check_lang, kind_label, standing_label, word

MARKER_LIMIT = 10_000
HEX_CELL_LIMIT = 4_000
VERTEX_BUDGET = 60_000
_START_RESOLUTION = {"country": 5, "province": 7, "city": 8, "county": 9}


@dataclass
class CoverageMap:
    """A built map and what is on it (for pages and tests).

    Attributes
    ----------
    map : folium.Map
    layers : dict
        Layer key (``regions``, ``coverage``, ``stations``, ``gaps``, ``sites``) → element.
    features : dict
        Layer key → number of features (regions, shapes, markers or hexagons, ...).
    bounds : tuple
        ``(south, west, north, east)`` the map opens on, in the tiles' coordinates.
    station_mode : str
        ``"markers"`` or ``"hexagons"``.
    notes : list of str
    """

    map: folium.Map
    layers: dict[str, Any] = field(default_factory=dict)
    features: dict[str, int] = field(default_factory=dict)
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    station_mode: str = "markers"
    notes: list[str] = field(default_factory=list)
    lang: str = "zh"
    title: str = ""
    empty: list[str] = field(default_factory=list)
    """What is not there, in the map's language (shown in the legend)."""

    def html(self, base_url: str = STATIC_URL) -> str:
        """The page, with scripts and styles from ``base_url`` (never a CDN): with its
        language, a ``<title>`` and a viewport that lets people zoom."""
        return accessible_page(render_html(self.map, base_url), self.title, self.lang)


def coverage_map(
    result: CoverageResult,
    *,
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    tile_attribution: str = "© OpenStreetMap contributors",
    tile_crs: str = "wgs84",
    lang: str = "zh",
) -> CoverageMap:
    """Build the coverage map of a result.

    Parameters
    ----------
    result : CoverageResult
        From :func:`stations.coverage.analysis.analyse`.
    tile_url, tile_attribution : str
        The base map (settings ``tile_url``, ``tile_attribution``).
    tile_crs : str
        Coordinate system of the tiles: ``wgs84`` or ``gcj02`` (or ``bd09``); everything
        drawn is converted to it.
    lang : str
        ``zh`` (default) or ``en``: layer names, tooltips, popups and the legend.

    Returns
    -------
    CoverageMap
    """
    lang = check_lang(lang)
    display = _Display(parse_crs(tile_crs), result)
    m = folium.Map(tiles=None, control_scale=False, prefer_canvas=True)
    folium.TileLayer(tiles=tile_url, attr=html.escape(tile_attribution),
                     name=word("base_map", lang), control=False).add_to(m)
    out = CoverageMap(m, lang=lang, title=word("page_title", lang, name=result.region.name),
                      empty=[a.text(lang) for a in result.absences])
    # the region outline is always drawn; any other layer only when it has something in
    # it (folium fails on a tooltip over an empty layer, and an empty layer says nothing)
    _add_regions(out, result, display)
    if len(result.cover.shapes):
        _add_coverage(out, result, display)
    if len(result.stations):
        _add_stations(out, result, display)
    if result.gaps:
        _add_gaps(out, result, display)
    if result.suggestions:
        _add_sites(out, result, display)
    folium.LayerControl(collapsed=True).add_to(m)
    ScaleBar().add_to(m)
    west, south, east, north = display.bounds(result.region.geometry)
    out.bounds = (south, west, north, east)
    m.fit_bounds([[south, west], [north, east]])
    # what is missing stays in sight when the legend is folded (phones): in its summary
    label = " · ".join([word("legend", lang), *out.empty[:1]])
    Legend(legend_html(result, layers=out.layers, station_mode=out.station_mode,
                       notes=out.notes, lang=lang), label).add_to(m)
    return out


class _Display:
    """Turns WGS-84 shapes into simplified shapes in the tiles' coordinates."""

    def __init__(self, crs: str, result: CoverageResult) -> None:
        self.crs = crs
        west, south, east, north = result.region.geometry.bounds
        self.lon_0, self.lat_0 = (west + east) / 2, (south + north) / 2
        transformer = laea_transformer(round(self.lon_0, 1), round(self.lat_0, 1))
        corners = np.array(transformer.transform([west, east, west, east],
                                                 [south, south, north, north]))
        extent_m = float(max(np.ptp(corners[0]), np.ptp(corners[1])))
        self.tolerance_m = max(extent_m / 3000.0, 5.0)
        self._transformer = transformer

    def simplify(self, geoms: npt.NDArray[np.object_], tolerance_m: float, *,
                 coverage: bool = False) -> npt.NDArray[np.object_]:
        """Simplify in metres (a shared-border coverage stays one), back to lon/lat."""
        projected = shapely.transform(geoms, self._forward)
        if coverage:
            simple = shapely.coverage_simplify(projected, tolerance_m)
        else:
            simple = shapely.simplify(projected, tolerance_m, preserve_topology=True)
        return shapely.transform(simple, self._inverse)

    def to_tiles(self, geoms: Any) -> Any:
        """Shapes (or an array of them) in the tiles' coordinates, rounded to ~1 m."""
        return shapely.transform(geoms, self._tile_xy)

    def points(self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
               ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        if self.crs == "wgs84" or len(lon) == 0:
            return lon, lat
        x, y = from_wgs84(lon, lat, self.crs)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def bounds(self, geometry: shapely.Geometry) -> tuple[float, float, float, float]:
        return tuple(shapely.bounds(self.to_tiles(shapely.envelope(geometry))).tolist())

    def _forward(self, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack(self._transformer.transform(xy[:, 0], xy[:, 1]))

    def _inverse(self, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack(self._transformer.transform(xy[:, 0], xy[:, 1],
                                                           direction="INVERSE"))

    def _tile_xy(self, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = self.points(xy[:, 0], xy[:, 1])
        return np.asarray(np.round(np.column_stack([x, y]), 5), dtype=np.float64)


# --------------------------------------------------------------------------- layers


def _add_regions(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    geoms = np.array([s.geometry for s in result.subregions], dtype=object)
    shapes = display.to_tiles(display.simplify(geoms, display.tolerance_m, coverage=True))
    features = []
    for i, (row, shape) in enumerate(zip(result.table.to_dict("records"), shapes, strict=True)):
        ratio = float(row["coverage_ratio"])
        props = {
            "name": html.escape(str(row["name"])),
            "adcode": html.escape(str(row["adcode"])),
            "ratio": f"{ratio:.1%}",
            "covered_km2": f"{row['covered_km2']:,.2f}",
            "area_km2": f"{row['area_km2']:,.2f}",
            "stations": int(row["stations"]),
            "fill": ratio_colour(ratio),
        }
        if "demand_coverage_ratio" in row:
            props["demand_ratio"] = f"{float(row['demand_coverage_ratio']):.1%}"
        features.append({"type": "Feature", "id": i, "properties": props,
                         "geometry": shapely.geometry.mapping(shape)})
    fields = ["name", "adcode", "ratio", "covered_km2", "area_km2", "stations"]
    if result.demand is not None:
        fields.append("demand_ratio")
    aliases = [word("region" if f == "name" else f, out.lang) for f in fields]
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=word("regions_layer", out.lang),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#555555",
                                  "weight": 1, "fillOpacity": 0.55},
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    )
    layer.add_to(out.map)
    out.layers["regions"] = layer
    out.features["regions"] = len(features)


def _add_coverage(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    shapes = result.cover.shapes
    radius_min = float(result.stations["radius_m"].min()) if len(result.stations) else 1000.0
    tolerance = min(display.tolerance_m, radius_min / 4)
    simple = display.simplify(shapes, tolerance) if len(shapes) else shapes
    vertices = shapely.get_num_coordinates(simple) if len(simple) else np.empty(0, int)
    keep = np.arange(len(simple))
    if vertices.sum() > VERTEX_BUDGET:
        by_size = np.argsort(-shapely.area(simple), kind="stable")
        keep = np.sort(by_size[np.cumsum(vertices[by_size]) <= VERTEX_BUDGET])
        out.notes.append(word("not_drawn", out.lang, n=len(simple) - len(keep)))
    tiles = display.to_tiles(simple[keep]) if len(keep) else simple[keep]
    regions = result.cover.shape_region[keep]
    features: list[dict[str, Any]] = []
    for sub in np.unique(regions).tolist():
        merged = shapely.MultiPolygon(
            [p for g in tiles[regions == sub] for p in shapely.get_parts(g)
             if isinstance(p, shapely.Polygon) and not p.is_empty])
        if merged.is_empty:
            continue
        features.append({"type": "Feature", "id": len(features),
                         "properties": {"name": html.escape(result.subregions[sub].name)},
                         "geometry": shapely.geometry.mapping(merged)})
    if not features:
        return
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"{word('coverage_layer', out.lang)} ({radius_label(result)})",
        style_function=lambda f: {"fillColor": COVER_COLOUR, "color": COVER_COLOUR,
                                  "weight": 0.5, "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=[word("coverage_layer", out.lang)]),
    )
    layer.add_to(out.map)
    out.layers["coverage"] = layer
    out.features["coverage"] = len(features)


def _add_stations(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    stations = result.stations
    if len(stations) <= MARKER_LIMIT:
        _add_markers(out, stations, display)
    else:
        _add_hexagons(out, result, display)


def _add_markers(out: CoverageMap, stations: pd.DataFrame, display: _Display) -> None:
    lang = out.lang
    x, y = display.points(stations["lon"].to_numpy(), stations["lat"].to_numpy())
    kinds = list(KINDS)
    standings = list(STANDING_COLOURS)
    data = [
        [round(float(b), 6), round(float(a), 6), kinds.index(k) if k in kinds else 0,
         standings.index(s) if s in standings else len(standings),
         html.escape(str(name)), html.escape(str(sid))]
        for a, b, k, s, name, sid in zip(x, y, stations["kind"], stations["standing"],
                                         stations["name"], stations["id"], strict=True)
    ]
    colours = [c for c, _ in STANDING_COLOURS.values()] + [UNKNOWN_STANDING[0]]
    labels = [standing_label(s, lang) for s in STANDING_COLOURS] + [standing_label("", lang)]
    callback = (
        "function (row) {"
        f" var colours = {json.dumps(colours)}; var standings = {json.dumps(labels)};"
        f" var kinds = {json.dumps([kind_label(k, lang) for k in kinds])};"
        f" var styles = {json.dumps([KIND_STYLE[k] for k in kinds])};"
        " var st = styles[row[2]];"
        " var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: st[0],"
        " weight: st[1], color: '#263238', fillColor: colours[row[3]], fillOpacity: 0.9});"
        " marker.bindPopup('<b>' + row[4] + '</b><br>' + kinds[row[2]] + ' · '"
        f" + standings[row[3]] + '<br>{word('id', lang)} ' + row[5]);"
        " marker.bindTooltip(row[4]);"
        " return marker; }"
    )
    layer = FastMarkerCluster(data, callback=callback,
                              name=f"{word('stations_layer', lang)} ({len(data):,})",
                              options={"maxClusterRadius": 40, "chunkedLoading": True})
    layer.add_to(out.map)
    out.layers["stations"] = layer
    out.features["stations"] = len(data)
    out.station_mode = "markers"


def _add_hexagons(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    stations = result.stations
    lon, lat = stations["lon"].to_numpy(), stations["lat"].to_numpy()
    resolution = _START_RESOLUTION.get(result.region.level, 7)
    while True:
        cells = [h3.latlng_to_cell(b, a, resolution)
                 for a, b in zip(lon.tolist(), lat.tolist(), strict=True)]
        if len(set(cells)) <= HEX_CELL_LIMIT or resolution == 0:
            break
        resolution -= 1
    table = pd.DataFrame({"cell": cells, "kind": stations["kind"].to_numpy(),
                          "compliant": (stations["standing"] == "compliant").to_numpy()})
    counts = table.groupby("cell").agg(
        total=("kind", "size"),
        outdoor=("kind", lambda k: int((k == "outdoor_worker_station").sum())),
        driver=("kind", lambda k: int((k == "driver_home").sum())),
        compliant=("compliant", "sum"))
    hexagons = np.array([shapely.Polygon([(x, y) for y, x in h3.cell_to_boundary(c)])
                         for c in counts.index], dtype=object)
    hexagons = display.to_tiles(hexagons) if len(hexagons) else hexagons
    features = [
        {"type": "Feature", "id": i,
         "properties": {"total": int(r.total), "outdoor": int(r.outdoor), "driver": int(r.driver),
                        "compliant": int(r.compliant), "fill": density_colour(int(r.total))},
         "geometry": shapely.geometry.mapping(g)}
        for i, (r, g) in enumerate(zip(counts.itertuples(), hexagons, strict=True))
    ]
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"{word('density_layer', out.lang)} ({len(stations):,})",
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#7f0000",
                                  "weight": 0.3, "fillOpacity": 0.8},
        tooltip=folium.GeoJsonTooltip(
            fields=["total", "outdoor", "driver", "compliant"],
            aliases=[word("stations", out.lang), kind_label("outdoor_worker_station", out.lang),
                     kind_label("driver_home", out.lang), word("compliant", out.lang)]),
    )
    layer.add_to(out.map)
    out.layers["stations"] = layer
    out.features["stations"] = len(features)
    out.station_mode = "hexagons"


def _add_gaps(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    gaps = result.gaps or []
    shapes = np.array([shapely.Polygon(g.boundary()) for g in gaps], dtype=object)
    shapes = display.to_tiles(shapes) if len(shapes) else shapes
    features = [
        {"type": "Feature", "id": i,
         "properties": {"rank": i + 1, "weight": f"{g.uncovered_weight:,.1f}",
                        "points": g.points, "name": html.escape(g.name)},
         "geometry": shapely.geometry.mapping(shape)}
        for i, (g, shape) in enumerate(zip(gaps, shapes, strict=True))
    ]
    lang = out.lang
    weight_label = word("uncovered_demand" if result.gap_basis == "demand" else "stations_nearby",
                        lang)
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"{word('gaps_layer', lang)} ({len(features)})",
        style_function=lambda f: {"fillColor": GAP_COLOUR, "color": GAP_COLOUR, "weight": 2,
                                  "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(fields=["rank", "weight", "points", "name"],
                                      aliases=[word("rank", lang), weight_label, word("points", lang),
                                               word("region", lang)]),
    )
    layer.add_to(out.map)
    out.layers["gaps"] = layer
    out.features["gaps"] = len(features)


def _add_sites(out: CoverageMap, result: CoverageResult, display: _Display) -> None:
    sites = result.suggestions or []
    lang = out.lang
    group = folium.FeatureGroup(name=f"{word('sites_layer', lang)} ({len(sites)})")
    x, y = display.points(np.array([s.lon for s in sites]), np.array([s.lat for s in sites]))
    for s, a, b in zip(sites, x, y, strict=True):
        text = (f"<b>{word('site', lang)} #{s.rank}</b><br>{word('site_gain', lang)} "
                f"{s.gain_weight:,.1f} ({s.gain_points} {word('points', lang)})<br>"
                f"{html.escape(s.name)}<br>{s.lat:.5f}, {s.lon:.5f}")
        folium.Circle([float(b), float(a)], radius=s.radius_m, color=SITE_COLOUR, weight=2,
                      dash_array="6 4", fill=False).add_to(group)
        folium.CircleMarker([float(b), float(a)], radius=9, color="#ffffff", weight=2,
                            fill=True, fill_color=SITE_COLOUR, fill_opacity=1.0,
                            popup=folium.Popup(text, max_width=260),
                            tooltip=f"{word('site', lang)} #{s.rank}").add_to(group)
    group.add_to(out.map)
    out.layers["sites"] = group
    out.features["sites"] = len(sites)
