"""Constants and helpers shared by the compliance tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from stations.store.registry import Registry

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
PERIOD = 365  # inspection period of these tests (days)
METRES_PER_DEGREE_LAT = 110_940.0  # near 35°N; only used to place test points


def count(reg: Registry, table: Any) -> int:
    with reg.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)
