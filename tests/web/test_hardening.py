"""Inputs bounded, outputs safe, at rest private, over HTTP: numbers out of range are
404/422 (never 500), text is checked as on every other path, signed-in answers are not
cached, the database and its secret are private, /docs runs from the app's own files."""

from __future__ import annotations

import io
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from tests.compliance.test_photo_check import jpeg_with_exif
from tests.support.compliance import TEST_SECRET, all_pass, bearer, seed
from web.app import create_app
from web.server import server_config


@pytest.fixture
def client(db: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET,
                        evidence_dir=str(tmp_path / "evidence"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("path", "user", "statuses"), [
    ("/api/inspections/9223372036854775808", "admin", {404, 422}),
    ("/api/inspections/9223372036854775807", "admin", {404, 422}),
    ("/api/inspections/2147483648", "admin", {404, 422}),
    ("/api/inspections/0", "admin", {404, 422}),
    ("/api/inspections/-1", "admin", {404, 422}),
    ("/api/inspections/1/evidence/99999999999999999999", "admin", {404, 422}),
    ("/api/stations?offset=99999999999999999999", None, {422}),
    ("/api/stations?offset=9223372036854775808", None, {422}),
    ("/api/stations?limit=99999999999999999999", None, {422}),
    ("/api/stations/" + "x" * 65, None, {404, 422}),
    ("/api/stations/" + "x" * 65 + "/inspections", None, {404, 422}),
    ("/api/offline/stations?lon=113.66&lat=34.78&limit=99999999999999999999", None, {422}),
    ("/api/coverage?suggest=99999999999999999999", None, {422}),
    ("/ogc/collections/stations/items?offset=99999999999999999999", None, {400, 422}),
    ("/ogc/collections/stations/items?limit=99999999999999999999", None, {200}),  # served as the maximum
])
def test_numbers_out_of_range_are_404_or_422_never_500(
        client: TestClient, path: str, user: str | None, statuses: set[int]) -> None:
    response = client.get(path, headers=bearer(user))
    assert response.status_code in statuses, response.text[:300]
    assert "Traceback" not in response.text


@pytest.mark.parametrize("body", [
    {"inspection_id": 9223372036854775808},
    {"corrects_id": 9223372036854775808},
    {"checklist_version": 99999999999999999999},
])
def test_numbers_in_bodies_are_ranged_too(client: TestClient, body: dict[str, Any]) -> None:
    visit = {"station_id": "ZZ1", "results": all_pass(), "lon": 113.6601, "lat": 34.7786}
    response = client.post("/api/inspections", json=visit | body, headers=bearer("inspector"))
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(("reason", "says"), [
    pytest.param("x" * 1_000_000, "reason", id="a-million-characters"),
    pytest.param("设施\x00损坏", "control character", id="nul"),
    pytest.param("\u200b", "only invisible characters", id="zero-width-only"),
    pytest.param("损坏\u202e", "bidirectional control", id="bidi"),
])
def test_a_status_reason_is_checked_over_the_api(client: TestClient, reason: str, says: str) -> None:
    response = client.post("/api/stations/ZZ1/status", json={"status": "suspended", "reason": reason},
                           headers=bearer("admin"))
    assert response.status_code == 422, response.text[:300]
    assert says in response.text
    assert client.get("/api/stations/ZZ1").json()["properties"]["status"] == "active"


def test_inspection_notes_are_checked_with_the_same_rule(client: TestClient) -> None:
    visit = {"station_id": "ZZ1", "results": all_pass(), "lon": 113.6601, "lat": 34.7786}
    for notes, says in (("整洁\x00", "control character"), ("n" * 10_001, "at most 10000")):
        response = client.post("/api/inspections", json=visit | {"notes": notes}, headers=bearer("inspector"))
        assert response.status_code == 422 and says in response.text, response.text[:300]


def test_exif_time_and_position_are_shown_to_staff_only(client: TestClient) -> None:
    visit = {"station_id": "ZZ1", "results": all_pass(), "lon": 113.6601, "lat": 34.7786}
    response = client.post("/api/inspections", headers=bearer("inspector"),
                           data={"data": json.dumps(visit)},
                           files=[("photos", ("门牌.jpg", jpeg_with_exif(), "image/jpeg"))])
    assert response.status_code == 201, response.text
    inspection_id = response.json()["id"]
    staff = client.get(f"/api/inspections/{inspection_id}", headers=bearer("planner")).json()
    (photo,) = staff["evidence"]
    assert photo["metadata"]["taken_at"] == "2026-07-14T09:30:05"
    assert photo["metadata"]["gps"]["lat"] == pytest.approx(34.7786, abs=1e-3)
    assert client.get(f"/api/inspections/{inspection_id}").status_code == 401
    public = client.get("/api/stations/ZZ1/inspections").json()
    assert "metadata" not in json.dumps(public) and "gps" not in json.dumps(public)
    image = client.get(f"/api/inspections/{inspection_id}/evidence/{photo['id']}", headers=bearer("admin"))
    from PIL import Image, ImageOps

    assert image.content == jpeg_with_exif()  # kept as taken; browsers turn it upright
    assert ImageOps.exif_transpose(Image.open(io.BytesIO(image.content))).size == (20, 40)


def test_signed_in_and_staff_answers_are_never_cached(client: TestClient) -> None:
    assert client.get("/api/stations/ZZ1", headers=bearer("admin")).headers["cache-control"] == "no-store"
    assert client.get("/api/queues/overdue", headers=bearer("admin")).headers["cache-control"] == "no-store"
    assert client.post("/api/token", data={"username": "x", "password": "y"}).headers["cache-control"] == "no-store"
    assert client.get("/api/queues/overdue").headers["cache-control"] == "no-store"  # 401, still
    assert "no-store" not in client.get("/api/stations/ZZ1").headers.get("cache-control", "")


def test_no_server_banner() -> None:
    config = server_config(create_app(Settings(db="sqlite://", seed_demo=False)), Settings(),
                           host="127.0.0.1", port=0)
    assert config.server_header is False


def test_docs_load_only_the_apps_own_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources, page.text[:500]
    for source in sources:
        assert source.startswith("/"), f"/docs loads {source} from elsewhere"
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source
    assert "cdn" not in page.text.lower()
    assert "'self'" in page.headers["content-security-policy"]
    assert "https:" not in page.headers["content-security-policy"].split("img-src")[0]


def test_the_database_and_its_secret_are_private(tmp_path: Path, write_csv: Any) -> None:
    from stations.store.registry import Registry

    db = tmp_path / "data" / "stations.db"
    registry = Registry.open(f"sqlite:///{db}")
    seed(registry, write_csv)
    registry.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for extra in db.parent.glob("stations.db-*"):  # WAL and shared memory take the file's mode
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra
    with TestClient(create_app(Settings(db=f"sqlite:///{db}", seed_demo=False))) as c:
        c.post("/api/token", data={"username": "nobody", "password": "x"})  # the secret is made here
    secret = db.with_name("stations.db.secret")
    assert secret.exists() and stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    from stations.store.registry import Registry

    db = tmp_path / "old.db"
    Registry.open(f"sqlite:///{db}").close()
    db.chmod(0o644)
    Registry.open(f"sqlite:///{db}").close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
