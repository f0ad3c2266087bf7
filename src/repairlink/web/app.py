"""The console as an ASGI app, mounted at / beside the JSON API (see repairlink.server)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from repairlink.bootstrap import App
from repairlink.web import errors
from repairlink.web.headers import SecurityHeaders
from repairlink.web.routes import (
    admin,
    dashboard,
    extension,
    integrations,
    issue_actions,
    issue_costing,
    issue_new,
    issues,
    login,
    mail,
    occupiers,
    people,
    people_import,
    portal,
    properties,
    reports,
    webhooks,
    welcome,
)


def create_console(app: App) -> FastAPI:
    console = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    console.state.app = app
    console.mount("/static", StaticFiles(packages=[("repairlink.web", "static")]), name="static")
    for module in (
        login,
        dashboard,
        properties,
        occupiers,
        issue_new,  # before issues: /issues/new is not an issue's id
        issues,
        issue_actions,
        issue_costing,
        people_import,  # before people: /people/import
        people,
        admin,
        extension,  # before integrations: /integrations/{system}/extension
        integrations,
        reports,
        portal,
        webhooks,
        mail,
        welcome,
    ):
        console.include_router(module.router)
    errors.install(console)
    console.add_middleware(SecurityHeaders)
    return console
