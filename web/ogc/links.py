"""Links between the OGC resources: absolute URLs (some clients resolve nothing), each with
``rel`` and ``type``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
CURSOR_PARAMS = ("offset", "after", "before")


def root(request: Request) -> str:
    """The landing page's URL, e.g. ``http://127.0.0.1:8000/ogc``."""
    return str(request.base_url).rstrip("/") + "/ogc"


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"href": href, "rel": rel, "type": media_type}
    if title:
        out["title"] = title
    return out


def url(base: str, params: list[tuple[str, str]] | None = None) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def here(request: Request, *, drop: tuple[str, ...] = (), **changes: str) -> str:
    """This request's URL with some parameters dropped or changed (``f``, cursors...)."""
    base = str(request.url).split("?", 1)[0]
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in drop and k not in changes]
    params += [(k, v) for k, v in changes.items()]
    return url(base, params)


def self_and_alternate(request: Request, json_type: str, *, html: bool,
                       title: str = "") -> list[dict[str, Any]]:
    """``self`` in the format answered, ``alternate`` in the other one."""
    as_json = link(here(request, f="json"), "self" if not html else "alternate", json_type,
                   f"{title} (JSON)" if title else "JSON")
    as_html = link(here(request, f="html"), "self" if html else "alternate", HTML,
                   f"{title} (HTML)" if title else "HTML")
    return [as_html, as_json] if html else [as_json, as_html]


def page_links(request: Request, *, html: bool, first_id: str | None, last_id: str | None,
               more_before: bool, more_after: bool) -> list[dict[str, Any]]:
    """``next`` (after the last id) and ``prev`` (before the first id) of an items page,
    in the format answered: keyset cursors, never a growing offset."""
    fmt, media = ("html", HTML) if html else ("json", GEOJSON)
    out = []
    if more_before and first_id is not None:
        out.append(link(here(request, drop=CURSOR_PARAMS, f=fmt, before=first_id), "prev", media,
                        "上一页 / previous page"))
    if more_after and last_id is not None:
        out.append(link(here(request, drop=CURSOR_PARAMS, f=fmt, after=last_id), "next", media,
                        "下一页 / next page"))
    return out
