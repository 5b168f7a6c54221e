"""Pages for people: ``/`` (drivers and riders), ``/planner``, ``/inspect`` (with its
service worker ``/inspect-sw.js``) and ``/host``.

Each page is a Jinja2 template with plain JS and CSS from ``web/static/pages/`` (no build
step, nothing from a CDN). The server renders the Chinese text; the page's script switches
to English on request. All words come from one dictionary, ``templates/page_text.json``,
and the vocabulary in :mod:`stations.core.vocab`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from stations.config import Settings
from stations.core.live import NOTICE_KINDS
from stations.core.vocab import CRITERIA, KINDS, SERVICES, STATUSES, Term
from stations.render.assets import STATIC_URL, VENDORED
from web.deps import SettingsDep
from web.worker_scripts import worker_response

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PAGE_TEXT_FILE = TEMPLATES_DIR / "page_text.json"
LEAFLET_URL = STATIC_URL + VENDORED["leaflet"].rsplit("/", 1)[0] + "/"
# the needs drivers and riders ask about most, as filter chips on the driver page
CHIP_SERVICES = ("toilet", "hot_water", "phone_charging", "shower", "truck_parking")
# who is asking on the driver page: how far they can go, what they look for first, and how
# they travel (for the navigation links); the page says the reach in words
DRIVER_MODES = (
    {"code": "rider", "icon": "🛵", "reach_m": 3_000, "kind": "outdoor_worker_station",
     "travel": "ride", "area_m": 15_000},
    {"code": "driver", "icon": "🚚", "reach_m": 50_000, "kind": "driver_home",
     "travel": "car", "area_m": 150_000},
)
# the planner's table: (column, numeric)
TABLE_COLUMNS = (
    ("name", False), ("adcode", False), ("stations", True), ("unlocated", True), ("area_km2", True),
    ("covered_km2", True), ("coverage_ratio", True),
    # only answers along roads carry these two (the page hides them otherwise)
    ("circle_covered_km2", True), ("method", False),
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)
# Chinese as itself, not \uXXXX escapes: a third of the bytes (still escapes < > & ')
templates.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}


@lru_cache(maxsize=1)
def page_text() -> dict[str, dict[str, str]]:
    """``{key: {"zh": ..., "en": ...}}`` for every word on the pages."""
    text: dict[str, dict[str, str]] = json.loads(PAGE_TEXT_FILE.read_text(encoding="utf-8"))
    return text


def _labels(terms: dict[str, Term]) -> dict[str, dict[str, str]]:
    return {code: {"zh": term.zh, "en": term.en} for code, term in terms.items()}


def vocabulary() -> dict[str, dict[str, dict[str, str]]]:
    return {"services": _labels(SERVICES), "kinds": _labels(KINDS),
            "statuses": _labels(STATUSES), "criteria": _labels(CRITERIA)}


def page_config(page: str, settings: Settings) -> dict[str, Any]:
    """What the page's script needs: tiles, vocabulary and its own part of the dictionary."""
    prefixes: tuple[str, ...] = ("common.", "driver.title", "planner.title", "inspect.title",
                                 "host.title", f"{page}.")
    if page == "inspect":
        prefixes += ("planner.province", "planner.city", "planner.county")
    text = {k: v for k, v in page_text().items() if k.startswith(prefixes)}
    extra = {"modes": DRIVER_MODES} if page == "driver" else {}
    return {
        **extra,
        "page": page,
        "tile": {"url": settings.tile_url, "attribution": settings.tile_attribution,
                 "crs": settings.tile_crs},
        "vocab": vocabulary(),
        "text": text,
    }


def render(request: Request, page: str, settings: Settings, **extra: Any) -> HTMLResponse:
    text = page_text()
    context = {
        "page": page,
        "t": lambda key: text[key]["zh"],
        "config": page_config(page, settings),
        "vocab": vocabulary(),
        "leaflet_url": LEAFLET_URL,
        "uses_map": page == "driver",
        **extra,
    }
    return templates.TemplateResponse(request, f"{page}.html", context,
                                      headers={"Cache-Control": "no-cache"})


@router.get("/", response_class=HTMLResponse)
def driver_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, "driver", settings, chip_services=CHIP_SERVICES, modes=DRIVER_MODES)


@router.get("/planner", response_class=HTMLResponse)
def planner_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, "planner", settings, table_columns=TABLE_COLUMNS)


@router.get("/host", response_class=HTMLResponse)
def host_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Notices for a station (its host, staff in its region): closed, full, free spaces."""
    return render(request, "host", settings, notice_kinds=NOTICE_KINDS)


@router.get("/inspect", response_class=HTMLResponse)
def inspect_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, "inspect", settings)


@router.get("/inspect-sw.js", include_in_schema=False)
def inspect_service_worker() -> Response:
    """The inspector page's own service worker, scope ``/inspect`` (the driver page's
    ``/sw.js`` keeps scope ``/``; the more specific scope controls ``/inspect``)."""
    return worker_response("inspect")
