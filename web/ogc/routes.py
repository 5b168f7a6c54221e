"""The OGC API - Features endpoints under ``/ogc``.

Bad or unknown parameters are 400 and a missing collection or feature is 404, as OGC
clients expect, with an OGC exception body (``code``, ``description``) that also carries
the app's usual ``detail`` (message, field). Every answer with coordinates names their CRS
in ``Content-Crs``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from geodata.errors import RegionNotFound
from stations.core.cql import parse_cql2
from stations.errors import InvalidInput, NotFound
from stations.store.features import PUBLIC_STATUSES, QUERYABLES, FeatureFilter
from web.deps import ServicesDep
from web.ogc import documents
from web.ogc.crs import DEFAULT, parse_crs
from web.ogc.encode import RegionEncoder, collection_bytes, station_features, timestamp
from web.ogc.html import render
from web.ogc.links import GEOJSON, HTML, JSON, OPENAPI_JSON, SCHEMA_JSON, link, page_links, root, self_and_alternate
from web.ogc.openapi import openapi_document
from web.ogc.params import COMMON, ItemsQuery, check_known, parse_items, wants_html
from web.ogc.schemas import (
    Collection,
    Collections,
    Conformance,
    Feature,
    FeatureCollection,
    LandingPage,
    OgcException,
    OpenApiDocument,
    Queryables,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OgcException, "description": "参数无效 / invalid or unknown parameter"},
    404: {"model": OgcException, "description": "不存在 / not found"},
}
STATION_COLUMNS = ("name", "kind", "status", "services", "address", "county", "adcode")
REGION_COLUMNS = ("name", "level", "adcode", "stations", "outdoor_worker_station_coverage_ratio",
                  "driver_home_coverage_ratio")
ENCODER = RegionEncoder()


def ogc_error(status: int, code: str, exc: Exception) -> Response:
    detail: dict[str, Any] = {"message": str(exc), "type": type(exc).__name__}
    if isinstance(exc, InvalidInput):
        detail["field"] = exc.field
    body = {"code": code, "description": str(exc), "detail": detail}
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


class OgcRoute(APIRoute):
    """Answers domain errors the OGC way: 400 for parameters, 404 for what is missing."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except InvalidInput as exc:
                return ogc_error(400, "InvalidParameterValue", exc)
            except (NotFound, RegionNotFound) as exc:
                return ogc_error(404, "NotFound", exc)

        return handler


router = APIRouter(prefix="/ogc", tags=["OGC API - Features"], route_class=OgcRoute,
                   responses=ERRORS)


def _json(body: Any, media_type: str = JSON, crs_header: str | None = None) -> Response:
    headers = {"Content-Crs": crs_header} if crs_header else None
    return Response(body if isinstance(body, bytes) else orjson.dumps(body), media_type=media_type,
                    headers=headers)


def _collection_id(collection_id: str) -> str:
    if collection_id not in documents.COLLECTIONS:
        raise NotFound(f"没有数据集 {collection_id!r} / no collection {collection_id!r}; 可用 / "
                       f"there are {', '.join(documents.COLLECTIONS)}")
    return collection_id


def _html(request: Request, allowed: tuple[str, ...] = COMMON) -> bool:
    check_known(request.query_params, allowed)
    return wants_html(request.query_params, request.headers.get("accept"))


@router.get("", response_model=LandingPage, summary="着陆页 / Landing page")
@router.get("/", include_in_schema=False)
def landing_page(request: Request) -> Response:
    html = _html(request)
    doc = documents.landing(root(request), self_and_alternate(request, JSON, html=html))
    if html:
        return render(request, "landing.html", {"heading": doc["title"],
                                                "description": doc["description"]})
    return _json(doc)


@router.get("/conformance", response_model=Conformance, summary="符合的标准 / Conformance")
def conformance(request: Request) -> Response:
    html = _html(request)
    doc = documents.conformance(self_and_alternate(request, JSON, html=html))
    if html:
        return render(request, "conformance.html", {"heading": "符合的标准 / Conformance",
                                                    "conforms_to": doc["conformsTo"]})
    return _json(doc)


@router.get("/api", summary="OpenAPI 3.0 定义 / OpenAPI 3.0 definition of these endpoints",
            response_model=OpenApiDocument)
def api_definition(request: Request) -> Response:
    doc = openapi_document(root(request))
    if _html(request):
        return render(request, "api.html", {"heading": doc["info"]["title"], "doc": doc,
                                            "parameters": doc["components"]["parameters"]})
    return _json(doc, OPENAPI_JSON)


@router.get("/collections", response_model=Collections, summary="数据集 / Collections")
def collections(request: Request, services: ServicesDep) -> Response:
    html = _html(request)
    base = root(request)
    doc = {
        "links": self_and_alternate(request, JSON, html=html),
        "collections": [documents.collection(cid, base, features=services.station_features,
                                             regions=services.region_layer)
                        for cid in documents.COLLECTIONS],
    }
    if html:
        return render(request, "collections.html", {"heading": "数据集 / Collections",
                                                    "collections": doc["collections"]},
                      headers={"Content-Crs": DEFAULT.header})
    return _json(doc, crs_header=DEFAULT.header)


@router.get("/collections/{collection_id}", response_model=Collection,
            summary="一个数据集 / One collection")
def collection(collection_id: str, request: Request, services: ServicesDep) -> Response:
    cid = _collection_id(collection_id)
    html = _html(request)
    doc = documents.collection(cid, root(request), features=services.station_features,
                               regions=services.region_layer,
                               links=self_and_alternate(request, JSON, html=html))
    if html:
        return render(request, "collection.html", {"heading": doc["title"], "collection": doc},
                      headers={"Content-Crs": DEFAULT.header})
    return _json(doc, crs_header=DEFAULT.header)


@router.get("/collections/{collection_id}/queryables", response_model=Queryables,
            summary="可过滤的属性 / Queryables (JSON Schema)",
            responses={200: {"content": {SCHEMA_JSON: {}}}})
def queryables(collection_id: str, request: Request) -> Response:
    if _collection_id(collection_id) != "stations":
        raise NotFound("区域数据集按 level 和 adcode 过滤，没有 CQL2 过滤 / the regions collection "
                       "takes level and adcode, not CQL2 filters")
    check_known(request.query_params, COMMON)
    return _json(documents.queryables(f"{root(request)}/collections/stations/queryables"),
                 SCHEMA_JSON)


@router.get("/collections/{collection_id}/items", response_model=FeatureCollection,
            summary="要素 / Features, paged by next links",
            responses={200: {"content": {GEOJSON: {}, HTML: {}}}})
def items(collection_id: str, request: Request, services: ServicesDep) -> Response:
    cid = _collection_id(collection_id)
    query = parse_items(cid, request.query_params, with_filter=cid == "stations")
    html = wants_html(request.query_params, request.headers.get("accept"))
    if cid == "stations":
        features, ids, total, more = _station_page(services, query)
    else:
        features, ids, total, more = _region_page(services, query)
    head: dict[str, Any] = {
        "type": "FeatureCollection",
        "timeStamp": timestamp(),
        "numberMatched": total,
        "numberReturned": len(ids),
        "links": [
            *self_and_alternate(request, GEOJSON, html=html),
            *page_links(request, html=html, first_id=ids[0] if ids else None,
                        last_id=ids[-1] if ids else None, more_before=more[0],
                        more_after=more[1]),
            link(f"{root(request)}/collections/{cid}", "collection", JSON),
        ],
    }
    body = collection_bytes(head, features)
    if html:
        collection_doc = orjson.loads(body)
        return render(request, "items.html", {
            "heading": documents.COLLECTIONS[cid]["title"],
            "collection_id": cid,
            "features": collection_doc,
            "rows": collection_doc["features"],
            "columns": STATION_COLUMNS if cid == "stations" else REGION_COLUMNS,
            "number_matched": total,
            "number_returned": len(ids),
            "page_links": [x for x in head["links"] if x["rel"] in ("prev", "next")],
        }, headers={"Content-Crs": query.crs.header})
    return _json(body, GEOJSON, query.crs.header)


def _adcode(query: ItemsQuery) -> str | None:
    values = query.properties.get("adcode", ())
    if len(values) > 1:
        raise InvalidInput("adcode", "只能给一个行政区划代码 / give one adcode")
    if values and not (len(values[0]) == 6 and values[0].isdigit()):
        raise InvalidInput("adcode", f"行政区划代码应为6位数字 / adcode must be 6 digits: {values[0]!r}")
    return values[0] if values else None


def _station_page(services: Any, query: ItemsQuery) -> tuple[list[Any], list[str], int, tuple[bool, bool]]:
    props = query.properties
    where = parse_cql2(query.filter_text, QUERYABLES) if query.filter_text else None
    flt = FeatureFilter(bbox=query.bbox, kinds=props.get("kind", ()),
                        statuses=props.get("status", PUBLIC_STATUSES),
                        services=props.get("service", ()), adcode=_adcode(query),
                        changed=query.changed, where=where)
    source = services.station_features
    page = source.page(flt, query.cursor, query.limit)
    total = source.count(flt)
    return (station_features(page.items, query.crs), [st.id for st in page.items], total,
            (page.more_before, page.more_after))


def _region_page(services: Any, query: ItemsQuery) -> tuple[list[Any], list[str], int, tuple[bool, bool]]:
    page, total = services.region_layer.page(
        levels=query.properties.get("level", ()), adcode=_adcode(query), bbox=query.bbox,
        cursor=query.cursor, limit=query.limit)
    return ([ENCODER.feature(f, query.crs) for f in page.items], [f.id for f in page.items], total,
            (page.more_before, page.more_after))


@router.get("/collections/{collection_id}/items/{feature_id:path}", response_model=Feature,
            summary="一个要素 / One feature", responses={200: {"content": {GEOJSON: {}, HTML: {}}}})
def item(collection_id: str, feature_id: str, request: Request, services: ServicesDep) -> Response:
    cid = _collection_id(collection_id)
    html = _html(request, (*COMMON, "crs"))
    crs = parse_crs(request.query_params.get("crs"))
    links = [*self_and_alternate(request, GEOJSON, html=html),
             link(f"{root(request)}/collections/{cid}", "collection", JSON)]
    if cid == "stations":
        st = services.station_features.get(feature_id)
        body = orjson.dumps(station_features([st], crs)[0] | {"links": links})
    else:
        body = ENCODER.feature(services.region_layer.get(feature_id), crs, {"links": links})
    if html:
        doc = orjson.loads(body)
        return render(request, "item.html", {
            "heading": doc["properties"].get("name") or doc["id"], "collection_id": cid,
            "features": {"type": "FeatureCollection", "features": [doc]},
            "properties": doc["properties"],
        }, headers={"Content-Crs": crs.header})
    return _json(body, GEOJSON, crs.header)
