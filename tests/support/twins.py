"""Empty databases to restore into, and a registry's whole state to compare after."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import sqlalchemy as sa

from stations.compliance.inspections import list_inspections
from stations.io.export import export_stations
from stations.store.registry import Registry
from tests.support.databases import PG_URL


def _schema_of(url: str) -> str:
    options = parse_qs(urlsplit(url).query).get("options", [""])[0]
    return options.removeprefix("-csearch_path=").split(",")[0] or "public"


@contextmanager
def empty_twin(url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as ``url``: a new SQLite file, or a new
    PostgreSQL database whose search path starts at a schema named like ``url``'s."""
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'twin-{uuid.uuid4().hex[:8]}.db'}"
        return
    assert PG_URL
    name = f"stations_twin_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    schema = _schema_of(url)
    parts = urlsplit(url)
    twin = urlunsplit(parts._replace(path=f"/{name}"))
    engine = sa.create_engine(twin.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:  # as scripts/test.sh makes stations_test
            conn.execute(sa.text("CREATE EXTENSION postgis SCHEMA public"))
            if schema != "public":
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        yield twin
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def registry_state(registry: Registry, evidence_root: Path) -> dict[str, Any]:
    """What a user can see of a registry: its CSV export, every inspection with its
    criteria, and the content of every photo they cite."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.csv"
        export_stations(registry.all(), out)
        export = out.read_text(encoding="utf-8-sig")
    inspections = []
    photos: dict[str, str | None] = {}
    for station in registry.all():
        for inspection in list_inspections(registry, station.id):
            inspections.append(inspection.as_dict())
            for item in inspection.evidence:
                path = evidence_root / item.path
                photos[item.sha256] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return {"revision": registry.revision(), "export": export,
            "inspections": sorted(inspections, key=lambda i: i["id"]), "photos": photos}
