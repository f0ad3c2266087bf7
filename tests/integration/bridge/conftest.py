"""The bridge through its HTTP API: the generic PMS (the platform simulator, over real HTTP;
nothing of its generated data changed in the last 72 hours, so a test sees only what it adds),
the reference client that plays the browser extension, and the ASGI app, on SQLite and
PostgreSQL (`app` runs each test on both)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.simulators.kit.server import Running
from repairlink.simulators.platform import PlatformState, running_platform
from repairlink.simulators.platform.bridge_client import ReferenceClient
from tests.integration.api.conftest import Client, TestClient, login_client


@pytest.fixture
def pms() -> Iterator[Running[PlatformState]]:
    with running_platform(seed=11, units=12, recent=0.0) as sim:
        yield sim


@dataclass
class Bridge:
    staff: Client
    connection_id: int
    token: str
    client: ReferenceClient
    pms: Running[PlatformState]

    def url(self, path: str = "") -> str:
        return f"/bridge/connections/{self.connection_id}{path}"

    def as_client(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.staff.http.request(
            method, "/api/v1" + self.url(path), headers=headers, **kwargs
        )


def connect_bridge(admin: Client, **settings: Any) -> tuple[int, str]:
    body = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01", **settings}
    connection = admin.ok("PUT", "/connections/platform", json=body)
    token = admin.ok("POST", "/connections/platform/bridge-tokens", 201, json={"label": "test"})
    return int(connection["id"]), str(token["token"])


def settings_of(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A test's connection settings: `@pytest.mark.parametrize("settings", [{...}])` or none."""
    return dict(getattr(request, "param", None) or {})


@pytest.fixture
def settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    return settings_of(request)


@pytest.fixture
def bridge(
    app: App, agency_id: int, pms: Running[PlatformState], settings: dict[str, Any]
) -> Iterator[Bridge]:
    with TestClient(create_app(app)) as http, pms.client() as pms_http:
        admin = login_client(app, http, agency_id)
        connection_id, token = connect_bridge(admin, **settings)
        client = ReferenceClient(pms_http, http, connection_id, token, page_size=5)
        yield Bridge(admin, connection_id, token, client, pms)
