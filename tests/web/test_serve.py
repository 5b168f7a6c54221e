"""``stations serve`` as a process, the way systemd runs it: SIGTERM lets in-flight
requests finish; behind a proxy the client address comes from ``X-Forwarded-For`` only
when the proxy is trusted; JSON log lines."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from stations.store.engine import make_engine
from stations.store.registry import Registry
from stations.store.schema import head_revision, migrate, schema_state
from tests.support.compliance import PASSWORD, add_role_users, seed
from tests.support.live_server import free_port

# uvicorn finishes, then ends by the signal it caught, as systemd expects of a clean stop
STOPPED_CLEANLY = (0, -signal.SIGTERM)


@pytest.fixture
def sqlite_db(tmp_path: Path, write_csv: Callable[..., Path]) -> str:
    url = f"sqlite:///{tmp_path / 'stations.db'}"
    registry = Registry.open(url)
    seed(registry, write_csv)
    add_role_users(registry)
    registry.close()
    return url


@contextmanager
def serving(db: str, home: Path, *args: str, **env: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(home), "STATIONS_SECRET_KEY": "test-secret-for-serving-0123456789abcdef"} | env
    proc = subprocess.Popen([sys.executable, "-m", "stations", "serve", "--db", db, "--port", str(port), *args],
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (OSError, urllib.error.HTTPError):
                pass
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def older_database(tmp_path: Path) -> str:
    """A new database migrated only as far as an older program would have."""
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    migrate(engine, "0003")
    engine.dispose()
    return url


def test_sigterm_lets_an_in_flight_request_finish_then_stops(tmp_path: Path) -> None:
    db = older_database(tmp_path)  # and --upgrade brings it to head on start
    with serving(db, tmp_path, "--upgrade") as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        body = urlencode({"username": "nobody", "password": PASSWORD}).encode()
        conn = socket.create_connection(("127.0.0.1", port), timeout=30)
        conn.sendall(b"POST /api/token HTTP/1.1\r\nHost: stations\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
        time.sleep(1.0)  # the server has the request and waits for the rest of its body
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        while True:  # it stops taking new connections
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                break
            assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
            time.sleep(0.1)
        assert proc.poll() is None  # but it waits for the request under way
        conn.sendall(body[10:])
        answer = b""
        while chunk := conn.recv(65536):  # the server closes the connection after answering
            answer += chunk
        conn.close()
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]  # the app's own answer, in full
        assert b"wrong user name or password" in answer
        assert proc.wait(timeout=30) in STOPPED_CLEANLY
        log = proc.communicate()[1]
    assert "Application shutdown complete" in log  # the app closed its pool and keeper
    assert "POST /api/token 401" in log
    assert "Traceback" not in log
    engine = make_engine(db)
    assert schema_state(engine).current == head_revision()
    engine.dispose()


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_one(sqlite_db: str, tmp_path: Path) -> None:
    def get(base: str, path: str, **headers: str) -> int:
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return int(r.status)
        except urllib.error.HTTPError as err:
            return err.code

    runs = {"trusted": "127.0.0.1", "untrusted": "10.9.9.9"}
    lines: dict[str, list[dict[str, object]]] = {}
    for name, proxies in runs.items():
        with serving(sqlite_db, tmp_path, STATIONS_LOG_FORMAT="json", STATIONS_FORWARDED_ALLOW_IPS=proxies,
                     STATIONS_METRICS_ALLOW="203.0.113.0/24") as (base, proc):
            status = get(base, "/metrics", **{"X-Forwarded-For": "203.0.113.7", "X-Request-ID": f"{name}-1"})
            assert status == (200 if name == "trusted" else 403)
            assert get(base, "/metrics") == 403  # the proxy itself (or a direct client) may not
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) in STOPPED_CLEANLY
            lines[name] = [json.loads(line) for line in proc.communicate()[1].splitlines() if line.strip()]
    for name, expected in (("trusted", "203.0.113.7"), ("untrusted", "127.0.0.1")):
        line = next(x for x in lines[name] if x.get("request_id") == f"{name}-1")
        assert line["client"] == expected
        assert line["route"] == "/metrics" and line["method"] == "GET"
        assert isinstance(line["duration_ms"], float) and line["logger"] == "stations.access"
    assert all("time" in x and "level" in x for x in lines["trusted"])


def test_migrating_an_older_database_by_hand(tmp_path: Path) -> None:
    sqlite_db = older_database(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {"STATIONS_HOME": str(tmp_path)}

    def stations(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "stations", *args, "--db", sqlite_db],
                              env=env, capture_output=True, text=True, timeout=120)

    refused = stations("serve", "--port", str(free_port()))
    assert refused.returncode == 1
    assert "stations db upgrade" in refused.stderr and "Traceback" not in refused.stderr
    assert "needs `stations db upgrade`" in stations("db", "status").stdout
    upgraded = stations("db", "upgrade")
    assert upgraded.returncode == 0 and f"to {head_revision()}" in upgraded.stdout
    assert "up to date" in stations("db", "status").stdout
    assert "already at" in stations("db", "upgrade").stdout


def test_serve_refuses_a_database_written_by_a_newer_program(sqlite_db: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_db)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9001_future'")
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(tmp_path), "STATIONS_AUTO_UPGRADE": "1"}
    for args in (["serve", "--port", str(free_port()), "--upgrade"], ["db", "upgrade"]):
        result = subprocess.run([sys.executable, "-m", "stations", *args, "--db", sqlite_db], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1
        assert "9001_future" in result.stderr and "newer than this program" in result.stderr
        assert "Traceback" not in result.stderr
