"""The app's middleware, all plain ASGI (Starlette's ``BaseHTTPMiddleware`` would cost a
third of the nearest search's throughput):

- :class:`SecurityHeaders`: CSP, nosniff, referrer and framing rules on every response;
- :class:`NearestFastPath`: answers ``GET /api/nearest`` ahead of FastAPI;
- :class:`RefreshAfterWrites`: after a successful write, the search index catches up;
- :class:`BodyLimit`: a request body larger than its route's limit is refused (413)
  while it streams, whether it declares its length or comes chunked.

Security headers:

Answers to a request carrying ``Authorization``, and those of staff-only routes
(:data:`STAFF_PREFIXES`), get ``Cache-Control: no-store``.

Pages run only the app's own scripts and styles (no inline code, no other hosts); images
may also come from the configured map tile host. The folium coverage maps under
``/maps/`` are written with inline scripts and styles, so they get a policy of their own
that allows those but still no script from another host. The interactive API docs
(``/docs``) run Swagger UI from the app's own files with one inline start-up script, so
they too may run inline code, and nothing from another host.

A pure ASGI middleware: the headers are built once, and adding them costs the hot API
paths (``/api/nearest``) nothing measurable.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
import orjson
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stations.config import Settings
from web.routers.nearest import nearest_body

DOCS_PATHS = ("/docs",)
MAP_PREFIX = "/maps/"
STAFF_PREFIXES = ("/api/token", "/api/users", "/api/queues", "/api/inspections", "/metrics")
"""Answers for staff only (or carrying a credential): never kept by a browser or proxy."""
NO_STORE = (b"cache-control", b"no-store")


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a tile URL template: ``https://{s}.tile.example.org/{z}/...`` →
    ``https://*.tile.example.org``; ``None`` for a URL on the app's own host."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.hostname:
        return None
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:
        # CSP allows a wildcard only as the leftmost label: widen to cover every template
        labels = ["*", *labels[max(templated) + 1:]]
    return f"{parts.scheme}://{'.'.join(labels)}"


def policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def policies(settings: Settings) -> tuple[str, str, str]:
    """Content-Security-Policy for pages, for ``/maps/`` and for the API docs."""
    tiles = tile_source(settings.tile_url)
    images = " ".join(filter(None, ("'self'", "data:", tiles)))
    base = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "connect-src": "'self'",
        "font-src": "'self'",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    maps = base | {"script-src": "'self' 'unsafe-inline'", "style-src": "'self' 'unsafe-inline'"}
    docs = base | {
        "script-src": "'self' 'unsafe-inline'",
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
    }
    return policy(base), policy(maps), policy(docs)


class SecurityHeaders:
    """Adds the headers to every HTTP response (those a route set itself are kept)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        page, maps, docs = policies(settings)
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"permissions-policy", b"geolocation=(self), camera=(self), microphone=()"),
        ]
        self.headers = {
            "page": [*common, (b"content-security-policy", page.encode())],
            "maps": [*common, (b"content-security-policy", maps.encode())],
            "docs": [*common, (b"content-security-policy", docs.encode())],
        }

    def _which(self, path: str) -> str:
        if path.startswith(MAP_PREFIX):
            return "maps"
        if path.startswith(DOCS_PATHS):
            return "docs"
        return "page"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = self.headers[self._which(path)]
        private = path.startswith(STAFF_PREFIXES) or any(
            name == b"authorization" for name, _ in scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if private:  # a signed-in answer is never stored, whatever the route said
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers.append(NO_STORE)
                present = {name.lower() for name, _ in headers}
                message["headers"] = [
                    *headers,
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class NearestFastPath:
    """Plain-ASGI answer to ``GET /api/nearest`` (same parsing and errors as the route:
    :func:`web.routers.nearest.nearest_body`), ahead of FastAPI's parameter machinery,
    which costs more than the search itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/api/nearest" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        params = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        services = scope["app"].state.services
        if services.keeper is None:  # still building at start-up: wait without blocking the loop
            with contextlib.suppress(Exception):  # nearest_body answers the error
                await anyio.to_thread.run_sync(services.start_index)
        status, body = nearest_body(services, params)
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})


class RefreshAfterWrites:
    """After a successful write, have this instance's search index catch up at once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                services = getattr(scope["app"].state, "services", None)
                if services is not None and services.keeper is not None:
                    services.keeper.poke()
            await send(message)

        await self.app(scope, receive, watch)


MB = 1024 * 1024
BodyRule = tuple[str, str, int]
"""(HTTP method, path as a regular expression, largest body in bytes)."""


def _size_text(limit: int) -> str:
    return f"{limit / MB:g} MB" if limit >= MB // 10 else f"{limit / 1024:g} KB"


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413; FastAPI's body reading lets it through)."""

    def __init__(self, limit: int) -> None:
        size = _size_text(limit)
        super().__init__(413, detail={
            "message": f"请求体超过 {size} / body larger than {size}",
            "type": "PayloadTooLarge", "limit_bytes": limit,
        }, headers={"Connection": "close"})


class BodyLimit:
    """Refuses a request body over its route's limit while it streams.

    A declared ``Content-Length`` over the limit is answered at once, before a byte of
    the body is read; a chunked body (or one that lies about its length) is counted as
    it arrives and refused the moment it passes the limit, so memory never holds more
    than the limit. The connection is then closed rather than the rest drained.
    """

    def __init__(self, app: ASGIApp, *, limits: Sequence[BodyRule], default: int) -> None:
        self.app = app
        self.rules = [(method, re.compile(path), limit) for method, path, limit in limits]
        self.default = default

    def limit_for(self, method: str, path: str) -> int:
        for rule_method, pattern, limit in self.rules:
            if rule_method == method and pattern.fullmatch(path):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        error = BodyTooLarge(limit)
        body = orjson.dumps({"detail": error.detail})
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
