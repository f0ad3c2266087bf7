"""The whole server (console and API) in a test client, logged in to the console as a new
admin of the agency: for console tests that need no browser."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

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
    with TestClient(create_server(app)) as console:
        assert console.post("/login", data={"email": email, "password": password}).is_success
        yield console
