"""Logging an inspection over HTTP: stored, validated, photos, atomic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.compliance import inspections as inspections_module
from tests.support.compliance import (
    SIX_HAVE,
    ZZ1_LON,
    all_pass,
    bearer,
    files_under,
    jpeg_bytes,
    png_bytes,
)
from tests.web.inspections.helpers import log, row_counts, station_inspections, visit

# -- logging an inspection --


def test_a_logged_inspection_is_stored_and_listed(client: TestClient) -> None:
    stored = log(client, lon=ZZ1_LON + 0.01)  # about 900 m east
    assert stored["result"] == "pass"
    assert stored["inspector"] == "inspector"
    assert stored["checklist"] == {"id": "six_have", "version": 1}
    assert stored["on_site"] is False and 800 < stored["distance_m"] < 1000
    assert stored["review_status"] == "pending_review"
    assert stored["review_reasons"] == ["off_site"]
    listed = station_inspections(client)
    assert listed["standing"] == "never_inspected"  # until an admin approves it
    assert [i["id"] for i in listed["inspections"]] == [stored["id"]]
    assert client.get(f"/api/inspections/{stored['id']}", headers=bearer("planner")).json() == stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(visit(results=all_pass(toilet=True)), "results.toilet", id="unknown-criterion"),
        pytest.param(visit(results={c: True for c in SIX_HAVE[:-1]}), "results", id="missing-criterion"),
        pytest.param(visit(results=all_pass(signage="yes")), "results.signage", id="not-a-bool"),
        pytest.param(visit(station_id="NOPE"), "station_id", id="unknown-station"),
        pytest.param(visit(lat=95.0), "lat", id="latitude-out-of-range"),
        pytest.param(visit(lon="east"), "lon", id="lon-not-a-number"),
        pytest.param(visit(lat=None), "lat", id="lon-without-lat"),
        pytest.param(visit(crs="mars"), "crs", id="unknown-crs"),
        pytest.param({k: v for k, v in visit().items() if k != "station_id"}, "station_id", id="no-station"),
        pytest.param(visit(colour="red"), "colour", id="unknown-field"),
        pytest.param(visit(inspected_at="2999-01-01T00:00:00"), "inspected_at", id="future"),
    ],
)
def test_invalid_input_is_422_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/inspections", json=body, headers=bearer("inspector"))
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["field"] == field
    assert station_inspections(client)["inspections"] == []


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/inspections",
        content=b"signage=yes",
        headers=bearer("inspector") | {"content-type": "application/json"},
    )
    assert response.status_code == 422


def test_photos_ride_along_as_multipart_and_can_be_fetched(client: TestClient, evidence_dir: Path) -> None:
    response = client.post(
        "/api/inspections",
        headers=bearer("inspector"),
        data={"data": json.dumps(visit(), ensure_ascii=False)},
        files=[
            ("photos", ("门牌.png", png_bytes(), "image/png")),
            ("photos", ("inside.jpg", jpeg_bytes(), "application/octet-stream")),
        ],
    )
    assert response.status_code == 201, response.text
    stored = response.json()
    assert [e["media_type"] for e in stored["evidence"]] == ["image/png", "image/jpeg"]
    assert len(files_under(evidence_dir)) == 2
    url = f"/api/inspections/{stored['id']}/evidence/{stored['evidence'][0]['id']}"
    photo = client.get(url, headers=bearer("planner"))
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.content == png_bytes()
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        pytest.param("plaque.jpg", b"GIF89a" + b"\x00" * 64, "not JPEG, PNG or WebP", id="gif-named-jpg"),
        pytest.param("big.jpg", jpeg_bytes(5 * 1024 * 1024 + 10), "larger than 5 MB", id="too-big"),
    ],
)
def test_bad_photos_are_422_and_nothing_is_kept(
    client: TestClient, evidence_dir: Path, name: str, data: bytes, says: str
) -> None:
    response = client.post(
        "/api/inspections",
        headers=bearer("inspector"),
        data={"data": json.dumps(visit())},
        files=[
            ("photos", ("ok.png", png_bytes(), "image/png")),
            ("photos", (name, data, "image/jpeg")),
        ],
    )
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "photos[1]"
    assert says in response.json()["detail"]["message"]
    assert station_inspections(client)["inspections"] == []
    assert files_under(evidence_dir) == []


def test_a_crash_mid_request_leaves_no_half_written_inspection(
    client: TestClient, db: str, evidence_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = inspections_module._insert_evidence

    def crash_after_writing_evidence(*args: Any) -> None:
        original(*args)
        raise RuntimeError("power cut")

    monkeypatch.setattr(inspections_module, "_insert_evidence", crash_after_writing_evidence)
    response = client.post(
        "/api/inspections",
        headers=bearer("inspector"),
        data={"data": json.dumps(visit())},
        files=[("photos", ("door.png", png_bytes(), "image/png"))],
    )
    assert response.status_code == 500
    assert "Traceback" not in response.text and "power cut" not in response.text
    assert row_counts(db) == (0, 0, 0)
    assert files_under(evidence_dir) == []
