"""Coverage for planners: ``GET /api/coverage`` and ``POST /api/coverage/demand``."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from stations.coverage.demand import Demand, demand_from_geojson, read_demand
from stations.coverage.query import CoverageQuery, check_suggest, parse_query
from stations.errors import InvalidInput
from web import schemas
from web.deps import CoverageDep
from web.reach_params import ReachDep

router = APIRouter(tags=["coverage"])
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""Largest demand file (the request body may be 1 MB more, for the multipart framing)."""


RegionParam = Annotated[str | None, Query(
    description="行政区划代码或名称，默认全国 / adcode or name of the region; default: China")]
RadiusParam = Annotated[float | None, Query(
    description="覆盖半径（米），默认户外劳动者服务站点 1000、司机之家 50000 / reach in metres")]
KindParam = Annotated[str | None, Query(description="outdoor_worker_station | driver_home")]
CompliantParam = Annotated[bool, Query(description="只计检查合格的站点 / compliant stations only")]
ByParam = Annotated[str | None, Query(
    description="分区级别 / level of the rows: province|city|county")]
GapsParam = Annotated[bool, Query(description="列出覆盖空白（H3 六边形）/ list uncovered hexagons")]


def coverage_query(region: RegionParam = None, radius_m: RadiusParam = None,
                   kind: KindParam = None, compliant_only: CompliantParam = False,
                   by: ByParam = None) -> CoverageQuery:
    """The checked question from the query string (422 naming the bad parameter)."""
    return parse_query(region, radius_m=radius_m, kind=kind, compliant_only=compliant_only,
                       by=by)


QueryDep = Annotated[CoverageQuery, Depends(coverage_query)]


@router.get(
    "/api/coverage",
    response_model=schemas.CoverageAnswer,
    response_model_exclude_unset=True,
    summary="覆盖分析 / Covered area per sub-region",
)
def get_coverage(
    service: CoverageDep,
    query: QueryDep,
    reach: ReachDep,
    gaps: GapsParam = False,
    suggest: Annotated[int, Query(description="建议新站点数（需要需求点，见 POST）/ sites to "
                                              "suggest; needs demand (POST)")] = 0,
) -> dict[str, Any]:
    if check_suggest(suggest):
        raise InvalidInput("suggest", "选址建议需要需求点：请用 POST /api/coverage/demand / "
                                      "suggesting sites needs demand points: use POST "
                                      "/api/coverage/demand")
    return service.analyse(query, gaps=gaps, reach=reach).to_json()


@router.post("/api/coverage/demand", response_model=schemas.CoverageAnswer, response_model_exclude_unset=True,
             summary="需求加权覆盖 / Share of demand within reach, gaps and suggested sites")
async def post_coverage_demand(
    request: Request,
    service: CoverageDep,
    query: QueryDep,
    reach: ReachDep,
    gaps: GapsParam = False,
    suggest: Annotated[int, Query(description="建议新站点数 / new sites to suggest")] = 0,
    crs: Annotated[str, Query(description="需求点坐标系 / wgs84|gcj02|bd09")] = "wgs84",
) -> dict[str, Any]:
    """Demand as a multipart upload (field ``file``: CSV, XLSX or GeoJSON) or a JSON
    FeatureCollection body."""
    sites = check_suggest(suggest)
    demand = await read_demand_body(request, crs)
    result = await run_in_threadpool(service.analyse, query, demand=demand, gaps=gaps,
                                     suggest=sites, reach=reach)
    return result.to_json()


async def read_demand_body(request: Request, crs: str) -> Demand:
    """Demand points from a multipart upload or a GeoJSON body.

    The body's size is bounded by :class:`web.middleware.BodyLimit` (``MAX_UPLOAD_BYTES``
    and the framing) while it streams; an uploaded file is spooled to disk by the form
    parser, copied to a named file in chunks and read from there as a stream, so memory
    never holds the whole file.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=5) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("file", "需要上传文件字段 file / expected a file in field 'file'")
            name = Path(upload.filename or "demand.csv").name
            with tempfile.TemporaryDirectory(prefix="stations-demand-") as folder:
                path = Path(folder) / f"upload{Path(name).suffix.lower()[:10]}"
                with path.open("wb") as out:
                    while chunk := await upload.read(1 << 20):
                        out.write(chunk)
                return await run_in_threadpool(read_demand, path, crs=crs, label=name)
    body = await request.body()
    if not body:
        raise InvalidInput("body", "需要需求点：上传文件或 GeoJSON / expected demand points: a "
                                   "file upload or a GeoJSON FeatureCollection")
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput("body", f"不是有效的 JSON / not valid JSON: {exc}") from None
    return await run_in_threadpool(demand_from_geojson, doc, "request", crs=crs)
