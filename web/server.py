"""Running the app under uvicorn, the way ``stations serve`` and the deployment recipe do.

- Behind a proxy: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from
  the addresses in ``STATIONS_FORWARDED_ALLOW_IPS`` (default ``127.0.0.1``, a proxy on the
  same host), by uvicorn's proxy-headers middleware, so ``request.client`` is the real
  client for the access log, the metrics allow-list and the login throttle, and a client
  talking to the port directly cannot pretend to be someone else.
- On SIGTERM (``systemctl stop``, a rolling restart) uvicorn stops accepting
  connections, lets in-flight requests finish (at most ``STATIONS_SHUTDOWN_TIMEOUT_SECONDS``),
  then runs the app's shutdown, which stops the index keeper and closes the database pool.
- Logging: :func:`web.logs.log_config` (``STATIONS_LOG_FORMAT=json`` for shippers); the
  request lines come from :class:`web.observe.RequestObserver`, not uvicorn's access log.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from stations.config import Settings
from web.logs import log_config


def server_config(app: FastAPI, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
        log_config=log_config(settings.log_format),
        access_log=False,
        server_header=False,
    )


def run(app: FastAPI, settings: Settings, *, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then finish in-flight requests and stop."""
    uvicorn.Server(server_config(app, settings, host=host, port=port)).run()
