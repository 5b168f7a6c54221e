"""Several app instances on one PostgreSQL + PostGIS database, and a database that
goes away and comes back. Real uvicorn processes, real PostGIS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from stations.store.registry import Registry
from tests.support.compliance import PASSWORD, add_role_users, all_pass, seed
from tests.support.databases import PG_URL, postgis_schema_url
from tests.support.live_server import free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgis
if not PG_URL:
    pytest.skip("needs STATIONS_TEST_PG (scripts/test.sh sets it up)", allow_module_level=True)

ZZ1 = (113.6601, 34.7786)




def _call(base: str, path: str, *, data: Any = None, form: dict[str, str] | None = None,
          token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


class Instance:
    def __init__(self, db: str, tmp: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"STATIONS_DB": db, "STATIONS_SECRET_KEY": "test-secret-shared-by-every-instance-0123",
                            "STATIONS_POLL_SECONDS": "0.5", "STATIONS_HOME": str(tmp)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stations", "serve", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.time() + 60
        while True:
            try:
                if _call(self.base, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read() if self.proc.stderr else "died")
            assert time.time() < deadline, "instance did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def token(self, name: str) -> str:
        status, body = _call(self.base, "/api/token", form={"username": name, "password": PASSWORD})
        assert status == 200, body
        return str(body["access_token"])

    def nearest_id(self) -> str:
        status, body = _call(self.base, f"/api/nearest?lon={ZZ1[0]}&lat={ZZ1[1]}&k=1")
        assert status == 200, body
        return str(body["results"][0]["id"])


@pytest.fixture
def pg_db(write_csv: Callable[..., Path]) -> Iterator[str]:
    for url in postgis_schema_url():
        registry = Registry.open(url)
        seed(registry, write_csv)
        add_role_users(registry)
        registry.close()
        yield url


@pytest.fixture
def two_instances(pg_db: str, tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    a, b = Instance(pg_db, tmp_path / "a"), Instance(pg_db, tmp_path / "b")
    yield a, b
    a.stop()
    b.stop()


def test_a_write_through_one_instance_is_read_through_the_other(
    two_instances: tuple[Instance, Instance],
) -> None:
    a, b = two_instances
    assert b.nearest_id() == "ZZ1"
    status, body = _call(a.base, "/api/stations/ZZ1/status", token=a.token("admin"),
                         data={"status": "suspended", "reason": "设施损坏 / broken"})
    assert status == 200, body
    started = time.time()
    while b.nearest_id() == "ZZ1":
        assert time.time() - started < 5, "instance B still offers the suspended station"
        time.sleep(0.1)
    status, feature = _call(b.base, "/api/stations/ZZ1")
    assert feature["properties"]["status"] == "suspended"


def test_concurrent_inspections_through_two_instances_are_all_stored(
    two_instances: tuple[Instance, Instance],
) -> None:
    a, b = two_instances
    tokens = {a.base: a.token("inspector"), b.base: b.token("inspector2")}
    payload = {"station_id": "ZZ1", "results": all_pass(), "notes": "并发 / concurrent",
               "lon": ZZ1[0], "lat": ZZ1[1]}

    def submit(i: int) -> int:
        base = (a.base, b.base)[i % 2]
        return _call(base, "/api/inspections", data=payload, token=tokens[base])[0]

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(submit, range(40)))
    assert statuses == [201] * 40
    status, body = _call(a.base, "/api/stations/ZZ1/inspections", token=tokens[a.base])
    assert status == 200
    assert len(body["inspections"]) == 40


def test_database_going_away_and_coming_back(pg_db: str, tmp_path: Path) -> None:
    target = urllib.parse.urlparse(PG_URL)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    netloc = target.netloc.replace(f":{target.port or 5432}", "").split("@")
    via_proxy = pg_db.replace(target.netloc, f"{netloc[0]}@127.0.0.1:{proxy.port}")
    instance = Instance(via_proxy, tmp_path)
    try:
        assert _call(instance.base, "/api/stations/ZZ1")[0] == 200
        proxy.stop()
        status, body = _call(instance.base, "/api/stations/ZZ1")
        assert status == 503
        assert "database unavailable" in body["detail"]["message"]
        # the search keeps answering from memory meanwhile
        assert instance.nearest_id() == "ZZ1"
        proxy.start()
        deadline = time.time() + 15
        while _call(instance.base, "/api/stations/ZZ1")[0] != 200:
            assert time.time() < deadline, "the service did not recover"
            time.sleep(0.3)
    finally:
        instance.stop()
        proxy.stop()
