"""One inspection per draft over HTTP: ``client_id``, a repeat answered 200."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.support.compliance import bearer, png_bytes
from tests.web.inspections.helpers import station_inspections, visit


def send(client: TestClient, draft: str, user: str = "inspector", **fields: object) -> object:
    body = visit(client_id=draft, **fields)
    return client.post("/api/inspections", json=body, headers=bearer(user))


def test_a_draft_sent_again_returns_the_stored_one_and_says_so(client: TestClient) -> None:
    draft = str(uuid.uuid4())
    first = send(client, draft)
    assert first.status_code == 201 and "repeat" not in first.json()  # type: ignore[attr-defined]
    again = send(client, draft)
    assert again.status_code == 200  # type: ignore[attr-defined]
    body = again.json()  # type: ignore[attr-defined]
    assert body["repeat"] is True
    assert body["id"] == first.json()["id"] and body["client_id"] == draft  # type: ignore[attr-defined]
    assert len(station_inspections(client)["inspections"]) == 1


def test_two_drafts_with_equal_answers_are_two_inspections(client: TestClient) -> None:
    codes = [send(client, str(uuid.uuid4())).status_code for _ in range(2)]  # type: ignore[attr-defined]
    assert codes == [201, 201]
    assert len(station_inspections(client)["inspections"]) == 2


def test_a_resent_multipart_draft_keeps_one_set_of_photos(client: TestClient) -> None:
    draft = str(uuid.uuid4())
    import json

    for expected in (201, 200):
        response = client.post(
            "/api/inspections",
            data={"data": json.dumps(visit(client_id=draft))},
            files=[("photos", ("door.png", png_bytes(), "image/png"))],
            headers=bearer("inspector"),
        )
        assert response.status_code == expected, response.text
    [stored] = station_inspections(client)["inspections"]
    assert len(stored["evidence"]) == 1


def test_another_inspectors_client_id_is_a_conflict(client: TestClient) -> None:
    draft = str(uuid.uuid4())
    send(client, draft)
    taken = send(client, draft, user="inspector2")
    assert taken.status_code == 409  # type: ignore[attr-defined]
    bad = send(client, "not-a-uuid")
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "client_id"  # type: ignore[attr-defined]
