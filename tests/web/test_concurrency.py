"""Concurrent requests against a real server process must not bring it down."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.live_server import free_port


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read()
        return int(r.status)


def test_concurrent_coverage_maps_and_tables_keep_the_server_up(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STATIONS_DB"} | {"STATIONS_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "stations", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline
                time.sleep(0.2)
        # as the planner page asks while its region picker settles: the same
        # questions at once, for the map and the table, before anything is cached
        urls = [f"{base}/api/coverage?region={r}" for r in ("410100", "410100", "340000", "340000")]
        urls += [f"{base}/maps/coverage?region={r}" for r in ("410100", "410100", "340000", "340000")]
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            statuses = list(pool.map(_get, urls))
        assert statuses == [200] * len(urls)
        assert proc.poll() is None, "the server died"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
