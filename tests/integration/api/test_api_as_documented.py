"""Issue 14, item 7: the API as docs/api.md documents it. Every operation documents its error
answers as `application/problem+json`; a method a route lacks answers 405 with `Allow` (TRACE
too, and through the whole server, where the console is mounted at "/"); every list answers
`{items, next_cursor}`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.server import create_server
from tests.integration.api.conftest import Client, client_for


@pytest.fixture
def server(app: App) -> Iterator[TestClient]:
    with TestClient(create_server(app)) as client:
        yield client


def test_every_operation_documents_its_errors_as_problems(http: TestClient) -> None:
    document = http.get("/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "404", "409", "422", "500"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE"])
def test_a_method_a_route_lacks_answers_405_with_allow(server: TestClient, method: str) -> None:
    answer = server.request(method, "/api/v1/units")
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["allow"] == "GET, HEAD, POST"
    assert answer.json()["code"] == "http.method_not_allowed"
    assert server.request(method, "/api/v1/issues/1/close").status_code == 405


def test_the_console_and_the_api_still_answer_their_own_paths(server: TestClient) -> None:
    assert server.get("/login").status_code == 200  # the console, mounted at "/"
    assert server.get("/api/v1/units").status_code == 401  # the API: no credentials
    assert server.get("/no/such/page").status_code == 404


def test_every_list_answers_items_and_next_cursor(
    app: App, http: TestClient, agency_id: int
) -> None:
    staff: Client = client_for(app, http, agency_id)
    for path in ("/connectors", "/connections", "/webhooks", "/webhook-event-types"):
        body = staff.ok("GET", path)
        assert set(body) == {"items", "next_cursor"}, path
        assert body["next_cursor"] is None
    unit = staff.ok(
        "POST", "/units", 201, json={"line1": "1 A St", "town": "X", "postcode": "SW1A 1AA"}
    )
    issue = staff.ok("POST", "/issues", 201, json={"title": "Tap", "unit_id": unit["id"]})
    assert staff.ok("GET", f"/issues/{issue['id']}/sync") == {"items": [], "next_cursor": None}
