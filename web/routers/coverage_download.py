"""Coverage as files for reports, and the gap list: ``GET /api/coverage.csv|.xlsx``,
``GET /api/coverage/gaps`` (JSON) and ``GET /api/coverage/gaps.csv|.xlsx``.

Same question, same answer as ``GET /api/coverage``; the files are built by
:mod:`stations.coverage.download` (headers in ``lang``, percentages, a parameters sheet, a
file name that says what it holds).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stations.coverage import download
from stations.coverage.analysis import CoverageResult
from web import schemas
from web.deps import CoverageDep
from web.reach_params import ReachDep
from web.routers.coverage import QueryDep

router = APIRouter(tags=["coverage"])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}}}}
MAX_GAPS = 500
LangParam = Annotated[Literal["zh", "en"], Query(
    description="表头语言 / language of the headers: zh (default) | en")]
LimitParam = Annotated[int, Query(ge=1, le=MAX_GAPS,
                                  description="最多列出的空白数 / most gaps listed (1-500)")]
Format = Literal["csv", "xlsx"]


def file_response(body: bytes, fmt: str, name: str) -> Response:
    """The file, named for what it holds (ASCII fallback and the UTF-8 name)."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": disposition})


def table_file(result: CoverageResult, fmt: str, lang: str) -> Response:
    columns, rows = download.coverage_rows(result, lang)
    body = (download.csv_bytes(columns, rows, lang) if fmt == "csv" else
            download.xlsx_bytes(columns, rows, lang, result.region.name,
                                download.parameters(result, lang)))
    return file_response(body, fmt, download.file_name(result, "coverage", fmt, lang=lang))


@router.get("/api/coverage.{fmt}", summary="覆盖分析表下载 / The coverage table as CSV or XLSX",
            response_class=Response, responses=FILE_RESPONSES)
def download_coverage(fmt: Format, service: CoverageDep, query: QueryDep, reach: ReachDep,
                      lang: LangParam = "zh") -> Response:
    return table_file(service.analyse(query, reach=reach), fmt, lang)


@router.get("/api/coverage/gaps", response_model=schemas.GapList,
            summary="覆盖空白清单 / Gaps to act on, heaviest first")
def get_gaps(service: CoverageDep, query: QueryDep, reach: ReachDep,
             limit: LimitParam = 50) -> dict[str, Any]:
    result = service.analyse(query, gaps=True, reach=reach, gap_limit=limit)
    answer = result.to_json()
    return {key: answer[key] for key in ("region", "by", "radius_m", "radii_m", "kind",
                                         "compliant_only", "statuses", "revision", "computed_at",
                                         "gaps_basis", "gaps", "empty") if key in answer} | {
        "limit": limit, "notes": answer.get("notes", [])}


@router.get("/api/coverage/gaps.{fmt}", summary="覆盖空白清单下载 / The gap list as CSV or XLSX",
            response_class=Response, responses=FILE_RESPONSES)
def download_gaps(fmt: Format, service: CoverageDep, query: QueryDep, reach: ReachDep,
                  limit: LimitParam = 50, lang: LangParam = "zh") -> Response:
    result = service.analyse(query, gaps=True, reach=reach, gap_limit=limit)
    columns, rows = download.gap_rows(result, lang)
    basis = {"demand": ("需求", "demand"), "stations_nearby": ("附近站点", "stations nearby")}
    label = basis.get(result.gap_basis or "", ("", ""))[1 if lang == "en" else 0]
    extra = {("gaps ranked by" if lang == "en" else "空白排序依据"): label,
             ("most listed" if lang == "en" else "最多列出"): limit}
    body = (download.csv_bytes(columns, rows, lang) if fmt == "csv" else
            download.xlsx_bytes(columns, rows, lang, result.region.name,
                                download.parameters(result, lang, **extra)))
    return file_response(body, fmt, download.file_name(result, "gaps", fmt, lang=lang))
