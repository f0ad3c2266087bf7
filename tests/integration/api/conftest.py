"""The API through its ASGI app, on SQLite and PostgreSQL (the `app` fixture runs each test on
both). `Client` wraps a TestClient with a bearer token and the /api/v1 prefix."""

from __future__ import annotations

import itertools
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.services import agencies, auth
from tests.conftest import api_key

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what we ship with
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

V1 = "/api/v1"
_n = itertools.count()


class Client:
    """Requests as one caller: `client.get("/units")` is GET /api/v1/units with its token."""

    def __init__(self, http: TestClient, token: str | None) -> None:
        self.http = http
        self.token = token

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.http.request(method, V1 + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The JSON of a response that must have `status`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None


@pytest.fixture
def api(app: App) -> FastAPI:
    return create_app(app)


@pytest.fixture
def http(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api) as client:
        yield client


def new_agency(app: App) -> int:
    slug = f"api-{next(_n)}-{uuid.uuid4().hex[:8]}"
    return agencies.create_agency(app.uow(Actor.system()), name=f"Agency {slug}", slug=slug).id


def client_for(
    app: App,
    http: TestClient,
    agency_id: int,
    role: Role = Role.ADMIN,
    subject_id: int | None = None,
) -> Client:
    return Client(http, api_key(app, agency_id, role, subject_id))


def login_client(app: App, http: TestClient, agency_id: int, role: Role = Role.ADMIN) -> Client:
    """A caller with a login token: as good as a key, and cheaper to check (no argon2)."""
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    password = "correct horse battery"
    auth.create_user(
        app.uow(Actor.system(), agency_id), email=email, name="Staff", role=role, password=password
    )
    token = Client(http, None).ok(
        "POST", "/auth/login", json={"email": email, "password": password}
    )
    return Client(http, token["token"])


@pytest.fixture
def staff(app: App, http: TestClient, agency_id: int) -> Client:
    """The test agency's admin, logged in (role tests use API keys: `client_for`)."""
    return login_client(app, http, agency_id)


def make_unit(staff: Client, **fields: Any) -> dict[str, Any]:
    body = {"line1": f"{next(_n)} Test Street", "town": "London", "postcode": "SW1A 1AA", **fields}
    return staff.ok("POST", "/units", 201, json=body)


def make_occupier(
    staff: Client, unit: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    """An occupier; with `unit`, also a running tenancy there."""
    n = next(_n)
    body = {
        "first_name": "Olive",
        "surname": f"Occupier{n}",
        "email": f"o{n}@example.com",
        **fields,
    }
    occupier: dict[str, Any] = staff.ok("POST", "/occupiers", 201, json=body)
    if unit is not None:
        tenancy = {"occupier_id": occupier["id"], "unit_id": unit["id"], "start_date": "2024-01-01"}
        staff.ok("POST", "/tenancies", 201, json=tenancy)
    return occupier


def make_contractor(staff: Client, **fields: Any) -> dict[str, Any]:
    n = next(_n)
    body = {"company": f"Fixit {n} Ltd", "email": f"fixit{n}@example.com", **fields}
    return staff.ok("POST", "/contractors", 201, json=body)


def report(staff: Client, unit: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"title": "Leaking tap", "unit_id": unit["id"], **fields}
    return staff.ok("POST", "/issues", 201, json=body)


def instruct(staff: Client, issue: dict[str, Any], contractor: dict[str, Any]) -> dict[str, Any]:
    body = {"party": "contractor", "party_id": contractor["id"], "paying_for_work": "landlord"}
    return staff.ok("POST", f"/issues/{issue['id']}/instruct", json=body)
