"""Account lifecycle in the domain and on the command line; the password policy; the
migration that gives existing accounts a region, a version and a token id."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from stations.accounts.lifecycle import change_user, remove_user
from stations.accounts.passwords import check_password, common_passwords
from stations.accounts.throttle import Throttle, lockout
from stations.accounts.users import User, add_user, authenticate, get_user, list_users
from stations.errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthorized
from stations.store.engine import make_engine
from stations.store.registry import Registry
from stations.store.schema import migrate
from tests.support.compliance import seed

GOOD = "a sound passphrase 42"


@pytest.fixture
def reg(registry: Registry, write_csv: Callable[..., Path]) -> Registry:
    seed(registry, write_csv)
    return registry


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("123456789", id="short"),
        pytest.param("1234567890", id="digits-run"),
        pytest.param("qwertyuiop", id="keyboard-walk"),
        pytest.param("Password2025!", id="common-core-with-digits"),
        pytest.param("woaini1314520", id="common-chinese"),
        pytest.param("aaaaaaaaaaaa", id="one-character"),
        pytest.param("abababab11", id="few-characters"),
        pytest.param("zhangwei-secure", id="contains-the-name"),
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_password(password, user_name="zhangwei")
    assert caught.value.field == "password"


@pytest.mark.parametrize("password", ["correct horse 1", "驿站的门一直为你开着呢", "a-long-password-1"])
def test_reasonable_passwords_pass(password: str) -> None:
    assert check_password(password, user_name="zhangwei") == password


def test_the_common_list_is_shipped_and_lower_case() -> None:
    common = common_passwords()
    assert len(common) > 200 and "password" in common and "woaini1314" in common
    assert all(p == p.casefold() for p in common)


def test_regions_and_roles_bound_what_an_admin_may_give(reg: Registry) -> None:
    city = add_user(reg, "zz_admin", "admin", GOOD, region="410100")
    made = add_user(reg, "jinshui", "planner", GOOD, region="410105", by=city)
    assert made.region == "410105"
    assert add_user(reg, "default_region", "inspector", GOOD, by=city).region == "410100"
    with pytest.raises(Forbidden, match="410100"):
        add_user(reg, "province", "planner", GOOD, region="410000", by=city)
    with pytest.raises(Forbidden, match="410100"):
        change_user(reg, "jinshui", region="420100", by=city)
    host = add_user(reg, "bank", "host", GOOD, stations=["ZZ1"], by=city)
    assert host.stations == frozenset({"ZZ1"}) and host.region == "410100"
    with pytest.raises(Forbidden):
        add_user(reg, "bank2", "host", GOOD, stations=["AH1"], by=city)
    with pytest.raises(InvalidInput, match="no such station"):
        add_user(reg, "bank3", "host", GOOD, stations=["NOPE"])
    planner = get_user(reg, "jinshui")
    with pytest.raises(Forbidden):
        change_user(reg, "bank", active=False, by=planner)  # only admins manage accounts
    assert {u.name for u in list_users(reg, region="410100")} >= {"zz_admin", "jinshui", "bank"}
    assert "zz_admin" not in {u.name for u in list_users(reg, region="410105")}


def test_an_admin_never_gives_a_role_above_their_own() -> None:
    from stations.accounts.users import may_manage

    lesser = User(id=9, name="x", role="admin", region="410100")
    may_manage(lesser, "410100", "admin")  # equal is fine
    with pytest.raises(Forbidden):
        may_manage(User(id=8, name="p", role="planner"), "410100", "inspector")


@pytest.mark.parametrize("name", ["аdmin1", "ADMIN1", "admln1", "ａｄｍｉｎ１"],
                         ids=["cyrillic-a", "upper", "l-for-i", "full-width"])
def test_look_alike_names_are_refused(reg: Registry, name: str) -> None:
    add_user(reg, "admin1", "admin", GOOD)
    with pytest.raises(Conflict, match="admin1"):
        add_user(reg, name, "inspector", GOOD)


def test_every_change_bumps_the_version_and_removal_frees_the_name(reg: Registry) -> None:
    first = add_user(reg, "li", "inspector", GOOD)
    versions = [first.version]
    for change in ({"role": "planner"}, {"region": "410000"}, {"active": False},
                   {"active": True}, {"password": "another passphrase 8"}):
        versions.append(change_user(reg, "li", **change).version)  # type: ignore[arg-type]
    assert versions == sorted(set(versions)) and len(versions) == 6
    with pytest.raises(Unauthorized):
        authenticate(reg, "li", GOOD)
    assert authenticate(reg, "li", "another passphrase 8").role == "planner"
    remove_user(reg, "li")
    again = add_user(reg, "li", "admin", GOOD)
    assert again.uid != first.uid  # a token of the old account names another uid


def test_the_throttle_counts_per_name_and_locks_out(reg: Registry) -> None:
    add_user(reg, "li", "inspector", GOOD)
    throttle = Throttle(reg)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            authenticate(reg, "li", "wrong password", throttle=throttle, address="10.0.0.1")
    with pytest.raises(TooManyRequests) as caught:
        authenticate(reg, "li", GOOD, throttle=throttle, address="10.0.0.2")
    assert 1 <= caught.value.retry_after_s <= 60
    assert [lockout(n).total_seconds() for n in (1, 2, 3, 12, 30)] == [60, 120, 240, 86400, 86400]


# -- the command line -------------------------------------------------------------------------


def run(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "stations", *args], capture_output=True, text=True,
                          env=env, timeout=120, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def test_cli_manages_the_whole_lifecycle(reg: Registry, db_url: str, tmp_path: Path) -> None:
    db = ("--db", db_url)
    added = run("users", "add", "bank", "--role", "host", "--region", "410100", "--station", "ZZ1",
                "--station", "ZZ2", "--password-file", "-", *db, home=tmp_path, stdin=GOOD + "\n")
    assert added.returncode == 0, added.stderr
    assert authenticate(reg, "bank", GOOD).stations == frozenset({"ZZ1", "ZZ2"})
    missing = run("users", "add", "nopw", "--role", "planner", *db, home=tmp_path)
    assert missing.returncode == 1 and "--password-file -" in missing.stderr
    weak = run("users", "add", "weak", "--role", "planner", "--password", "12345678", *db, home=tmp_path)
    assert weak.returncode == 1 and "password" in weak.stderr and "Traceback" not in weak.stderr
    assert run("users", "set", "bank", "--disable", *db, home=tmp_path).returncode == 0
    listed = run("users", "list", *db, home=tmp_path).stdout.split()
    assert listed == ["bank", "host", "410100", "ZZ1,ZZ2", "disabled"]
    with pytest.raises(Unauthorized):
        authenticate(reg, "bank", GOOD)
    done = run("users", "set", "bank", "--enable", "--role", "planner", "--region", "410105",
               "--password", "new passphrase 77", *db, home=tmp_path)
    assert done.returncode == 0, done.stderr
    user = authenticate(reg, "bank", "new passphrase 77")
    assert (user.role, user.region, user.stations) == ("planner", "410105", frozenset())
    assert run("users", "remove", "bank", *db, home=tmp_path).returncode == 0
    assert run("users", "list", *db, home=tmp_path).stdout == ""
    gone = run("users", "remove", "bank", *db, home=tmp_path)
    assert gone.returncode == 1 and "no user" in gone.stderr


# -- the migration ----------------------------------------------------------------------------


def test_existing_accounts_keep_working_after_the_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, "0003")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO users (name, role, password_hash, active, created_at) VALUES "
            "('old1', 'admin', 'x', true, CURRENT_TIMESTAMP), "
            "('old2', 'planner', 'x', true, CURRENT_TIMESTAMP)"))
    engine.dispose()
    registry = Registry.open(db_url, upgrade=True)
    try:
        users = {u.name: u for u in list_users(registry)}
        assert {u.region for u in users.values()} == {"100000"}
        assert {u.version for u in users.values()} == {1}
        assert len({u.uid for u in users.values()}) == 2 and all(len(u.uid) == 32 for u in users.values())
        with registry.engine.begin() as conn:  # the role host is allowed now
            conn.execute(sa.text("UPDATE users SET role = 'host' WHERE name = 'old2'"))
        with pytest.raises(sa.exc.IntegrityError), registry.engine.begin() as conn:
            conn.execute(sa.text("UPDATE users SET role = 'boss' WHERE name = 'old1'"))
    finally:
        registry.close()


def test_quiet_counts_are_forgotten_but_lock_outs_kept(reg: Registry) -> None:
    from datetime import timedelta

    from stations.core.clock import utcnow
    from stations.store.compliance_tables import LoginAttemptRow

    throttle = Throttle(reg)
    throttle.failed("someone", "10.0.0.9")
    assert throttle.forget_old() == 0  # fresh
    assert throttle.forget_old(utcnow() + timedelta(days=2)) == 2
    with reg.session() as s:
        s.add(LoginAttemptRow(key="account:locked", failures=0, window_start=utcnow(),
                              last_at=utcnow() - timedelta(days=3), strikes=9,
                              blocked_until=utcnow() + timedelta(hours=1)))
    assert throttle.forget_old() == 0  # still locked out: kept
