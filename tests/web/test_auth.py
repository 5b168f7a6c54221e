"""``POST /api/token``, bearer tokens and accounts over HTTP."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stations.accounts.tokens import DEFAULT_SECRET, create_token
from stations.config import Settings
from stations.store.registry import Registry
from tests.support.compliance import (
    PASSWORD,
    TEST_SECRET,
    bearer,
)
from web.app import create_app


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    """The app as shipped: no secret configured."""
    with TestClient(create_app(Settings(db=db, seed_demo=False))) as c:
        yield c


def token_signed_with_the_default() -> str:
    with warnings.catch_warnings():  # PyJWT rightly warns that the default is too short
        warnings.simplefilter("ignore")
        return create_token("admin", "admin", secret=DEFAULT_SECRET, minutes=60)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_password_flow_gives_a_bearer_token_that_works(client: TestClient) -> None:
    response = client.post("/api/token", data={"username": "planner", "password": PASSWORD})
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    me = client.get("/api/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"name": "planner", "role": "planner", "active": True,
                         "region": "100000"}


@pytest.mark.parametrize(
    ("form"),
    [
        pytest.param({"username": "planner", "password": "wrong-password"}, id="wrong-password"),
        pytest.param({"username": "ghost", "password": PASSWORD}, id="unknown-user"),
    ],
)
def test_wrong_credentials_are_401_with_a_bearer_challenge(
    client: TestClient, form: dict[str, str]
) -> None:
    response = client.post("/api/token", data=form)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "access_token" not in response.text


def test_missing_form_fields_are_422(client: TestClient) -> None:
    assert client.post("/api/token", data={"username": "planner"}).status_code == 422


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer nonsense"}, id="garbage"),
        pytest.param(
            {"Authorization": "Bearer " + token_signed_with_the_default()},
            id="signed-with-the-default",
        ),
        pytest.param({"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="}, id="basic-auth"),
    ],
)
def test_requests_without_a_valid_token_are_401(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/users/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Traceback" not in response.text


def test_an_expired_token_is_401(db: str) -> None:
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET)
    old = create_token(
        "admin",
        "admin",
        secret=TEST_SECRET,
        minutes=5,
        now=datetime.now(UTC) - timedelta(minutes=10),
    )
    with TestClient(create_app(settings)) as c:
        response = c.get("/api/users/me", headers={"Authorization": f"Bearer {old}"})
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]["message"]
        assert c.get("/api/users/me", headers=bearer("admin")).status_code == 200


def test_tokens_survive_a_restart_with_a_generated_secret(db: str, registry: Registry) -> None:
    with TestClient(create_app(Settings(db=db, seed_demo=False))) as first:
        headers = sign_in(first, "inspector")
        secret_file = first.app.state.services.secret_file
    assert secret_file.is_file()
    if registry.engine.url.get_backend_name() == "sqlite":  # next to the database file
        assert secret_file.parent == Path(db.removeprefix("sqlite:///")).parent
    assert DEFAULT_SECRET not in secret_file.read_text()
    with TestClient(create_app(Settings(db=db, seed_demo=False))) as second:
        assert second.get("/api/users/me", headers=headers).json()["name"] == "inspector"


def test_token_lifetime_follows_settings(db: str) -> None:
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET, token_minutes=1)
    with TestClient(create_app(settings)) as c:
        body = c.post("/api/token", data={"username": "admin", "password": PASSWORD}).json()
    assert body["expires_in"] == 60


def test_an_admin_adds_a_user_who_can_then_sign_in(client: TestClient) -> None:
    admin = sign_in(client, "admin")
    created = client.post(
        "/api/users",
        headers=admin,
        json={"name": "赵六", "role": "planner", "password": "zhaoliu-2025"},
    )
    assert created.status_code == 201
    assert created.json() == {"name": "赵六", "role": "planner", "active": True,
                              "region": "100000"}
    assert (
        client.post(
            "/api/users",
            headers=admin,
            json={"name": "赵六", "role": "planner", "password": "zhaoliu-2025"},
        ).status_code
        == 409
    )
    bad = client.post(
        "/api/users", headers=admin, json={"name": "x", "role": "boss", "password": "long-enough"}
    )
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "role"
    assert sign_in(client, "赵六", "zhaoliu-2025")
    names = [u["name"] for u in client.get("/api/users", headers=admin).json()["users"]]
    assert "赵六" in names
