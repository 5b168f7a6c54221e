"""Checklists and work queues over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.compliance import (
    SIX_HAVE,
    TEST_SECRET,
    all_pass,
    bearer,
)
from tests.web.inspections.helpers import log, visit

# -- checklists and queues --


def test_checklist_endpoint_prefills_what_the_data_can_judge(client: TestClient) -> None:
    body = client.get("/api/stations/ZZ1/checklist").json()
    assert [c["code"] for c in body["checklist"]["criteria"]] == list(SIX_HAVE)
    prefill = body["prefill"]
    assert prefill["on_map"]["value"] is True
    assert prefill["facilities"]["value"] is False and "first_aid" in prefill["facilities"]["explanation"]
    assert prefill["signage"]["value"] is None
    assert "3000 m" in prefill["layout"]["explanation"]
    assert client.get("/api/stations/NOPE/checklist").status_code == 404


def test_a_provincial_checklist_in_the_configured_directory_applies(
    make_client: Callable[..., TestClient], tmp_path: Path
) -> None:
    extra = tmp_path / "checklists"
    extra.mkdir()
    (extra / "henan_v1.json").write_text(
        json.dumps(
            {
                "id": "six_have_henan",
                "version": 1,
                "kind": "outdoor_worker_station",
                "region": "41",
                "valid_from": "2024-01-01",
                "title": {"zh": "河南省", "en": "Henan"},
                "criteria": [
                    {"code": "signage", "zh": "标识", "en": "Signage"},
                    {"code": "hotline", "zh": "12351热线", "en": "12351 hotline"},
                ],
            }
        ),
        "utf-8",
    )
    client = make_client(secret_key=TEST_SECRET, checklist_dir=str(extra))
    assert client.get("/api/stations/ZZ1/checklist").json()["checklist"]["id"] == "six_have_henan"
    refused = client.post("/api/inspections", json=visit(), headers=bearer("inspector"))
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == "results.layout"
    stored = log(client, results={"signage": True, "hotline": True})
    assert stored["checklist"] == {"id": "six_have_henan", "version": 1}
    assert client.get("/api/stations/AH1/checklist").json()["checklist"]["id"] == "driver_home"


@pytest.mark.parametrize(
    ("path", "ids"),
    [
        pytest.param("/api/queues/overdue", ["AH1"], id="overdue"),
        pytest.param("/api/queues/overdue?region=410000", [], id="overdue-henan"),
        pytest.param("/api/queues/overdue?region=340000", ["AH1"], id="overdue-anhui"),
        pytest.param("/api/queues/failing", ["ZZ2"], id="failing"),
        pytest.param("/api/queues/failing?region=410100", ["ZZ2"], id="failing-zhengzhou"),
        pytest.param("/api/queues/failing?region=340000", [], id="failing-anhui"),
    ],
)
def test_queues_over_http(client: TestClient, path: str, ids: list[str]) -> None:
    log(client)  # ZZ1 compliant
    log(client, station_id="ZZ2", results=all_pass(management=False))  # ZZ2 failing
    body = client.get(path, headers=bearer("planner")).json()
    assert [s["id"] for s in body["stations"]] == ids


def test_a_malformed_region_is_422(client: TestClient) -> None:
    response = client.get("/api/queues/overdue?region=41", headers=bearer("inspector"))
    assert response.status_code == 422 and response.json()["detail"]["field"] == "region"
