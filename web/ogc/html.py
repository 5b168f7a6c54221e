"""HTML views of the OGC resources, for a person following the links in a browser.

One language at a time: Chinese by default, English with ``lang=en``. The words live in
:data:`TEXT` (zh, en); maps use the vendored Leaflet and the app's configured tiles, with
the features handed to ``/static/ogc/ogc.js`` as JSON data (no inline script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stations.core.vocab import KINDS, SERVICES, STATUSES
from stations.render.assets import STATIC_URL, VENDORED
from web.ogc.links import here

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TEMPLATES.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
LEAFLET_URL = STATIC_URL + VENDORED["leaflet"].rsplit("/", 1)[0] + "/"

TEXT: dict[str, tuple[str, str]] = {
    "service": ("站点登记册 OGC API", "Station registry OGC API"),
    "home": ("首页", "Home"),
    "collections": ("数据集", "Collections"),
    "conformance": ("符合的标准", "Conformance"),
    "api": ("接口定义", "API definition"),
    "json": ("JSON 格式", "As JSON"),
    "items": ("浏览要素", "Browse features"),
    "features": ("要素", "Features"),
    "matched": ("共 {n} 个，本页 {m} 个", "{n} in all, {m} on this page"),
    "next": ("下一页", "Next page"),
    "prev": ("上一页", "Previous page"),
    "extent": ("范围", "Extent"),
    "crs": ("坐标参考系", "Coordinate reference systems"),
    "qgis": ("在 QGIS 中添加", "Add in QGIS"),
    "qgis_how": ("图层 ▸ 添加图层 ▸ 添加 WFS / OGC API - Features 图层，新建连接，URL 填：",
                 "Layer ▸ Add Layer ▸ Add WFS / OGC API - Features Layer, New connection, URL:"),
    "qgis_bbox": ("添加图层时勾选“仅请求视图范围内的要素”（restrict to request bbox），否则 QGIS 会下载全部要素。",
                  "Tick “Only request features overlapping the view extent” (restrict to request "
                  "bbox) when adding the layer, or QGIS downloads every feature."),
    "gdal": ("用 GDAL 读取", "Read with GDAL"),
    "property": ("属性", "Property"),
    "value": ("值", "Value"),
    "collection": ("所属数据集", "Collection"),
    "map_note": ("地图显示本页要素", "The map shows this page's features"),
    "lang_switch": ("English", "中文"),
    "parameter": ("参数", "Parameter"),
    "meaning": ("含义", "Meaning"),
}


def language(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "zh"


def render(request: Request, template: str, context: dict[str, Any], *,
           headers: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    """A page in the request's language, with links to the JSON and the other language."""
    lang = language(request)
    index = 1 if lang == "en" else 0
    settings = request.app.state.services.settings

    def t(key: str, **values: Any) -> str:
        return TEXT[key][index].format(**values)

    def label(kind: str, code: Any) -> str:
        table = {"kind": KINDS, "status": STATUSES, "service": SERVICES}[kind]
        term = table.get(str(code))
        return (term.en if lang == "en" else term.zh) if term else str(code)

    def pick(text: Any) -> str:
        """One language of a ``中文 / English`` text."""
        zh, sep, en = str(text).partition(" / ")
        return (en if lang == "en" else zh) if sep else str(text)

    base = {
        "request": request,
        "t": t,
        "pick": pick,
        "label": label,
        "lang": lang,
        "html_lang": "en" if lang == "en" else "zh-CN",
        "leaflet_url": LEAFLET_URL,
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "json_url": here(request, drop=("lang",), f="json"),
        "other_lang_url": here(request, lang="zh" if lang == "en" else "en"),
        "root": str(request.base_url).rstrip("/") + "/ogc",
        "suffix": "?f=html&lang=en" if lang == "en" else "?f=html",
        "amp_suffix": "&f=html&lang=en" if lang == "en" else "&f=html",
    }
    return TEMPLATES.TemplateResponse(request, template, base | context, headers=headers,
                                      status_code=status_code)
