"""Requests the inspection API tests make again and again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from stations.accounts.users import get_user
from stations.store.compliance_tables import EvidenceRow, InspectionResultRow, InspectionRow
from stations.store.registry import Registry
from tests.support.compliance import (
    AT,
    all_pass,
    bearer,
)
from web.deps import optional_user

ROLES = (None, "inspector", "planner", "admin")


def visit(station_id: str = "ZZ1", **fields: Any) -> dict[str, Any]:
    """A visit at the station (on site), today."""
    return {
        "station_id": station_id,
        "results": all_pass(),
        "notes": "整洁",
        **AT.get(station_id, AT["ZZ1"]),
    } | fields


def log(client: TestClient, user: str = "inspector", **fields: Any) -> dict[str, Any]:
    response = client.post("/api/inspections", json=visit(**fields), headers=bearer(user))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def station_inspections(client: TestClient, station_id: str = "ZZ1", user: str | None = "admin") -> dict[str, Any]:
    return client.get(f"/api/stations/{station_id}/inspections", headers=bearer(user)).json()  # type: ignore[no-any-return]


def row_counts(db: str) -> tuple[int, int, int]:
    registry = Registry.open(db)
    try:
        with registry.session() as s:
            return tuple(  # type: ignore[return-value]
                int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in (InspectionRow, InspectionResultRow, EvidenceRow)
            )
    finally:
        registry.close()


def acting_as(client: TestClient, name: str, *, region: str) -> None:
    """Every request of ``client`` comes from the account ``name`` acting for ``region``.

    The scope contract (:mod:`stations.accounts.scope`) is what is tested; how accounts
    store their region is issue 15's.
    """
    registry = client.app.state.services.registry  # type: ignore[attr-defined]
    user = replace(get_user(registry, name), region=region)
    client.app.dependency_overrides[optional_user] = lambda: user  # type: ignore[attr-defined]
