"""Accounts, roles, password hashing, tokens, the signing secret and ``stations users``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy import select

from stations.accounts.tokens import DEFAULT_SECRET, create_token, token_secret, verify_token
from stations.accounts.users import MAY, User, add_user, authenticate, list_users, require
from stations.config import Settings
from stations.errors import ConfigurationError, Conflict, Forbidden, InvalidInput, Unauthorized
from stations.services import build_services
from stations.store.compliance_tables import UserRow
from stations.store.registry import Registry
from tests.support.compliance import PASSWORD, add_role_users, seed


@pytest.fixture
def reg(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    seed(registry, write_csv)
    add_role_users(registry)
    return registry


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> Iterator[Registry]:
    """A registry on a SQLite file (where the generated secret lives next to it)."""
    registry = Registry.open(f"sqlite:///{tmp_path / 'own' / 'stations.db'}")
    yield registry
    registry.close()


def test_passwords_are_stored_as_argon2id_hashes(registry: Registry) -> None:
    add_user(registry, "王检查", "inspector", "s3cret-pass")
    with registry.session() as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.name == "王检查"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert "s3cret-pass" not in stored
    assert authenticate(registry, "王检查", "s3cret-pass") == User(
        id=1, name="王检查", role="inspector", active=True
    )


@pytest.mark.parametrize(
    ("name", "password"),
    [
        pytest.param("inspector", "wrong password", id="wrong-password"),
        pytest.param("nobody", PASSWORD, id="unknown-user"),
        pytest.param("inspector", "", id="empty-password"),
    ],
)
def test_sign_in_failures_all_look_the_same(reg: Registry, name: str, password: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        authenticate(reg, name, password)
    assert str(caught.value) == "用户名或密码错误 / wrong user name or password"


@pytest.mark.parametrize(
    ("name", "role", "password", "field"),
    [
        pytest.param("", "inspector", PASSWORD, "name", id="empty-name"),
        pytest.param("x" * 101, "inspector", PASSWORD, "name", id="long-name"),
        pytest.param("li", "boss", PASSWORD, "role", id="unknown-role"),
        pytest.param("li", "inspector", "short", "password", id="short-password"),
    ],
)
def test_bad_accounts_are_refused(
    registry: Registry, name: str, role: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        add_user(registry, name, role, password)
    assert caught.value.field == field
    assert list_users(registry) == []


def test_a_name_is_taken_once(reg: Registry) -> None:
    with pytest.raises(Conflict):
        add_user(reg, "planner", "admin", PASSWORD)
    assert [u.role for u in list_users(reg) if u.name == "planner"] == ["planner"]


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        pytest.param(role, action, role in roles, id=f"{role}-{action}")
        for action, roles in MAY.items()
        for role in ("inspector", "planner", "admin")
    ],
)
def test_who_may_do_what(role: str, action: str, allowed: bool) -> None:
    user = User(1, "u", role)
    if allowed:
        assert require(user, action) is user
    else:
        with pytest.raises(Forbidden):
            require(user, action)


def test_the_permission_table_reads_as_the_issue_says() -> None:
    assert MAY["log_inspection"] == ("inspector", "admin")
    assert (
        MAY["review_inspection"] == MAY["set_station_status"] == MAY["manage_users"] == ("admin",)
    )
    assert "planner" in MAY["read_inspections"] and "planner" in MAY["read_queues"]
    with pytest.raises(Unauthorized):
        require(None, "read_queues")


# -- tokens -------------------------------------------------------------------------------------

SECRET = "a-test-secret-that-is-long-enough-for-hs256-and-even-for-hs512-0123456789"


def test_a_token_names_its_user_and_expires() -> None:
    token = create_token("planner", "planner", secret=SECRET, minutes=5)
    claims = verify_token(token, secret=SECRET)
    assert claims["sub"] == "planner"
    assert claims["exp"] - claims["iat"] == 300


@pytest.mark.parametrize(
    ("token", "says"),
    [
        pytest.param(
            create_token(
                "admin",
                "admin",
                secret=SECRET,
                minutes=5,
                now=datetime.now(UTC) - timedelta(minutes=6),
            ),
            "expired",
            id="expired",
        ),
        pytest.param(
            create_token("admin", "admin", secret="another secret entirely 0123456789", minutes=5),
            "invalid",
            id="other-secret",
        ),
        pytest.param(
            jwt.encode({"sub": "admin", "exp": 9_999_999_999}, SECRET, algorithm="HS512"),
            "invalid",
            id="other-algorithm",
        ),
        pytest.param(
            jwt.encode({"sub": "admin"}, SECRET, algorithm="HS256"), "invalid", id="no-expiry"
        ),
        pytest.param("not.a.token", "invalid", id="garbage"),
    ],
)
def test_bad_tokens_are_unauthorized(token: str, says: str) -> None:
    with pytest.raises(Unauthorized, match=says):
        verify_token(token, secret=SECRET)


def test_the_default_secret_is_never_used_and_a_generated_one_persists(tmp_path: Path) -> None:
    db_file = tmp_path / "stations.db"
    settings = Settings(db=f"sqlite:///{db_file}", seed_demo=False, home=tmp_path / "home")
    services = build_services(settings)
    first = services.token_secret
    services.close()
    assert first != DEFAULT_SECRET and len(first) >= 32
    path = services.secret_file
    assert path == db_file.with_name("stations.db.secret")  # beside the database
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token_secret(DEFAULT_SECRET, path) == first  # as after a restart
    assert token_secret("", path) == first
    configured = "configured-in-production-0123456789"  # 32 bytes or more
    assert token_secret(configured, path) == configured


@pytest.mark.parametrize("secret", ["abc", "x" * 31, "密" * 10], ids=["3-bytes", "31-bytes", "30-utf8"])
def test_a_secret_key_under_32_bytes_refuses_to_start(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="STATIONS_SECRET_KEY is too short"):
        token_secret(secret, tmp_path / "unused.secret")
    assert not (tmp_path / "unused.secret").exists()


# -- the command line ------------------------------------------------------------------------------


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "stations", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_cli_adds_users_who_can_then_sign_in(tmp_path: Path, db_url: str) -> None:
    done = run(
        "users",
        "add",
        "张三",
        "--role",
        "inspector",
        "--password",
        "zhangsan-123",
        "--db",
        db_url,
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "张三" in done.stdout
    again = run(
        "users",
        "add",
        "张三",
        "--role",
        "admin",
        "--password",
        "zhangsan-123",
        "--db",
        db_url,
        home=tmp_path,
    )
    assert again.returncode == 1 and "exists" in again.stderr and "Traceback" not in again.stderr
    bad = run(
        "users",
        "add",
        "李四",
        "--role",
        "boss",
        "--password",
        "lisi-12345",
        "--db",
        db_url,
        home=tmp_path,
    )
    assert bad.returncode == 1 and "role" in bad.stderr
    registry = Registry.open(db_url)
    try:
        assert authenticate(registry, "张三", "zhangsan-123").role == "inspector"
    finally:
        registry.close()
    listed = run("users", "list", "--db", db_url, home=tmp_path)
    assert listed.stdout.split() == ["张三", "inspector", "100000"]


def test_cli_queue_lists_stations_due_for_inspection(
    tmp_path: Path, reg: Registry, db_url: str
) -> None:
    done = run("queue", "overdue", "--region", "410000", "--json", "--db", db_url, home=tmp_path)
    assert done.returncode == 0, done.stderr
    ids = [s["id"] for s in json.loads(done.stdout)["stations"]]
    assert ids == ["ZZ1", "ZZ2"]  # active Henan stations, never inspected; ZZ3 is planned
    wrong = run("queue", "late", "--db", db_url, home=tmp_path)
    assert wrong.returncode == 1 and "unknown queue" in wrong.stderr
