"""The two service workers: one body (``web/workers/worker.js``), two heads.

``/sw.js`` (the driver page, scope ``/``) and ``/inspect-sw.js`` (the inspector page,
scope ``/inspect``) differ only in what they keep: their page, its files, their cache
(:data:`WORKERS`). Each script is built once, when the app is built, as its head (those
constants) followed by the shared body, so the browser gets two whole scripts: no
``importScripts``, nothing fetched while a worker installs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi.responses import Response

BODY = Path(__file__).resolve().parent / "workers" / "worker.js"


@dataclass(frozen=True)
class Worker:
    """What one service worker keeps."""

    page: str
    """The page it opens without signal (any query string is the same page)."""
    cache_prefix: str
    """Its caches' names start with this; older versions are deleted on activation."""
    shell: tuple[str, ...]
    """The page and the files it needs, kept at install and refreshed on each answer."""
    version: str = "v1"


WORKERS = {
    "driver": Worker("/", "stations-shell-", (
        "/",
        "/static/pages/pages.css",
        "/static/pages/common.js",
        "/static/pages/offline.js",
        "/static/pages/driver.js",
        "/static/vendor/leaflet/1.9.4/leaflet.css",
        "/static/vendor/leaflet/1.9.4/leaflet.js",
        "/manifest.webmanifest",
        "/static/pages/icons/icon-192.png",
        "/static/pages/icons/icon-512.png",
    )),
    "inspect": Worker("/inspect", "stations-inspect-shell-", (
        "/inspect",
        "/static/pages/pages.css",
        "/static/pages/common.js",
        "/static/pages/inspect-store.js",
        "/static/pages/inspect.js",
    )),
}


@cache
def worker_script(name: str) -> bytes:
    """The service worker ``name`` (a key of :data:`WORKERS`) as one script."""
    worker = WORKERS[name]
    head = "\n".join([
        '"use strict";',
        f"const PAGE = {json.dumps(worker.page)};",
        f"const CACHE_PREFIX = {json.dumps(worker.cache_prefix)};",
        f"const SHELL_CACHE = CACHE_PREFIX + {json.dumps(worker.version)};",
        f"const SHELL = {json.dumps(list(worker.shell), indent=2)};",
    ])
    return f"{head}\n\n{BODY.read_text(encoding='utf-8')}".encode()


def build_worker_scripts() -> None:
    """Build every script now (at start-up), so that no request reads a file."""
    for name in WORKERS:
        worker_script(name)


def worker_response(name: str, headers: dict[str, str] | None = None) -> Response:
    """The script as JavaScript; ``no-cache``: the browser checks for a new worker on every visit."""
    return Response(worker_script(name), media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", **(headers or {})})
