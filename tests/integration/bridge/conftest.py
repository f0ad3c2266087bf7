"""The bridge through its HTTP API: the generic PMS (the platform simulator, over real HTTP),
the reference client that plays the browser extension, and the ASGI app, on SQLite and
PostgreSQL (`app` runs each test on both)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from repairlink.bootstrap import App
from repairlink.simulators.kit.server import Running
from repairlink.simulators.platform import PlatformState, running_platform
from repairlink.simulators.platform.bridge_client import ReferenceClient
from tests.integration.api.conftest import Client, api, http, login_client, staff  # noqa: F401


@pytest.fixture
def pms() -> Iterator[Running[PlatformState]]:
    with running_platform(seed=11, units=12, recent=0.5) as sim:
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


def connect_bridge(staff: Client, pms: Running[PlatformState], **settings: Any) -> tuple[int, str]:
    body = {"sync_method": "all", "integration_user": "1", "sync_start": "2020-01-01", **settings}
    connection = staff.ok("PUT", "/connections/platform", json=body)
    token = staff.ok("POST", "/connections/platform/bridge-tokens", 201, json={"label": "test"})
    return int(connection["id"]), str(token["token"])


@pytest.fixture
def bridge(app: App, staff: Client, pms: Running[PlatformState]) -> Iterator[Bridge]:
    connection_id, token = connect_bridge(staff, pms)
    with pms.client() as pms_http:
        client = ReferenceClient(pms_http, staff.http, connection_id, token, page_size=5)
        yield Bridge(staff, connection_id, token, client, pms)
