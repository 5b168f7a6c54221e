"""Who may do what, and who sees what, over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.core.clock import CHINA_TZ
from tests.support.compliance import (
    all_pass,
    bearer,
)
from tests.web.inspections.helpers import ROLES, acting_as, log, station_inspections, visit

# -- who may do what --

WRITES: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "log-inspection": ("/api/inspections", lambda ctx: visit()),
    "review": (
        "/api/inspections/{inspection_id}/review",
        lambda ctx: {"decision": "approved", "note": "核实"},
    ),
    "set-status": (
        "/api/stations/ZZ1/status",
        lambda ctx: {"status": "suspended", "reason": "装修暂停 / closed for works"},
    ),
    "add-user": (
        "/api/users",
        lambda ctx: {"name": "新用户", "role": "inspector", "password": "new-user-pw"},
    ),
}
ALLOWED = {
    "log-inspection": {None: 401, "inspector": 201, "planner": 403, "admin": 201},
    "review": {None: 401, "inspector": 403, "planner": 403, "admin": 200},
    "set-status": {None: 401, "inspector": 403, "planner": 403, "admin": 200},
    "add-user": {None: 401, "inspector": 403, "planner": 403, "admin": 201},
}


def world(client: TestClient) -> dict[str, Any]:
    """Everything a write endpoint could change, as an admin sees it."""
    return {
        "inspections": station_inspections(client),
        "status": client.get("/api/stations/ZZ1").json()["properties"]["status"],
        "users": client.get("/api/users", headers=bearer("admin")).json(),
    }


@pytest.mark.parametrize(
    ("endpoint", "role", "status"),
    [
        pytest.param(endpoint, role, ALLOWED[endpoint][role], id=f"{endpoint}-{role or 'anonymous'}")
        for endpoint in WRITES
        for role in ROLES
    ],
)
def test_permission_matrix_for_every_write(client: TestClient, endpoint: str, role: str | None, status: int) -> None:
    earlier = log(client, user="inspector2")
    path, body = WRITES[endpoint]
    before = world(client)
    response = client.post(path.format(inspection_id=earlier["id"]), json=body({}), headers=bearer(role))
    assert response.status_code == status, response.text
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    if status >= 400:
        assert world(client) == before  # refused means nothing changed
    else:
        assert world(client) != before


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [
        pytest.param(path, role, status, id=f"{path.rsplit('/', 1)[-1]}-{role or 'anonymous'}")
        for path, allowed in {
            "/api/queues/overdue": {None: 401, "inspector": 200, "planner": 200, "admin": 200},
            "/api/queues/failing": {None: 401, "inspector": 200, "planner": 200, "admin": 200},
            "/api/queues/review": {None: 401, "inspector": 200, "planner": 200, "admin": 200},
            "/api/inspections/{inspection_id}": {
                None: 401,
                "inspector": 200,
                "planner": 200,
                "admin": 200,
            },
            "/api/users": {None: 401, "inspector": 403, "planner": 403, "admin": 200},
            "/api/stations/ZZ1/inspections": {
                None: 200,
                "inspector": 200,
                "planner": 200,
                "admin": 200,
            },
            "/api/stations/ZZ1/checklist": {
                None: 200,
                "inspector": 200,
                "planner": 200,
                "admin": 200,
            },
        }.items()
        for role, status in allowed.items()
    ],
)
def test_permission_matrix_for_reads(client: TestClient, path: str, role: str | None, status: int) -> None:
    stored = log(client, user="inspector2")
    url = path.format(inspection_id=stored["id"])
    assert client.get(url, headers=bearer(role)).status_code == status


PRIVATE = ("notes", "criterion_notes", "evidence", "inspector", "lon", "lat", "distance_m")


@pytest.mark.parametrize(
    ("role", "sees_records"),
    [
        pytest.param(None, False, id="anonymous"),
        pytest.param("planner", True, id="planner"),
        pytest.param("inspector", True, id="inspector"),
        pytest.param("admin", True, id="admin"),
    ],
)
def test_the_public_sees_standing_and_last_verified_only(
    client: TestClient, role: str | None, sees_records: bool
) -> None:
    passed = log(client, notes="门禁密码 4711，站长电话 13800000000")
    failed = log(client, results=all_pass(signage=False), criterion_notes={"signage": "缺少牌匾"})
    body = station_inspections(client, user=role)
    assert body["standing"] == "failing"
    assert body["last_verified"] == datetime.now(CHINA_TZ).date().isoformat()
    text = json.dumps(body, ensure_ascii=False)
    assert ("4711" in text) is sees_records and ("缺少牌匾" in text) is sees_records
    if not sees_records:
        assert set(body) == {"station_id", "standing", "last_verified", "inspections"}
        listed = {i["id"]: i for i in body["inspections"]}  # when and the result, no more
        assert listed[failed["id"]]["result"] == "fail" and listed[passed["id"]]["passed"]
        for record in listed.values():
            assert not set(PRIVATE) & set(record), record
        one = client.get(f"/api/inspections/{failed['id']}")
        assert one.status_code == 401 and "4711" not in one.text
        photo = client.get(f"/api/inspections/{passed['id']}/evidence/1")
        assert photo.status_code == 401
        return
    by_id = {i["id"]: i for i in body["inspections"]}
    assert by_id[passed["id"]]["notes"].startswith("门禁密码")
    assert by_id[failed["id"]]["criterion_notes"] == {"signage": "缺少牌匾"}
    for private in PRIVATE:
        assert private in by_id[failed["id"]]


def test_staff_outside_the_stations_region_see_what_the_public_sees(client: TestClient) -> None:
    stored = log(client, notes="门禁密码 4711")
    acting_as(client, "planner", region="340000")  # Anhui; ZZ1 is in Zhengzhou
    body = station_inspections(client, user="planner")
    assert set(body) == {"station_id", "standing", "last_verified", "inspections"}
    assert "4711" not in json.dumps(body, ensure_ascii=False)
    one = client.get(f"/api/inspections/{stored['id']}", headers=bearer("planner"))
    assert one.status_code == 403 and "4711" not in one.text
    photo = client.get(f"/api/inspections/{stored['id']}/evidence/1", headers=bearer("planner"))
    assert photo.status_code == 403
    acting_as(client, "planner", region="410100")  # Zhengzhou
    assert "4711" in json.dumps(station_inspections(client, user="planner"), ensure_ascii=False)
