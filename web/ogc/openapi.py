"""The OpenAPI 3.0 document of the OGC endpoints (``/ogc/api``, the ``service-desc``).

FastAPI writes OpenAPI 3.1 for the whole app; OGC checkers want 3.0, and GDAL reads this
document to decide what it may ask the server: it looks up the literal path of a layer's
items (``/collections/stations/items``, relative to the server URL ``…/ogc``) and passes an
attribute filter to the server only for the query parameters named there, and takes its
page size from the ``limit`` parameter's ``default``/``maximum`` when given by ``$ref``.
So every collection's items path is written out with its own parameters.
"""

from __future__ import annotations

from typing import Any

from stations.core.vocab import KINDS, SERVICES
from stations.coverage.region_layer import LAYER_LEVELS
from stations.store.features import PUBLIC_STATUSES
from web.ogc.crs import CRS84, URIS
from web.ogc.documents import COLLECTIONS, TITLE
from web.ogc.params import DEFAULT_LIMIT, MAX_LIMIT

_REF = "#/components/parameters/"


def _param(name: str, description: str, schema: dict[str, Any], *, where: str = "query",
           required: bool = False, explode: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "in": where, "required": required,
                           "description": description, "schema": schema}
    if where == "query":
        out |= {"style": "form", "explode": explode}
    return out


def _enum_list(values: list[str], description: str, name: str) -> dict[str, Any]:
    return _param(name, description, {"type": "array", "items": {"type": "string", "enum": values}})


PARAMETERS: dict[str, dict[str, Any]] = {
    "f": _param("f", "格式 / response format", {"type": "string", "enum": ["json", "geojson", "html"]}),
    "lang": _param("lang", "HTML 语言 / language of HTML pages", {"type": "string", "enum": ["zh", "en"]}),
    "limit": _param("limit", f"每页要素数 / features per page (at most {MAX_LIMIT:,})",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    "offset": _param("offset", "跳过的要素数 / features to skip (next links use after instead)",
                     {"type": "integer", "minimum": 0, "default": 0}),
    "after": _param("after", "从此 id 之后开始（next 链接）/ start after this feature id (keyset "
                             "cursor of next links)", {"type": "string"}),
    "before": _param("before", "到此 id 之前为止（prev 链接）/ end before this feature id (prev links)",
                     {"type": "string"}),
    "bbox": _param("bbox", "范围 / lower corner, upper corner (CRS84 unless bbox-crs)",
                   {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}),
    "bbox-crs": _param("bbox-crs", "bbox 的坐标参考系 / CRS of bbox",
                       {"type": "string", "format": "uri", "enum": list(URIS), "default": CRS84}),
    "crs": _param("crs", "输出坐标参考系 / CRS of the returned geometries",
                  {"type": "string", "format": "uri", "enum": list(URIS), "default": CRS84}),
    "datetime": _param("datetime", "最后修改时间（RFC 3339 时刻或区间）/ last change: an RFC 3339 "
                                   "instant or interval (a/b, ../b, a/..)", {"type": "string"}),
    "kind": _enum_list(list(KINDS), "站点类型（任一）/ station kind (any of)", "kind"),
    "status": _enum_list(list(PUBLIC_STATUSES), "状态（任一）/ status (any of)", "status"),
    "service": _enum_list(list(SERVICES), "须全部具备的服务 / services the station must all offer",
                          "service"),
    "adcode": _param("adcode", "行政区划代码：该区域及其下级 / adcode: this region and everything in it",
                     {"type": "string", "pattern": "^[0-9]{6}$"}),
    "level": _enum_list(list(LAYER_LEVELS), "行政级别（任一）/ level (any of)", "level"),
    "filter": _param("filter", "CQL2-text 过滤表达式 / CQL2-text filter on the queryables, e.g. "
                               "kind = 'driver_home' AND county LIKE '%区'", {"type": "string"}),
    "filter-lang": _param("filter-lang", "过滤语言 / filter language",
                          {"type": "string", "enum": ["cql2-text", "cql-text"], "default": "cql2-text"}),
    "featureId": _param("featureId", "要素 id / feature id", {"type": "string"}, where="path",
                        required=True),
}
COMMON = ("f", "lang")
ITEMS = ("limit", "offset", "after", "before", "bbox", "bbox-crs", "crs", "datetime")
FILTERS = {"stations": ("kind", "status", "service", "adcode", "filter", "filter-lang"),
           "regions": ("level", "adcode")}


def _refs(names: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"$ref": _REF + name} for name in names]


def _get(summary: str, operation: str, media: str, schema: str, params: tuple[str, ...],
         tags: list[str], *, not_found: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": summary,
                "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}},
                            "text/html": {"schema": {"type": "string"}}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
    }
    if not_found:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {"get": {"summary": summary, "operationId": operation, "tags": tags,
                    "parameters": _refs(params), "responses": responses}}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


SCHEMAS: dict[str, Any] = {
    "link": {"type": "object", "required": ["href", "rel"],
             "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                            "type": {"type": "string"}, "title": {"type": "string"}}},
    "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
    "landingPage": {"type": "object", "required": ["links"],
                    "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                                   "links": {"$ref": "#/components/schemas/links"}}},
    "confClasses": {"type": "object", "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}},
    "collection": {"type": "object", "required": ["id", "links"],
                   "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                  "description": {"type": "string"},
                                  "extent": {"type": "object"}, "itemType": {"type": "string"},
                                  "crs": {"type": "array", "items": {"type": "string"}},
                                  "storageCrs": {"type": "string"},
                                  "links": {"$ref": "#/components/schemas/links"}}},
    "collections": {"type": "object", "required": ["links", "collections"],
                    "properties": {"links": {"$ref": "#/components/schemas/links"},
                                   "collections": {"type": "array",
                                                   "items": {"$ref": "#/components/schemas/collection"}}}},
    "featureGeoJSON": {"type": "object", "required": ["type", "geometry", "properties"],
                       "properties": {"type": {"type": "string", "enum": ["Feature"]},
                                      "id": {"type": "string"},
                                      "geometry": {"type": "object", "nullable": True},
                                      "properties": {"type": "object", "nullable": True},
                                      "links": {"$ref": "#/components/schemas/links"}}},
    "featureCollectionGeoJSON": {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                       "features": {"type": "array", "items": {"$ref": "#/components/schemas/featureGeoJSON"}},
                       "links": {"$ref": "#/components/schemas/links"},
                       "timeStamp": {"type": "string", "format": "date-time"},
                       "numberMatched": {"type": "integer", "minimum": 0},
                       "numberReturned": {"type": "integer", "minimum": 0}}},
    "queryables": {"type": "object", "properties": {"properties": {"type": "object"}}},
    "exception": {"type": "object", "required": ["code"],
                  "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
}


def openapi_document(root: str) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document for the OGC endpoints served at ``root``."""
    paths: dict[str, Any] = {
        "/": _get("着陆页 / Landing page", "getLandingPage", "application/json", "landingPage",
                  COMMON, ["Capabilities"]),
        "/conformance": _get("符合的标准 / Conformance classes", "getConformance",
                             "application/json", "confClasses", COMMON, ["Capabilities"]),
        "/api": {"get": {"summary": "本文档 / This API definition", "operationId": "getApi",
                         "tags": ["Capabilities"], "parameters": _refs(COMMON),
                         "responses": {"200": {"description": "OpenAPI 3.0",
                                               "content": {"application/vnd.oai.openapi+json;version=3.0":
                                                           {"schema": {"type": "object"}}}}}}},
        "/collections": _get("数据集 / Collections", "getCollections", "application/json",
                             "collections", COMMON, ["Capabilities"]),
    }
    for cid, meta in COLLECTIONS.items():
        tags = [meta["title"]]
        paths[f"/collections/{cid}"] = _get(meta["title"], f"describe_{cid}", "application/json",
                                            "collection", COMMON, tags, not_found=True)
        paths[f"/collections/{cid}/items"] = _get(
            f"{meta['title']}：要素 / features", f"get_{cid}_features", "application/geo+json",
            "featureCollectionGeoJSON", COMMON + ITEMS + FILTERS[cid], tags)
        if cid == "stations":
            paths[f"/collections/{cid}/queryables"] = _get(
                "可过滤的属性 / Queryables", f"get_{cid}_queryables", "application/schema+json",
                "queryables", COMMON, tags)
        paths[f"/collections/{cid}/items/{{featureId}}"] = _get(
            f"{meta['title']}：单个要素 / one feature", f"get_{cid}_feature", "application/geo+json",
            "featureGeoJSON", ("featureId", "crs", *COMMON), tags, not_found=True)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "version": "1.0.0",
                 "description": "OGC API - Features: Part 1 Core (GeoJSON, HTML, OpenAPI 3.0) and "
                                "Part 2 CRS.",
                 "license": {"name": "MIT"}},
        "servers": [{"url": root}],
        "tags": [{"name": "Capabilities"}] + [{"name": m["title"]} for m in COLLECTIONS.values()],
        "paths": paths,
        "components": {
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
            "responses": {
                "BadRequest": {"description": "参数无效 / invalid or unknown parameter", **error},
                "NotFound": {"description": "不存在 / not found", **error},
            },
        },
    }
