"""The test databases: a SQLite file, and a fresh schema of the PostGIS test database when
``STATIONS_TEST_PG`` names one (``scripts/test.sh`` sets it; CI refuses to run without)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.support.strict import STRICT

PG_URL = os.environ.get("STATIONS_TEST_PG")
if STRICT and not PG_URL:  # the test command must not quietly skip these
    raise RuntimeError("CI needs STATIONS_TEST_PG: run the tests through scripts/test.sh")
BACKENDS = [pytest.param("sqlite", id="sqlite")] + (
    [pytest.param("postgis", id="postgis", marks=pytest.mark.postgis)] if PG_URL else []
)


def postgis_schema_url() -> Iterator[str]:
    """A URL whose connections work in a new schema of the PostGIS test database."""
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema},public"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
