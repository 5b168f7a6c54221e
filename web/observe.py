"""Watching every request (plain ASGI, like the rest of the middleware): a request id,
one log line, the metrics, and unexpected errors logged once.

- The request id is the client's ``X-Request-ID`` when it sent a sensible one (a proxy's
  ``$request_id``), else a new one; it is sent back as ``X-Request-ID`` and carried by
  every log line of the request (:data:`web.logs.REQUEST_ID`).
- One line per request on the ``stations.access`` logger: method, path (never the query
  string, which holds riders' positions), route template, status, duration, client.
- An exception no handler turned into an answer is logged here, once, with its
  traceback and the request id, and the client gets a plain 500 naming only the
  request id. It goes no further, so the server does not log it a second time.

It sits inside :class:`web.middleware.SecurityHeaders` (so a 500 gets the headers too)
and outside the nearest fast path (so that path is counted like every route).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.logs import REQUEST_ID
from web.metrics import AppMetrics

access_log = logging.getLogger("stations.access")
error_log = logging.getLogger("stations.errors")
FAST_PATH_ROUTES = frozenset({"/api/nearest"})
"""Answered before routing (:class:`web.middleware.NearestFastPath`): their path is their route."""
_GOOD_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")


def incoming_request_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"x-request-id":
            return value.decode() if _GOOD_ID.fullmatch(value) else None
    return None


def route_of(scope: Scope) -> str:
    """The route template that answered (``/api/stations/{station_id}``); ``unmatched``
    for paths no route knows, so stray URLs cannot multiply the series."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path or "/"
    return scope["path"] if scope["path"] in FAST_PATH_ROUTES else "unmatched"


class RequestObserver:
    def __init__(self, app: ASGIApp, *, metrics: AppMetrics | None, access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = access_log
        # ids made here: a random prefix per process and a counter, unique across
        # instances and restarts in practice, and cheaper than fresh randomness per request
        self._id_prefix = os.urandom(5).hex() + "-"
        self._ids = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = incoming_request_id(scope["headers"]) or f"{self._id_prefix}{next(self._ids):x}"
        token = REQUEST_ID.set(request_id)
        id_header = (b"x-request-id", request_id.encode())
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.error("unhandled error in %s %s", scope["method"], scope["path"], exc_info=True)
            if status == 0:
                body = orjson.dumps({"detail": {
                    "message": "服务器内部错误 / internal server error",
                    "request_id": request_id}})
                await send_with_id({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]})
                await send_with_id({"type": "http.response.body", "body": body})
        finally:
            seconds = time.perf_counter() - started
            if status == 0:
                status = 499  # the client went away before an answer (nginx's word for it)
            route = route_of(scope)
            if self.metrics is not None:
                self.metrics.observe(scope["method"], route, status, seconds)
            if self.log_requests and access_log.isEnabledFor(logging.INFO):
                _log_request(scope, route, status, seconds, request_id)
            REQUEST_ID.reset(token)


def _log_request(scope: Scope, route: str, status: int, seconds: float, request_id: str) -> None:
    client = scope.get("client")
    fields: dict[str, Any] = {
        "request_id": request_id, "method": scope["method"], "path": scope["path"],
        "route": route, "status": status, "duration_ms": round(seconds * 1000, 2),
        "client": client[0] if client else None,
    }
    # makeRecord + handle: the same record logger.info() makes, without its stack walk
    record = access_log.makeRecord(
        access_log.name, logging.INFO, __file__, 0, "%s %s %d %.1f ms route=%s client=%s",
        (fields["method"], fields["path"], status, seconds * 1000, route, fields["client"]),
        None, extra=fields)
    access_log.handle(record)
