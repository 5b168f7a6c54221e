"""Accounts over HTTP: each lifecycle step voids old tokens at once; hosts edit only
their own stations' hours, services and phone; the public history names no one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.store.registry import Registry
from tests.support.accounts import add_regional_users
from tests.support.compliance import PASSWORD, TEST_SECRET, bearer
from web.app import create_app

NEW_PASSWORD = "another long passphrase 7"


@pytest.fixture
def client(db: str, tmp_path: Path) -> Iterator[TestClient]:
    registry = Registry.open(db)
    add_regional_users(registry)  # z_admin (410100), z_host (runs ZZ1), ...
    registry.close()
    settings = Settings(db=db, seed_demo=False, secret_key=TEST_SECRET,
                        evidence_dir=str(tmp_path / "evidence"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/token", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/api/users/me", headers=headers).status_code


def new_account(client: TestClient, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"name": "李检查", "role": "inspector", "password": "li-jiancha-2025"} | fields
    response = client.post("/api/users", headers=admin, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"role": "planner"}, id="role"),
        pytest.param({"region": "410105"}, id="region"),
        pytest.param({"active": False}, id="disable"),
        pytest.param({"password": NEW_PASSWORD}, id="password-reset"),
    ],
)
def test_each_lifecycle_step_voids_the_old_tokens_at_once(
    client: TestClient, change: dict[str, Any]
) -> None:
    admin = bearer("z_admin")
    made = new_account(client, admin)
    assert made == {"name": "李检查", "role": "inspector", "active": True, "region": "410100"}
    old = sign_in(client, "李检查", "li-jiancha-2025")
    assert me(client, old) == 200
    changed = client.patch("/api/users/李检查", headers=admin, json=change)
    assert changed.status_code == 200, changed.text
    answer = client.get("/api/users/me", headers=old)
    assert answer.status_code == 401 and "sign in again" in answer.text
    if change.get("active") is False:
        refused = client.post("/api/token", data={"username": "李检查", "password": "li-jiancha-2025"})
        assert refused.status_code == 401
        assert client.patch("/api/users/李检查", headers=admin, json={"active": True}).status_code == 200
    password = change.get("password", "li-jiancha-2025")
    assert me(client, sign_in(client, "李检查", password)) == 200


def test_enabling_again_does_not_revive_tokens_of_before(client: TestClient) -> None:
    admin = bearer("z_admin")
    new_account(client, admin)
    old = sign_in(client, "李检查", "li-jiancha-2025")
    client.patch("/api/users/李检查", headers=admin, json={"active": False})
    client.patch("/api/users/李检查", headers=admin, json={"active": True})
    assert me(client, old) == 401


def test_a_removed_name_created_again_never_revives_an_old_token(client: TestClient) -> None:
    admin = bearer("z_admin")
    new_account(client, admin)
    old = sign_in(client, "李检查", "li-jiancha-2025")
    assert client.delete("/api/users/李检查", headers=admin).status_code == 204
    assert me(client, old) == 401
    again = new_account(client, admin, role="admin")  # the same name, now an admin
    assert again["role"] == "admin"
    assert me(client, old) == 401
    assert client.get("/api/users", headers=old).status_code == 401


def test_a_removed_inspector_with_inspections_is_kept_for_the_record(client: TestClient) -> None:
    admin = bearer("z_admin")
    new_account(client, admin)
    token = sign_in(client, "李检查", "li-jiancha-2025")
    checklist = client.get("/api/stations/ZZ1/checklist").json()["checklist"]
    visit = {"station_id": "ZZ1", "results": {c["code"]: True for c in checklist["criteria"]}}
    logged = client.post("/api/inspections", headers=token, json=visit)
    assert logged.status_code == 201, logged.text
    assert client.delete("/api/users/李检查", headers=admin).status_code == 204
    assert me(client, token) == 401
    kept = client.get(f"/api/inspections/{logged.json()['id']}", headers=admin).json()
    assert kept["inspector"].startswith("李检查#removed-")
    names = [u["name"] for u in client.get("/api/users", headers=admin).json()["users"]]
    assert "李检查" not in names and not any("#removed" in n for n in names)
    assert new_account(client, admin)["name"] == "李检查"  # the name is free again


def test_changing_ones_own_password_voids_other_tokens(client: TestClient) -> None:
    first = sign_in(client, "z_planner")
    second = sign_in(client, "z_planner")
    wrong = client.post("/api/users/me/password", headers=first,
                        json={"current_password": "not it at all", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 401
    weak = client.post("/api/users/me/password", headers=first,
                       json={"current_password": PASSWORD, "new_password": "1234567890"})
    assert weak.status_code == 422 and weak.json()["detail"]["field"] == "password"
    done = client.post("/api/users/me/password", headers=first,
                       json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert done.status_code == 200, done.text
    fresh = {"Authorization": f"Bearer {done.json()['access_token']}"}
    assert (me(client, first), me(client, second), me(client, fresh)) == (401, 401, 200)
    assert client.post("/api/token", data={"username": "z_planner", "password": PASSWORD}).status_code == 401
    assert me(client, sign_in(client, "z_planner", NEW_PASSWORD)) == 200


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        pytest.param({"region": "340000"}, 403, "410100", id="region-outside-mine"),
        pytest.param({"region": "100000"}, 403, "410100", id="region-above-mine"),
        pytest.param({"password": "password2025!"}, 422, "common", id="common-password"),
        pytest.param({"password": "short1"}, 422, "10", id="short-password"),
        pytest.param({"name": "z_аdmin"}, 409, "looks like", id="cyrillic-look-alike"),
        pytest.param({"name": "Z_ADMIN"}, 409, "looks like", id="case-look-alike"),
        pytest.param({"role": "host"}, 422, "station", id="host-without-stations"),
        pytest.param({"role": "host", "stations": ["AH1"]}, 403, "410100", id="host-outside"),
        pytest.param({"stations": ["ZZ1"]}, 422, "only host", id="stations-for-inspector"),
        pytest.param({"name": "evil\u202eadmin"}, 422, "bidirectional", id="bidi-name"),
    ],
)
def test_admins_create_accounts_only_inside_their_region(
    client: TestClient, body: dict[str, Any], status: int, says: str
) -> None:
    full = {"name": "王五", "role": "inspector", "password": "wangwu-long-1"} | body
    answer = client.post("/api/users", headers=bearer("z_admin"), json=full)
    assert answer.status_code == status, answer.text
    assert says in answer.json()["detail"]["message"]


def test_an_admin_lists_and_changes_only_accounts_of_their_region(client: TestClient) -> None:
    admin = bearer("z_admin")
    names = {u["name"] for u in client.get("/api/users", headers=admin).json()["users"]}
    assert "z_target_in" in names and "z_target_out" not in names
    assert "admin" not in names  # the country-wide admin is above this region
    assert client.patch("/api/users/admin", headers=admin, json={"active": False}).status_code == 403
    assert client.patch("/api/users/z_admin", headers=admin, json={"active": False}).status_code == 403
    assert client.delete("/api/users/z_admin", headers=admin).status_code == 403
    host = client.get("/api/users/me", headers=bearer("z_host")).json()
    assert host == {"name": "z_host", "role": "host", "active": True, "region": "410100",
                    "stations": ["ZZ1"]}


# -- hosts ----------------------------------------------------------------------------------


def test_a_host_updates_hours_services_and_phone_of_its_station(client: TestClient) -> None:
    host = bearer("z_host")
    change = {"opening_hours": "周一至周六 7:00-21:00", "services": ["drinking_water", "toilet", "wifi"],
              "phone": "0371-66668888"}
    answer = client.patch("/api/stations/ZZ1", headers=host, json=change)
    assert answer.status_code == 200, answer.text
    props = answer.json()["properties"]
    assert props["opening_hours"] == "Mo-Sa 07:00-21:00"
    assert props["services"] == "drinking_water;toilet;wifi"
    assert props["phone"] == "0371-66668888"
    staff = client.get("/api/stations/ZZ1/history", headers=bearer("z_admin")).json()["history"][-1]
    assert staff["actor"] == "z_host" and staff["action"] == "edit"
    assert set(staff["changes"]) == {"opening_hours", "services", "phone"}
    public = client.get("/api/stations/ZZ1/history").json()["history"]
    assert public[-1]["changes"] == staff["changes"]
    assert all("actor" not in h for h in public)  # the public sees when and what, not who


@pytest.mark.parametrize(
    ("station", "body", "status"),
    [
        pytest.param("ZZ1", {"name": "改名"}, 403, id="name"),
        pytest.param("ZZ1", {"address": "别处"}, 403, id="address"),
        pytest.param("ZZ1", {"kind": "driver_home"}, 403, id="kind"),
        pytest.param("ZZ1", {"status": "closed"}, 422, id="status-not-editable"),
        pytest.param("ZZ2", {"phone": "123"}, 403, id="another-station-in-the-region"),
        pytest.param("AH1", {"phone": "123"}, 403, id="a-station-elsewhere"),
        pytest.param("ZZ1", {"opening_hours": "whenever"}, 422, id="bad-hours"),
        pytest.param("ZZ1", {"services": ["jacuzzi"]}, 422, id="unknown-service"),
        pytest.param("ZZ1", {"phone": "1\u0000"}, 422, id="control-character"),
        pytest.param("ZZ1", {}, 422, id="nothing"),
    ],
)
def test_a_host_changes_nothing_else(
    client: TestClient, station: str, body: dict[str, Any], status: int
) -> None:
    before = client.get(f"/api/stations/{station}").json()
    answer = client.patch(f"/api/stations/{station}", headers=bearer("z_host"), json=body)
    assert answer.status_code == status, answer.text
    assert client.get(f"/api/stations/{station}").json() == before


def test_an_admin_edits_any_field_inside_the_region(client: TestClient) -> None:
    admin = bearer("z_admin")
    answer = client.patch("/api/stations/ZZ2", headers=admin,
                          json={"name": "二七区工会驿站（新）", "host": "二七区总工会", "truck_parking_capacity": 4})
    assert answer.status_code == 200, answer.text
    assert answer.json()["properties"]["name"] == "二七区工会驿站（新）"
    assert client.patch("/api/stations/AH1", headers=admin, json={"name": "x"}).status_code == 403
    blank = client.patch("/api/stations/ZZ2", headers=admin, json={"name": "\u200b"})
    assert blank.status_code == 422 and blank.json()["detail"]["field"] == "name"


def test_an_old_style_token_naming_a_user_is_refused(client: TestClient) -> None:
    from stations.accounts.tokens import create_token

    token = create_token("admin", "admin", secret=TEST_SECRET, minutes=5)  # sub = a name
    assert me(client, {"Authorization": f"Bearer {token}"}) == 401
