"""Guessing passwords is slow and cheap to refuse: the sign-in throttle (429 with
``Retry-After``, growing lock-outs, recovery, shared by instances, no hash while locked
out) and memory that stays flat under a burst of parallel wrong sign-ins."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

import stations.accounts.throttle as throttle_module
import stations.accounts.users as users_module
from stations.config import Settings
from stations.core.clock import utcnow
from tests.support.compliance import PASSWORD, TEST_SECRET
from tests.support.live_server import free_port
from web.app import create_app


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def pass_(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle_module, "utcnow", fake)
    return fake


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names whose password was checked (each check is an Argon2 hash)."""
    seen: list[str] = []
    real = users_module.verify_password

    def counting(password: str, password_hash: str | None) -> bool:
        seen.append(password)
        return real(password, password_hash)

    monkeypatch.setattr(users_module, "verify_password", counting)
    return seen


@pytest.fixture
def make_client(db: str) -> Iterator[Callable[[], TestClient]]:
    opened: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(create_app(Settings(db=db, seed_demo=False, secret_key=TEST_SECRET)))
        opened.append(client)
        return client.__enter__()

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def login(client: TestClient, name: str = "planner", password: str = "wrong guess!") -> int:
    return client.post("/api/token", data={"username": name, "password": password}).status_code


def test_five_failures_lock_the_account_out_with_retry_after_and_no_hash(
    make_client: Callable[[], TestClient], clock: Clock, hashes: list[str]
) -> None:
    client = make_client()
    assert [login(client) for _ in range(5)] == [401] * 5
    assert len(hashes) == 5
    refused = client.post("/api/token", data={"username": "planner", "password": PASSWORD})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many failed sign-ins" in refused.json()["detail"]["message"]
    assert len(hashes) == 5  # refused before any hash
    assert login(client, "ΡLANNER") == 429  # a look-alike of the name shares its count
    assert login(client, "inspector", PASSWORD) == 200  # other accounts are not affected
    clock.pass_(61)
    assert login(client, "planner", PASSWORD) == 200  # recovered


def test_lock_outs_grow_and_a_success_resets_the_count(
    make_client: Callable[[], TestClient], clock: Clock
) -> None:
    client = make_client()
    waits = []
    for _ in range(3):
        assert [login(client) for _ in range(5)] == [401] * 5
        answer = client.post("/api/token", data={"username": "planner", "password": "x" * 12})
        assert answer.status_code == 429
        waits.append(int(answer.headers["Retry-After"]))
        clock.pass_(waits[-1] + 1)
    assert waits == [60, 120, 240]
    assert login(client, "planner", PASSWORD) == 200
    assert [login(client) for _ in range(4)] == [401] * 4  # counted afresh after the success
    assert login(client, "planner", PASSWORD) == 200


def test_twenty_failures_from_one_address_lock_it_out(
    make_client: Callable[[], TestClient], clock: Clock, hashes: list[str]
) -> None:
    client = make_client()
    names = [f"guess{i}" for i in range(20)]
    assert [login(client, name) for name in names] == [401] * 20
    assert login(client, "admin", PASSWORD) == 429  # even the right password, from there
    assert len(hashes) == 20
    clock.pass_(61)
    assert login(client, "admin", PASSWORD) == 200


def test_the_count_is_shared_by_instances_on_one_database(
    make_client: Callable[[], TestClient], clock: Clock
) -> None:
    first, second = make_client(), make_client()
    assert [login(first if i % 2 else second) for i in range(5)] == [401] * 5
    assert login(first, "planner", PASSWORD) == 429
    assert login(second, "planner", PASSWORD) == 429


def test_failures_older_than_the_window_are_forgotten(
    make_client: Callable[[], TestClient], clock: Clock
) -> None:
    client = make_client()
    assert [login(client) for _ in range(4)] == [401] * 4
    clock.pass_(16 * 60)
    assert [login(client) for _ in range(4)] == [401] * 4
    assert login(client, "planner", PASSWORD) == 200


# -- a real server: memory under a burst, and the secret key ---------------------------------


def _serve(db: str, home: Path, **env: str) -> tuple[str, subprocess.Popen[str]]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(home), "STATIONS_SECRET_KEY": TEST_SECRET,
        "STATIONS_ACCESS_LOG": "0"} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "stations", "serve", "--db", db, "--port", str(port)],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return f"http://127.0.0.1:{port}", proc


def _wait_ready(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the server did not become ready"
        time.sleep(0.1)


def _status(base: str, path: str, form: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> int:
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_memory_stays_flat_under_a_burst_of_fifty_parallel_wrong_logins(
    db: str, tmp_path: Path
) -> None:
    if not db.startswith("sqlite"):
        pytest.skip("one database is enough to measure the server's memory")
    base, proc = _serve(db, tmp_path / "home")
    try:
        _wait_ready(base, proc)
        assert _status(base, "/api/token", {"username": "planner", "password": PASSWORD}) == 200
        before = _rss_kib(proc.pid, "VmHWM")  # peak so far: the app warm, one hash done

        def guess(i: int) -> int:
            # fifty guessers at fifty addresses (believed from a proxy at 127.0.0.1), so
            # the throttle stops none of them: only the bound on hashing holds memory
            return _status(base, "/api/token", {"username": f"nobody{i}", "password": "wrong!" * 2},
                           {"X-Forwarded-For": f"203.0.113.{i + 1}"})

        unrelated: list[float] = []

        def meanwhile() -> None:
            time.sleep(1.0)
            started = time.monotonic()
            assert _status(base, "/api/stations/ZZ1") == 200
            unrelated.append(time.monotonic() - started)

        side = threading.Thread(target=meanwhile)
        started = time.monotonic()
        side.start()
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(guess, range(50)))
        elapsed = time.monotonic() - started
        side.join()
        peak = _rss_kib(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.communicate(timeout=60)
    growth_mib = (peak - before) / 1024
    print(f"\nburst of 50 wrong logins: peak RSS {before / 1024:.0f} -> {peak / 1024:.0f} MiB "
          f"(+{growth_mib:.0f} MiB) in {elapsed:.1f} s; an unrelated request took "
          f"{unrelated[0]:.2f} s")
    assert answers == [401] * 50
    # two hashes at a time, 64 MiB each; unbounded, fifty took over 3 GB
    assert growth_mib < 200, f"peak RSS grew by {growth_mib:.0f} MiB"
    assert unrelated[0] < 5.0


def test_a_secret_key_under_32_bytes_refuses_to_start(db: str, tmp_path: Path) -> None:
    if not db.startswith("sqlite"):
        pytest.skip("the check does not depend on the database")
    base, proc = _serve(db, tmp_path / "home", STATIONS_SECRET_KEY="abc")
    _out, err = proc.communicate(timeout=90)
    assert proc.returncode == 1
    assert "STATIONS_SECRET_KEY is too short (3 bytes; at least 32)" in err
    assert "Traceback" not in err
