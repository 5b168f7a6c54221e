"""``/docs``: Swagger UI served by the app itself, so the API docs open without internet.

The files come from the npm package ``swagger-ui-dist`` (5.35.0), vendored under
``web/static/docs/swagger-ui/`` with its licence; FastAPI's own ``/docs`` (which loads
them from a CDN) and ``/redoc`` are switched off in :func:`web.app.create_app`.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

SWAGGER_URL = "/static/docs/swagger-ui/5.35.0/"
DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL)
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="stations 站点服务 - API",
        swagger_js_url=SWAGGER_URL + "swagger-ui-bundle.js",
        swagger_css_url=SWAGGER_URL + "swagger-ui.css",
        swagger_favicon_url=SWAGGER_URL + "favicon-32x32.png",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        # no badge from the public validator: the page asks nothing of other hosts
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()
