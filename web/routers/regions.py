"""Administrative regions for pickers: ``GET /api/regions`` and ``/api/regions/{key}...``.

Pages choose a region province → city → county; each step asks for the children of the
region chosen before. Region shapes stay on the server: these answers carry names, codes,
a point inside the region and its bounds.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from geodata.regions import Region, region
from web import schemas

router = APIRouter(prefix="/api/regions", tags=["regions"])
RegionKey = Annotated[str, Path(description="行政区划代码或名称 / adcode or Chinese name")]


def region_summary(found: Region) -> dict[str, Any]:
    return {
        "adcode": found.adcode,
        "name": found.name,
        "level": found.level,
        "parent_adcode": found.parent_adcode,
        "has_children": found.level not in ("county",),
    }


def region_detail(found: Region) -> dict[str, Any]:
    inside = found.geometry.representative_point()
    west, south, east, north = found.geometry.bounds
    return region_summary(found) | {
        "center": [round(inside.x, 6), round(inside.y, 6)],
        "bbox": [round(west, 6), round(south, 6), round(east, 6), round(north, 6)],
    }


@router.get("", response_model=schemas.RegionChildren, summary="省级行政区 / Provinces (the country's children)")
def provinces() -> dict[str, Any]:
    country = region(None)
    return {"region": region_summary(country),
            "regions": [region_summary(r) for r in country.children()]}


@router.get(
    "/{key}",
    response_model=schemas.RegionDetail,
    summary="单个行政区 / One region: a point inside it and its bounds",
)
def one_region(key: RegionKey) -> dict[str, Any]:
    return region_detail(region(key))


@router.get("/{key}/children", response_model=schemas.RegionChildren, summary="下级行政区 / The regions one level down")
def children(key: RegionKey) -> dict[str, Any]:
    parent = region(key)
    return {"region": region_summary(parent),
            "regions": [region_summary(r) for r in parent.children()]}
