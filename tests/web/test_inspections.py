"""Inspections over HTTP: who may do what, validation, evidence, queues, reliability."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from stations.compliance import inspections as inspections_module
from stations.config import Settings
from stations.store.compliance_tables import EvidenceRow, InspectionResultRow, InspectionRow
from stations.store.registry import Registry
from tests.support.compliance import (
    SIX_HAVE,
    TEST_SECRET,
    ZZ1_LAT,
    ZZ1_LON,
    add_role_users,
    all_pass,
    bearer,
    files_under,
    jpeg_bytes,
    png_bytes,
    seed,
)
from tests.support.live_server import serve_in_thread
from web.app import create_app

ROLES = (None, "inspector", "planner", "admin")


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture
def make_client(db: str, evidence_dir: Path) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        config = {
            "db": db,
            "seed_demo": False,
            "secret_key": "x" * 64,
            "evidence_dir": str(evidence_dir),
        } | settings
        client = TestClient(create_app(Settings(**config)), raise_server_exceptions=False)
        opened.append(client)
        return client.__enter__()

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(secret_key=TEST_SECRET)


def visit(station_id: str = "ZZ1", **fields: Any) -> dict[str, Any]:
    return {
        "station_id": station_id,
        "results": all_pass(),
        "notes": "整洁",
        "lon": ZZ1_LON,
        "lat": ZZ1_LAT,
    } | fields


def log(client: TestClient, user: str = "inspector", **fields: Any) -> dict[str, Any]:
    response = client.post("/api/inspections", json=visit(**fields), headers=bearer(user))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def station_inspections(
    client: TestClient, station_id: str = "ZZ1", user: str | None = "admin"
) -> dict[str, Any]:
    return client.get(f"/api/stations/{station_id}/inspections", headers=bearer(user)).json()  # type: ignore[no-any-return]


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
        pytest.param(
            endpoint, role, ALLOWED[endpoint][role], id=f"{endpoint}-{role or 'anonymous'}"
        )
        for endpoint in WRITES
        for role in ROLES
    ],
)
def test_permission_matrix_for_every_write(
    client: TestClient, endpoint: str, role: str | None, status: int
) -> None:
    earlier = log(client, user="inspector2")
    path, body = WRITES[endpoint]
    before = world(client)
    response = client.post(
        path.format(inspection_id=earlier["id"]), json=body({}), headers=bearer(role)
    )
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
def test_permission_matrix_for_reads(
    client: TestClient, path: str, role: str | None, status: int
) -> None:
    assert client.get(path, headers=bearer(role)).status_code == status


@pytest.mark.parametrize(
    ("role", "sees_who_and_where"),
    [
        pytest.param(None, False, id="anonymous"),
        pytest.param("planner", True, id="planner"),
        pytest.param("inspector", True, id="inspector"),
    ],
)
def test_anyone_sees_results_but_only_staff_see_who_and_where(
    client: TestClient, role: str | None, sees_who_and_where: bool
) -> None:
    log(client, results=all_pass(signage=False), criterion_notes={"signage": "缺少牌匾"})
    body = station_inspections(client, user=role)
    assert body["standing"] == "failing"
    [inspection] = body["inspections"]
    assert inspection["results"]["signage"] is False
    assert inspection["criterion_notes"] == {"signage": "缺少牌匾"}
    for private in ("inspector", "lon", "lat", "distance_m"):
        assert (private in inspection) is sees_who_and_where


# -- logging an inspection --


def test_a_logged_inspection_is_stored_and_listed(client: TestClient) -> None:
    stored = log(client, lon=ZZ1_LON + 0.01)  # about 900 m east
    assert stored["result"] == "pass"
    assert stored["inspector"] == "inspector"
    assert stored["checklist"] == {"id": "six_have", "version": 1}
    assert stored["on_site"] is False and 800 < stored["distance_m"] < 1000
    listed = station_inspections(client)
    assert listed["standing"] == "compliant"
    assert [i["id"] for i in listed["inspections"]] == [stored["id"]]
    assert (
        client.get(f"/api/inspections/{stored['id']}", headers=bearer("planner")).json() == stored
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(
            visit(results=all_pass(toilet=True)), "results.toilet", id="unknown-criterion"
        ),
        pytest.param(
            visit(results={c: True for c in SIX_HAVE[:-1]}), "results", id="missing-criterion"
        ),
        pytest.param(visit(results=all_pass(signage="yes")), "results.signage", id="not-a-bool"),
        pytest.param(visit(station_id="NOPE"), "station_id", id="unknown-station"),
        pytest.param(visit(lat=95.0), "lat", id="latitude-out-of-range"),
        pytest.param(visit(lon="east"), "lon", id="lon-not-a-number"),
        pytest.param(visit(lat=None), "lat", id="lon-without-lat"),
        pytest.param(visit(crs="mars"), "crs", id="unknown-crs"),
        pytest.param(
            {k: v for k, v in visit().items() if k != "station_id"}, "station_id", id="no-station"
        ),
        pytest.param(visit(colour="red"), "colour", id="unknown-field"),
        pytest.param(visit(inspected_at="2999-01-01T00:00:00"), "inspected_at", id="future"),
    ],
)
def test_invalid_input_is_422_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
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


def test_photos_ride_along_as_multipart_and_can_be_fetched(
    client: TestClient, evidence_dir: Path
) -> None:
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
        pytest.param(
            "plaque.jpg", b"GIF89a" + b"\x00" * 64, "not JPEG, PNG or WebP", id="gif-named-jpg"
        ),
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


# -- corrections, reviews, status --


def test_a_correction_supersedes_and_a_rejection_does_not_count(client: TestClient) -> None:
    wrong = log(client, user="inspector2", results=all_pass(layout=False))
    fixed = log(client, user="inspector2", corrects_id=wrong["id"], notes="录入错误，已更正")
    body = station_inspections(client)
    assert body["standing"] == "compliant"
    by_id = {i["id"]: i for i in body["inspections"]}
    assert by_id[wrong["id"]]["superseded"] is True and by_id[wrong["id"]]["result"] == "fail"
    again = client.post(
        "/api/inspections", json=visit(corrects_id=wrong["id"]), headers=bearer("inspector")
    )
    assert again.status_code == 409
    rejected = client.post(
        f"/api/inspections/{fixed['id']}/review",
        headers=bearer("admin"),
        json={"decision": "rejected", "note": "照片与站点不符"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["review"]["decision"] == "rejected"
    assert station_inspections(client)["standing"] == "failing"  # the original counts again
    twice = client.post(
        f"/api/inspections/{fixed['id']}/review",
        headers=bearer("admin"),
        json={"decision": "approved"},
    )
    assert twice.status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"decision": "maybe"}, 422, id="unknown-decision"),
        pytest.param({}, 422, id="no-decision"),
    ],
)
def test_bad_reviews_are_refused(client: TestClient, body: dict[str, Any], status: int) -> None:
    inspection = log(client)
    response = client.post(
        f"/api/inspections/{inspection['id']}/review", json=body, headers=bearer("admin")
    )
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
        client.post(
            "/api/inspections/999/review", json={"decision": "approved"}, headers=bearer("admin")
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("station_id", "body", "status"),
    [
        pytest.param("ZZ1", {"status": "revoked", "reason": "长期不开放"}, 200, id="revoke"),
        pytest.param(
            "ZZ3", {"status": "suspended", "reason": "x"}, 422, id="planned-cannot-suspend"
        ),
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


# -- checklists and queues --


def test_checklist_endpoint_prefills_what_the_data_can_judge(client: TestClient) -> None:
    body = client.get("/api/stations/ZZ1/checklist").json()
    assert [c["code"] for c in body["checklist"]["criteria"]] == list(SIX_HAVE)
    prefill = body["prefill"]
    assert prefill["on_map"]["value"] is True
    assert (
        prefill["facilities"]["value"] is False
        and "first_aid" in prefill["facilities"]["explanation"]
    )
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


# -- reliability --




@pytest.fixture
def sqlite_db(tmp_path: Path, write_csv: Callable[..., Path]) -> str:
    """A seeded SQLite file (the embedded database, as most deployments run it)."""
    url = f"sqlite:///{tmp_path / 'live' / 'stations.db'}"
    registry = Registry.open(url)
    seed(registry, write_csv)
    add_role_users(registry)
    registry.close()
    return url


@pytest.fixture
def live_server(sqlite_db: str, evidence_dir: Path) -> Iterator[str]:
    """The app under a real uvicorn server on the real SQLite file."""
    db = sqlite_db
    settings = Settings(
        db=db, seed_demo=False, secret_key=TEST_SECRET, evidence_dir=str(evidence_dir)
    )
    with serve_in_thread(settings) as base:
        yield base


def test_forty_inspectors_at_once_lose_no_record(live_server: str, sqlite_db: str) -> None:
    db = sqlite_db
    n = 40
    barrier = threading.Barrier(n)
    stations = ["ZZ1", "ZZ2"]

    def submit(i: int) -> int:
        body = visit(station_id=stations[i % 2], notes=f"visit {i}")
        headers = bearer("inspector" if i % 2 else "inspector2")
        with httpx.Client(base_url=live_server, timeout=120) as http:
            barrier.wait()
            return http.post("/api/inspections", json=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        codes = list(pool.map(submit, range(n)))
    assert codes == [201] * n
    assert row_counts(db) == (n, n * len(SIX_HAVE), 0)
    registry = Registry.open(db)
    try:
        with registry.session() as s:
            notes = set(s.scalars(select(InspectionRow.notes)))
    finally:
        registry.close()
    assert notes == {f"visit {i}" for i in range(n)}


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
