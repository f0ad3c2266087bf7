"""Request limits and text a database cannot store, checked before parsing and before
authentication (docs/api.md, docs/security.md): 413 for an oversized body without reading the
rest, for a file over its limit and for too much in one request; 422 naming the field for NUL
and other control characters, in bodies and query strings, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from typing import Any

from repairlink.api.app import create_app
from repairlink.api.request_guard import Limits, RequestGuard
from repairlink.bootstrap import App
from repairlink.server import create_server
from tests.integration.api.conftest import Client, TestClient, make_unit, report

MiB = 1024 * 1024


def test_an_oversized_json_body_is_413_before_authentication(http: TestClient) -> None:
    body = b'{"name": "' + b"x" * (2 * MiB) + b'"}'
    refused = http.post(
        "/api/v1/estates", content=body, headers={"content-type": "application/json"}
    )  # no credentials: the size answers first
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "request.too_large"


def test_the_rest_of_an_oversized_body_is_not_read() -> None:
    """No Content-Length (chunked): refused as soon as the bytes read pass the limit."""
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append("app")

    chunks = [b"x" * 1024] * 100
    asked = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < 100}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/api/v1/estates", "query_string": b"", "headers": []}
    asyncio.run(RequestGuard(app, Limits(json_max=10 * 1024))(scope, receive, send))
    assert sent[0]["status"] == 413
    assert asked == 11  # 11 KiB read of 100 KiB
    assert reached == []


def _small_limits(app: App) -> App:
    settings = app.settings.model_copy(
        update={"max_upload_bytes": 4000, "max_request_bytes": 10_000}
    )
    return App(settings, app.engine, app.sessions, app.files)


def test_a_file_over_its_limit_and_a_request_over_its_total_are_413(
    app: App, staff: Client
) -> None:
    issue = report(staff, make_unit(staff))
    path = f"/api/v1/issues/{issue['id']}/complete"
    with TestClient(create_app(_small_limits(app))) as small:
        one_big = small.post(path, files={"invoice": ("invoice.pdf", b"%PDF" + b"x" * 5000)})
        assert one_big.status_code == 413
        assert one_big.json()["field"] == "invoice"
        many = [("documents", (f"d{n}.pdf", b"%PDF" + b"x" * 3000)) for n in range(6)]
        assert small.post(path, files=many).status_code == 413
    assert staff.ok("GET", f"/issues/{issue['id']}")["status"] == issue["status"]


def test_nul_in_a_json_field_is_422_naming_it_on_both_databases(staff: Client) -> None:
    refused = staff.post("/estates", json={"name": "a\u0000b"})
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"]) == (
        "request.control_character",
        "name",
    )
    nested = staff.post(
        "/units", json={"line1": "1 Street", "town": "Lo\u001bndon", "postcode": "SW1A 1AA"}
    )
    assert (nested.status_code, nested.json()["field"]) == (422, "town")
    assert staff.post("/estates", json={"name": "North\tEstate"}).status_code == 201  # tab is fine


def test_nul_in_a_query_string_is_422_naming_it(staff: Client) -> None:
    refused = staff.get("/occupiers?q=%00")
    assert (refused.status_code, refused.json()["field"]) == (422, "q")
    assert staff.get("/occupiers?q=%C3%A9").status_code == 200  # é is fine


def test_nul_in_a_console_form_is_refused(app: App) -> None:
    with TestClient(create_server(app), follow_redirects=False) as console:
        refused = console.post(
            "/login",
            data={"email": "a\x00@example.com", "password": "x"},
            headers={"accept": "text/html"},
        )
    assert refused.status_code == 422
    assert "Email: contains an invisible control character" in refused.text


def test_nul_in_a_multipart_text_field_is_422_naming_it(staff: Client) -> None:
    issue = report(staff, make_unit(staff))
    refused = staff.post(
        f"/issues/{issue['id']}/complete",
        data={"notes": "fixed\x00", "net": "100", "vat": "20", "gross": "120"},
        files={"invoice": ("invoice.pdf", b"%PDF-1.4")},
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "notes")
