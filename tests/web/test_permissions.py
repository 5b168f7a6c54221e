"""Who may do what, where: every write and staff-read endpoint × role × inside/outside
the account's region.

The endpoints are enumerated from the app's OpenAPI document (every operation that
takes a bearer token, and every write), so a new endpoint fails
:func:`test_every_write_and_staff_read_endpoint_is_in_the_matrix` until it has a row
in :data:`MATRIX` saying who may call it.

The accounts act for Zhengzhou (410100); ZZ1 (金水区, 410105) lies inside, AH1 (Anhui)
outside; the host runs ZZ1 only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.store.registry import Registry
from tests.support.accounts import INSIDE, OUTSIDE, REGION, ROLES, add_regional_users, who
from tests.support.compliance import PASSWORD, TEST_SECRET, bearer, png_bytes
from web.app import create_app

STAFF = ("inspector", "planner", "admin")
SPOT = {"ZZ1": (113.6601, 34.7786), "AH1": (118.0210, 31.5830)}
PUBLIC_WRITES = {("POST", "/api/token"), ("POST", "/api/route/stations"),
                 ("POST", "/api/coverage/demand"), ("POST", "/api/stations/{station_id}/reports")}
"""Writes anyone may make: signing in, computations that store nothing, and reports from
the road (bounded by distance and per-client limits, tests/web/test_live.py)."""


@dataclass(frozen=True)
class Case:
    """How to call one endpoint for a target inside or outside the region."""

    call: Callable[[dict[str, Any], bool], tuple[str, dict[str, Any]]]
    """(ctx, inside) → (url, request keyword arguments)."""
    allowed: tuple[str, ...]
    """Roles that may, inside the region (outside, none may)."""
    regional: bool = True
    """False: no region applies (one's own account; the region-filtered user list)."""
    public: Callable[[dict[str, Any]], bool] | None = None
    """For a public read with staff details: whether the answer shows them."""


def _station(ctx: dict[str, Any], inside: bool) -> str:
    return INSIDE if inside else OUTSIDE


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {"json": body}


def _visit(ctx: dict[str, Any], inside: bool) -> tuple[str, dict[str, Any]]:
    sid = _station(ctx, inside)
    return "/api/inspections", _json({"station_id": sid, "results": ctx["criteria"][sid]})


def _inspection(ctx: dict[str, Any], inside: bool) -> dict[str, Any]:
    return ctx["inspections"][_station(ctx, inside)]  # type: ignore[no-any-return]


def _notice(ctx: dict[str, Any], inside: bool) -> tuple[str, dict[str, Any]]:
    """A fresh notice (by a country-wide inspector) for each caller to withdraw."""
    sid = _station(ctx, inside)
    made = ctx["client"].post(f"/api/stations/{sid}/notices", headers=bearer("inspector"),
                              json={"kind": "full", "reason": "车位已满"})
    assert made.status_code == 201, made.text
    return f"/api/stations/{sid}/notices/{made.json()['id']}", {}


def _target_user(ctx: dict[str, Any], inside: bool) -> str:
    return "z_target_in" if inside else "z_target_out"


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/stations/{station_id}/status"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}/status",
                      _json({"status": "suspended", "reason": "装修 / works"})), ("admin",)),
    ("POST", "/api/stations/{station_id}/location"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}/location",
                      _json(dict(zip(("lon", "lat"), SPOT[_station(c, i)], strict=True)))),
        ("inspector", "admin")),
    ("PATCH", "/api/stations/{station_id}"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}", _json({"phone": "0371-66666666"})),
        ("admin", "host")),
    ("GET", "/api/stations/{station_id}/history"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}/history", {}), (*STAFF, "host"),
        public=lambda body: all("actor" in h for h in body["history"])),
    ("POST", "/api/stations/{station_id}/notices"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}/notices",
                      _json({"kind": "closed", "reason": "停水检修"})), ("inspector", "admin", "host")),
    ("DELETE", "/api/stations/{station_id}/notices/{notice_id}"): Case(
        _notice, ("inspector", "admin", "host")),
    ("POST", "/api/inspections"): Case(_visit, ("inspector", "admin")),
    ("GET", "/api/inspections/{inspection_id}"): Case(
        lambda c, i: (f"/api/inspections/{_inspection(c, i)['id']}", {}), STAFF),
    ("POST", "/api/inspections/{inspection_id}/review"): Case(
        lambda c, i: (f"/api/inspections/{_inspection(c, i)['id']}/review",
                      _json({"decision": "approved"})), ("admin",)),
    ("GET", "/api/inspections/{inspection_id}/evidence/{evidence_id}"): Case(
        lambda c, i: (f"/api/inspections/{_inspection(c, i)['id']}/evidence/"
                      f"{_inspection(c, i)['evidence'][0]['id']}", {}), STAFF),
    ("GET", "/api/stations/{station_id}/inspections"): Case(
        lambda c, i: (f"/api/stations/{_station(c, i)}/inspections", {}), STAFF,
        public=lambda body: any("inspector" in x for x in body["inspections"])),
    **{("GET", f"/api/queues/{q}"): Case(
        lambda c, i: (f"/api/queues/{c['queue']}",
                      {"params": {} if i else {"region": "340000"}}), STAFF)
       for q in ("overdue", "failing", "unlocated", "review", "reported")},
    ("GET", "/api/users/me"): Case(lambda c, i: ("/api/users/me", {}), ROLES, regional=False),
    ("POST", "/api/users/me/password"): Case(
        lambda c, i: ("/api/users/me/password",
                      _json({"current_password": PASSWORD, "new_password": "a fresh passphrase 9"})),
        ROLES, regional=False),
    ("GET", "/api/users"): Case(lambda c, i: ("/api/users", {}), ("admin",), regional=False),
    ("POST", "/api/users"): Case(
        lambda c, i: ("/api/users", _json({
            "name": f"new_{c['role']}_{'in' if i else 'out'}", "role": "inspector",
            "password": "a fresh passphrase 9", "region": "410105" if i else "340000"})),
        ("admin",)),
    ("PATCH", "/api/users/{name}"): Case(
        lambda c, i: (f"/api/users/{_target_user(c, i)}", _json({"role": "inspector"})),
        ("admin",)),
    ("DELETE", "/api/users/{name}"): Case(
        lambda c, i: (f"/api/users/{_target_user(c, i)}", {}), ("admin",)),
}


def secured_or_writing_operations(client: TestClient) -> set[tuple[str, str]]:
    found = set()
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            writes = method.upper() in ("POST", "PUT", "PATCH", "DELETE")
            if operation.get("security") or writes:
                found.add((method.upper(), path))
    return found - PUBLIC_WRITES


@pytest.fixture
def matrix_client(db: str, tmp_path: Path) -> Iterator[TestClient]:
    registry = Registry.open(db)
    add_regional_users(registry)
    registry.close()
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET,
                        evidence_dir=str(tmp_path / "evidence"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def setup_context(client: TestClient) -> dict[str, Any]:
    """An inspection with a photo at each station, by a country-wide inspector."""
    ctx: dict[str, Any] = {"criteria": {}, "inspections": {}, "client": client}
    for sid in (INSIDE, OUTSIDE):
        checklist = client.get(f"/api/stations/{sid}/checklist").json()["checklist"]
        ctx["criteria"][sid] = {c["code"]: True for c in checklist["criteria"]}
        made = client.post(
            "/api/inspections", headers=bearer("inspector"),
            data={"data": json.dumps({"station_id": sid, "results": ctx["criteria"][sid]})},
            files=[("photos", ("door.png", png_bytes(), "image/png"))])
        assert made.status_code == 201, made.text
        ctx["inspections"][sid] = made.json()
    return ctx


def test_every_write_and_staff_read_endpoint_is_in_the_matrix(matrix_client: TestClient) -> None:
    missing = secured_or_writing_operations(matrix_client) - set(MATRIX)
    assert not missing, f"add these endpoints to MATRIX (who may call them): {sorted(missing)}"


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=lambda op: f"{op[0]} {op[1]}")
def test_roles_inside_and_outside_their_region(
    matrix_client: TestClient, operation: tuple[str, str]
) -> None:
    client = matrix_client
    if operation not in secured_or_writing_operations(client):
        pytest.fail(f"{operation} is in MATRIX but not served: remove it")
    case = MATRIX[operation]
    ctx = setup_context(client)
    ctx["queue"] = operation[1].rsplit("/", 1)[-1]
    method = operation[0]
    ctx["role"] = "anonymous"
    url, kwargs = case.call(ctx, True)
    anonymous = client.request(method, url, **kwargs)
    assert anonymous.status_code == (200 if case.public else 401), anonymous.text
    if case.public is not None:
        assert case.public(anonymous.json()) is False, "the public sees no staff details"
    for role in ROLES:
        ctx["role"] = role
        for inside in (True, False) if case.regional else (True,):
            url, kwargs = case.call(ctx, inside)
            answer = client.request(method, url, headers=bearer(who(role)), **kwargs)
            where = "inside" if inside else "outside"
            may = role in case.allowed and (inside or not case.regional)
            if case.public is not None:
                assert answer.status_code == 200, (role, where, answer.text)
                assert case.public(answer.json()) is may, (role, where, "staff details")
            elif may:
                assert answer.status_code in (200, 201, 204), (role, where, answer.text)
            else:
                assert answer.status_code == 403, (role, where, answer.text)
                if role in case.allowed and role != "host":
                    assert REGION in answer.json()["detail"]["message"], answer.text
