"""The descriptive documents: landing page, conformance, collections."""

from __future__ import annotations

from typing import Any

from stations.core.vocab import KINDS
from stations.coverage.region_layer import LAYER_LEVELS, RegionLayer
from stations.store.features import PUBLIC_STATUSES, QUERYABLES, StationFeatures
from web.ogc.crs import CRS84, URIS
from web.ogc.encode import iso
from web.ogc.links import GEOJSON, HTML, JSON, OPENAPI_JSON, SCHEMA_JSON, link

TITLE = "户外劳动者服务站点与司机之家 / Outdoor-worker stations and driver homes"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
)
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
COLLECTIONS: dict[str, dict[str, str]] = {
    "stations": {
        "title": "站点 / Stations",
        "description": (
            "规划中、运营中和暂停的户外劳动者服务站点与司机之家，公开字段 / Planned, active and "
            f"suspended stations ({', '.join(PUBLIC_STATUSES)}) with their public fields. Filter "
            "by kind, status, service (all required), adcode (a region and everything in it), "
            "bbox, datetime (last change) and CQL2-text filter (see queryables)."
        ),
    },
    "regions": {
        "title": "行政区覆盖 / Regions and coverage",
        "description": (
            "省、市、县边界（简化）及运营中站点数与覆盖率（户外劳动者服务站点 1 公里、司机之家 50 公里）/ "
            f"Provinces, cities and counties ({', '.join(LAYER_LEVELS)}; filter by level) as "
            "simplified polygons with their active stations per kind and the share of their area "
            "within reach at each kind's default radius (outdoor-worker stations 1 km, driver "
            "homes 50 km), ready for a choropleth."
        ),
    },
}


def landing(root: str, links: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": TITLE,
        "description": "站点登记册的 OGC API - Features 服务 / The station registry as OGC API - "
                       "Features: add this URL in QGIS (Layer ▸ Add WFS / OGC API - Features "
                       "Layer) or open it with GDAL (OAPIF:URL).",
        "links": [
            *links,
            link(f"{root}/api", "service-desc", OPENAPI_JSON, "OpenAPI 3.0 定义 / API definition"),
            link(f"{root}/api?f=html", "service-doc", HTML, "接口文档 / API documentation"),
            link(f"{root}/conformance", "conformance", JSON, "符合的标准 / Conformance classes"),
            link(f"{root}/collections", "data", JSON, "数据集 / Collections"),
        ],
    }


def conformance(links: list[dict[str, Any]]) -> dict[str, Any]:
    return {"conformsTo": list(CONFORMANCE), "links": links}


def collection(collection_id: str, root: str, *, features: StationFeatures,
               regions: RegionLayer, links: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One collection's description, the same in ``/collections`` and on its own."""
    base = f"{root}/collections/{collection_id}"
    if collection_id == "stations":
        extent = features.extent()
        bbox = extent.bbox or regions.extent()
        interval = [iso(extent.first_change), iso(extent.last_change)]
    else:
        bbox = regions.extent()
        interval = [None, None]
    own = links if links is not None else [
        link(base, "self", JSON, COLLECTIONS[collection_id]["title"]),
        link(f"{base}?f=html", "alternate", HTML, COLLECTIONS[collection_id]["title"]),
    ]
    return {
        "id": collection_id,
        **COLLECTIONS[collection_id],
        "itemType": "feature",
        "extent": {
            "spatial": {"bbox": [list(bbox)], "crs": CRS84},
            "temporal": {"interval": [interval], "trs": GREGORIAN},
        },
        "crs": list(URIS),
        "storageCrs": CRS84,
        "links": [
            *own,
            link(f"{base}/items", "items", GEOJSON, "要素 / Features (GeoJSON)"),
            link(f"{base}/items?f=html", "items", HTML, "要素 / Features (HTML)"),
            *([link(f"{base}/queryables", QUERYABLES_REL, SCHEMA_JSON, "可过滤的属性 / Queryables")]
              if collection_id == "stations" else []),
        ],
    }


def queryables(url: str) -> dict[str, Any]:
    """What a CQL2 filter on stations may name, as a JSON Schema."""
    text = {"type": "string"}
    properties: dict[str, Any] = {name: dict(text, title=name) for name in QUERYABLES}
    properties["kind"] |= {"enum": list(KINDS)}
    properties["status"] |= {"enum": list(PUBLIC_STATUSES)}
    properties["updated"] |= {"format": "date-time", "title": "最后修改 / last change"}
    properties["status_date"] |= {"format": "date"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": url,
            "type": "object", "title": COLLECTIONS["stations"]["title"],
            "properties": properties, "additionalProperties": False}
