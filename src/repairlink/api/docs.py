"""The API's documentation pages, Swagger UI at /docs and ReDoc at /redoc, served with their
assets from the package (api/static/, see its README.txt): they work with no network."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/api-docs-assets"


def install(api: FastAPI) -> None:
    api.mount(ASSETS, StaticFiles(packages=[("repairlink.api", "static")]), name="api-docs")
    openapi_url = api.openapi_url or "/openapi.json"

    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{api.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            # no badge from the public validator: nothing leaves the machine
            swagger_ui_parameters={"validatorUrl": None},
        )

    async def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{api.title} API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    # plain routes, as FastAPI's own docs are: pages, not API operations
    api.add_route("/docs", swagger_ui, include_in_schema=False)
    api.add_route("/redoc", redoc, include_in_schema=False)
