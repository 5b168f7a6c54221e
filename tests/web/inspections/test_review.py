"""Corrections, reviews and station status over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.core.clock import CHINA_TZ
from tests.support.compliance import (
    AT,
    all_pass,
    bearer,
)
from tests.web.inspections.helpers import acting_as, log, station_inspections, visit

# -- corrections, reviews, status --


def review(client: TestClient, inspection_id: int, user: str = "admin", **body: Any) -> Any:
    return client.post(
        f"/api/inspections/{inspection_id}/review",
        json={"decision": "approve"} | body,
        headers=bearer(user),
    )


def test_a_correction_waits_for_review_and_a_rejection_leaves_the_original(
    client: TestClient,
) -> None:
    wrong = log(client, user="inspector2", results=all_pass(layout=False))
    fixed = log(client, user="inspector2", corrects_id=wrong["id"], notes="录入错误，已更正")
    assert fixed["review_status"] == "pending_review"
    assert fixed["review_reasons"] == ["correction"]
    body = station_inspections(client)
    assert body["standing"] == "failing"  # not until an admin approves
    by_id = {i["id"]: i for i in body["inspections"]}
    assert by_id[wrong["id"]]["corrected_by"] == fixed["id"]
    waiting = client.get("/api/queues/review", headers=bearer("planner")).json()
    assert [i["id"] for i in waiting["inspections"]] == [fixed["id"]]
    again = client.post("/api/inspections", json=visit(corrects_id=wrong["id"]), headers=bearer("inspector2"))
    assert again.status_code == 409
    rejected = review(client, fixed["id"], decision="reject", note="照片与站点不符")
    assert rejected.status_code == 200
    assert rejected.json()["review"]["decision"] == "rejected"
    assert rejected.json()["review_status"] == "rejected"
    assert station_inspections(client)["standing"] == "failing"  # the original counts
    assert client.get("/api/queues/review", headers=bearer("planner")).json()["count"] == 0
    assert review(client, fixed["id"]).status_code == 409  # set once


def test_an_approved_correction_turns_the_standing(client: TestClient) -> None:
    wrong = log(client, results=all_pass(layout=False))
    fixed = log(client, corrects_id=wrong["id"])
    approved = review(client, fixed["id"], note="核实")
    assert approved.status_code == 200, approved.text
    assert approved.json()["review_status"] == "approved"
    assert station_inspections(client)["standing"] == "compliant"


@pytest.mark.parametrize(
    ("corrector", "status"),
    [
        pytest.param("inspector", 201, id="who-logged-it"),
        pytest.param("admin", 201, id="an-admin"),
        pytest.param("inspector2", 403, id="another-inspector"),
        pytest.param("planner", 403, id="a-planner"),
    ],
)
def test_only_the_inspector_or_an_admin_may_correct(client: TestClient, corrector: str, status: int) -> None:
    failing = log(client, results=all_pass(signage=False))
    response = client.post("/api/inspections", json=visit(corrects_id=failing["id"]), headers=bearer(corrector))
    assert response.status_code == status, response.text
    assert station_inspections(client)["standing"] == "failing"  # either way, for now


@pytest.mark.parametrize(
    ("fields", "reasons"),
    [
        pytest.param({"lat": AT["ZZ1"]["lat"] + 7.5}, ["off_site"], id="833-km-away"),
        pytest.param({"on_site": False}, ["off_site"], id="declared-off-site"),
        pytest.param(
            {"inspected_at": (datetime.now(CHINA_TZ) - timedelta(days=8)).isoformat()},
            ["late"],
            id="8-days-before-receipt",
        ),
    ],
)
def test_a_pass_from_afar_or_late_counts_only_after_approval(
    client: TestClient, fields: dict[str, Any], reasons: list[str]
) -> None:
    passing = log(client, user="inspector2", **fields)
    assert passing["review_reasons"] == reasons
    assert station_inspections(client)["standing"] == "never_inspected"
    assert review(client, passing["id"], user="inspector2").status_code == 403  # not an admin
    assert review(client, passing["id"]).status_code == 200
    assert station_inspections(client)["standing"] == "compliant"


@pytest.mark.parametrize(
    ("when", "status"),
    [
        pytest.param("2999-01-01T00:00:00", 422, id="future"),
        pytest.param("1999-12-31T12:00:00", 422, id="before-2000"),
        pytest.param("2000-06-01T12:00:00", 201, id="2000-goes-to-review"),
    ],
)
def test_impossible_dates_are_refused_with_a_clear_422(client: TestClient, when: str, status: int) -> None:
    response = client.post("/api/inspections", json=visit(inspected_at=when), headers=bearer("inspector"))
    assert response.status_code == status, response.text
    if status == 422:
        detail = response.json()["detail"]
        assert detail["field"] == "inspected_at" and " / " in detail["message"]
    else:
        assert response.json()["review_reasons"] == ["late"]


def test_an_admin_reviews_only_inside_their_region(client: TestClient) -> None:
    waiting = log(client, on_site=False)
    acting_as(client, "admin", region="340000")
    refused = review(client, waiting["id"])
    assert refused.status_code == 403 and "340000" in refused.text
    assert client.get("/api/queues/review", headers=bearer("admin")).json()["count"] == 0
    assert client.get("/api/queues/review?region=410000", headers=bearer("admin")).status_code == 403
    acting_as(client, "admin", region="410000")
    assert client.get("/api/queues/review", headers=bearer("admin")).json()["count"] == 1
    assert review(client, waiting["id"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"decision": "maybe"}, 422, id="unknown-decision"),
        pytest.param({}, 422, id="no-decision"),
    ],
)
def test_bad_reviews_are_refused(client: TestClient, body: dict[str, Any], status: int) -> None:
    inspection = log(client)
    response = client.post(f"/api/inspections/{inspection['id']}/review", json=body, headers=bearer("admin"))
    assert response.status_code == status


def test_an_admin_may_not_review_their_own_inspection(client: TestClient) -> None:
    own = log(client, user="admin")
    response = client.post(
        f"/api/inspections/{own['id']}/review",
        json={"decision": "approved"},
        headers=bearer("admin"),
    )
    assert response.status_code == 403
    assert (
        client.post("/api/inspections/999/review", json={"decision": "approved"}, headers=bearer("admin")).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("station_id", "body", "status"),
    [
        pytest.param("ZZ1", {"status": "revoked", "reason": "长期不开放"}, 200, id="revoke"),
        pytest.param("ZZ3", {"status": "suspended", "reason": "x"}, 422, id="planned-cannot-suspend"),
        pytest.param("ZZ1", {"status": "suspended", "reason": ""}, 422, id="no-reason"),
        pytest.param("ZZ1", {"status": "asleep", "reason": "x"}, 422, id="unknown-status"),
        pytest.param("NOPE", {"status": "suspended", "reason": "x"}, 404, id="unknown-station"),
    ],
)
def test_an_admin_changes_a_station_status_with_a_reason(
    client: TestClient, station_id: str, body: dict[str, Any], status: int
) -> None:
    response = client.post(f"/api/stations/{station_id}/status", json=body, headers=bearer("admin"))
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["properties"]["status"] == body["status"]
        [last] = client.get(f"/api/stations/{station_id}/history", headers=bearer("admin")).json()["history"][-1:]
        assert (last["actor"], last["reason"]) == ("admin", body["reason"])
