"""Ranged path and query parameters: every id and integer the API takes has bounds, so a
number no column can hold (``/api/inspections/9223372036854775808``,
``?offset=99999999999999999999``) is a 422 naming the parameter, never a database
overflow and a 500.

Record ids are the database's ``INTEGER`` keys: PostgreSQL's are 32-bit, so the bound is
the same on both backends.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_RECORD_ID = 2**31 - 1
"""Largest id of an inspection, photo or user row (PostgreSQL ``integer``)."""
MAX_OFFSET = 10_000_000
"""Deepest page start: far beyond the ~200,000 stations of the whole country."""
MAX_STATION_ID_CHARS = 64

InspectionId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="检查记录编号 / inspection id")]
NoticeId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="通知编号 / notice id")]
EvidenceId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="照片编号 / photo id")]
StationId = Annotated[str, Path(min_length=1, max_length=MAX_STATION_ID_CHARS,
                                description="站点编号 / station id")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过多少条 / rows to skip")]
