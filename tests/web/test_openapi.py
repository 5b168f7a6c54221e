"""``/openapi.json`` documents what every JSON route answers, not only its parameters."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from web.app import create_app


def json_answers(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``"METHOD /path"`` → the JSON schema of its success answer, for every route that
    answers JSON (pages, photos and CSV/XLSX downloads are not JSON)."""
    found: dict[str, dict[str, Any]] = {}
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if status.startswith("2") and "application/json" in content:
                    found[f"{method.upper()} {path}"] = content["application/json"].get("schema", {})
    return found


def test_every_json_route_documents_its_answer_by_a_named_model() -> None:
    answers = json_answers(create_app().openapi())
    assert len(answers) > 20
    assert sorted(route for route, schema in answers.items() if "$ref" not in schema) == []


def test_the_api_document_describes_response_bodies(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    answers = json_answers(spec)
    assert answers["GET /api/nearest"]["$ref"].endswith("/NearestAnswer")
    assert answers["POST /api/inspections"]["$ref"].endswith("/InspectionOut")
    result = spec["components"]["schemas"]["NearestResult"]["properties"]
    assert {"id", "distance_m", "navigation", "standing"} <= set(result)
