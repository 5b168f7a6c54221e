"""The coverage table as a file for reports: ``GET /api/coverage.csv`` and ``.xlsx``.

Same question, same answer as ``GET /api/coverage`` (one row per sub-region, then the
region's own totals), as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese
names) or XLSX.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from openpyxl import Workbook

from stations.io.safe_cells import csv_record, xlsx_row
from web.deps import CoverageDep
from web.routers.coverage import QueryDep

router = APIRouter(tags=["coverage"])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_rows(answer: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows of the file: every sub-region, then the region's totals."""
    rows = [*answer["regions"], answer["region"]]
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns, rows


def csv_bytes(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_record(row) for row in rows)  # text never starts a formula
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def xlsx_bytes(columns: list[str], rows: list[dict[str, Any]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "coverage")
    sheet.append(xlsx_row(sheet, columns))
    for row in rows:
        sheet.append(xlsx_row(sheet, [row.get(column) for column in columns]))  # text, never formulas
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@router.get(
    "/api/coverage.{fmt}",
    summary="覆盖分析表下载 / The coverage table as CSV or XLSX",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}}}},
)
def download_coverage(fmt: Literal["csv", "xlsx"], service: CoverageDep, query: QueryDep) -> Response:
    answer = service.analyse(query).to_json()
    columns, rows = table_rows(answer)
    body = (csv_bytes(columns, rows) if fmt == "csv"
            else xlsx_bytes(columns, rows, answer["region"]["name"]))
    filename = f"coverage-{query.region}.{fmt}"
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
