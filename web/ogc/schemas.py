"""Response models of the OGC endpoints (they document ``/openapi.json``; the routes write
their bodies themselves, with orjson, for speed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Link(BaseModel):
    href: str
    rel: str
    type: str
    title: str | None = None


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]  # noqa: N815 - the OGC name
    links: list[Link] = []


class SpatialExtent(BaseModel):
    bbox: list[list[float]]
    crs: str


class TemporalExtent(BaseModel):
    interval: list[list[str | None]]
    trs: str


class Extent(BaseModel):
    spatial: SpatialExtent
    temporal: TemporalExtent


class Collection(BaseModel):
    id: str
    title: str
    description: str
    itemType: str  # noqa: N815
    extent: Extent
    crs: list[str]
    storageCrs: str  # noqa: N815
    links: list[Link]


class Collections(BaseModel):
    links: list[Link]
    collections: list[Collection]


class Geometry(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    coordinates: Any


class Feature(BaseModel):
    """A GeoJSON Feature: a station (Point) or a region ((Multi)Polygon)."""

    type: str = "Feature"
    id: str
    geometry: Geometry | None
    properties: dict[str, Any]
    links: list[Link] = []


class FeatureCollection(BaseModel):
    type: str = "FeatureCollection"
    timeStamp: str  # noqa: N815
    numberMatched: int = Field(ge=0)  # noqa: N815
    numberReturned: int = Field(ge=0)  # noqa: N815
    links: list[Link]
    features: list[Feature]


class OgcException(BaseModel):
    """An OGC exception: ``code`` and ``description`` (Chinese, then English)."""

    code: str
    description: str


class Queryables(BaseModel):
    """The properties a CQL2 filter may name, as a JSON Schema."""

    model_config = ConfigDict(extra="allow")
    type: str = "object"
    title: str
    properties: dict[str, Any]


class OpenApiDocument(BaseModel):
    """The OpenAPI 3.0 document of the OGC endpoints."""

    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict[str, Any]
    servers: list[dict[str, Any]]
    paths: dict[str, Any]
    components: dict[str, Any]
