"""The whole server (console and API) in a test client, logged in to the console as a new
admin of the agency or with a given login: for console tests that need no browser."""

from __future__ import annotations

import html
import re
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.server import create_server
from repairlink.services import auth

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "console_as_admin"]  # console tests take TestClient from here


@contextmanager
def console_as_admin(app: App, agency_id: int) -> Iterator[TestClient]:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    auth.create_user(
        app.uow(Actor.system(), agency_id),
        email=email,
        name="Admin",
        role=Role.ADMIN,
        password=password,
    )
    with console_as(app, email, password) as console:
        yield console


@contextmanager
def console_as(app: App, email: str, password: str) -> Iterator[TestClient]:
    """Logged in with an existing login (an occupier's, a contractor's...)."""
    with TestClient(create_server(app)) as console:
        assert console.post("/login", data={"email": email, "password": password}).is_success
        yield console


def post_form(
    console: TestClient, form_page: str, action: str, fields: dict[str, str]
) -> httpx.Response:
    """Post a form as the browser does from `form_page`: with its CSRF token, the page as the
    Referer; the redirect is followed, so a refusal comes back as that page with its alert."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', console.get(form_page).text)
    assert token is not None, f"no form on {form_page}"
    answer: httpx.Response = console.post(
        action,
        data={"csrf_token": token.group(1), **fields},
        headers={"Referer": f"http://testserver{form_page}"},
    )
    return answer


def alert_of(page: httpx.Response) -> str:
    """The page's error notice (role="alert"), as a person reads it."""
    found = re.search(r'role="alert">([^<]*)<', page.text)
    return html.unescape(found.group(1)) if found else ""
