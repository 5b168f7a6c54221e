"""The real OGC API clients the tests drive: Debian's GDAL command-line tools, QGIS (PyQGIS
under Debian's own Python) and the ``ogctests`` conformance checker in a venv of its own
(it pins old httpx and pytest). ``scripts/test.sh`` installs all three; CI refuses to run
without them rather than skip, as it does without PostGIS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live_server import free_port
from tests.support.strict import STRICT

ROOT = Path(__file__).resolve().parents[2]
OGCTESTS_PYTHON = Path(os.environ.get("STATIONS_OGCTESTS_PYTHON",
                                      ROOT / ".cache" / "ogctests-venv" / "bin" / "python"))
DEBIAN_PYTHON = Path("/usr/bin/python3")
QGIS_MODULE = Path("/usr/lib/python3/dist-packages/qgis/core/__init__.py")
QGIS_PROBE = Path(__file__).with_name("qgis_layers.py")


def _missing() -> dict[str, str]:
    found = {
        "gdal-bin": shutil.which("ogrinfo") is not None and shutil.which("ogr2ogr") is not None,
        "python3-qgis": DEBIAN_PYTHON.exists() and QGIS_MODULE.exists(),
        "ogctests": OGCTESTS_PYTHON.exists(),
    }
    hints = {
        "gdal-bin": "apt-get install gdal-bin",
        "python3-qgis": "apt-get install python3-qgis",
        "ogctests": f"python3 -m venv {OGCTESTS_PYTHON.parents[1]} && "
                    f"{OGCTESTS_PYTHON.parent}/pip install ogctests",
    }
    return {name: hints[name] for name, ok in found.items() if not ok}


MISSING = _missing()
if STRICT and MISSING:  # the test command must not quietly skip these
    raise RuntimeError("CI needs the OGC clients (run the tests through scripts/test.sh): "
                       + "; ".join(MISSING.values()))


def needs(name: str) -> pytest.MarkDecorator:
    """Skip (outside CI only) a test whose client is not installed, saying how to get it."""
    return pytest.mark.skipif(name in MISSING, reason=f"{name} missing: {MISSING.get(name)}")


@contextmanager
def serve_in_process(db_url: str, home: Path, *, start_timeout_s: float = 120) -> Iterator[str]:
    """``stations serve`` in a process of its own; yields its base URL.

    GDAL (through pyogrio) keeps the GIL while it downloads, so a server thread in the test
    process could never answer it.
    """
    port = free_port()
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                        "STATIONS_HOME": str(home), "STATIONS_SEED_DEMO": "false"}
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "stations", "serve", "--db", db_url, "--host", "127.0.0.1",
         "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            assert process.poll() is None, (home / "server.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "server did not start"
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
