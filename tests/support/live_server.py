"""Serving the app for tests that need a real server on a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from stations.config import Settings
from web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(settings: Settings, *, start_timeout_s: float = 60) -> Iterator[str]:
    """The app under uvicorn in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def serve_process(db: str, home: Path, *, timeout_s: float = 90) -> Iterator[tuple[int, int]]:
    """``stations serve`` in its own process (its own memory, its own GIL), ready;
    yields its port and process id."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STATIONS_")} | {
        "STATIONS_HOME": str(home), "STATIONS_SECRET_KEY": "test-secret-for-serving-0123456789abcdef",
        "STATIONS_EVIDENCE_DIR": str(home / "evidence")}
    log = (home / "serve.log").open("w")  # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen([sys.executable, "-m", "stations", "serve", "--db", db, "--port", str(port)],
                            env=environment, stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (OSError, urllib.error.HTTPError):
                pass
            assert proc.poll() is None, (home / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.kill()
        proc.wait()
        log.close()
