"""Every error is an RFC 9457 problem: `application/problem+json` with type, title, status,
detail, code, field and the SPEC rule."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.agency import Role
from repairlink.domain.issues import PRIORITIES
from tests.integration.api.conftest import V1, Client, client_for, make_unit, report

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "field", "rule"}


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert body["status"] == status
    return body


def test_a_bad_postcode_is_a_422_problem_naming_the_postcode_field(staff: Client) -> None:
    body = _problem(staff.post("/units", json={"line1": "1 High St", "postcode": "nope"}), 422)
    assert body["field"] == "postcode"
    assert body["code"] == "address.postcode_invalid"
    assert "nope" in str(body["detail"])
    assert staff.ok("GET", "/units", params={"status": "all"})["items"] == []


def test_a_request_that_breaks_the_schema_is_a_422_naming_the_field(staff: Client) -> None:
    missing = _problem(staff.post("/units", json={"town": "Bath"}), 422)
    assert (missing["code"], missing["field"]) == ("request.invalid", "line1")
    unknown = _problem(staff.post("/units", json={"line1": "1 High St", "colour": "red"}), 422)
    assert unknown["field"] == "colour"
    assert _problem(staff.get("/units", params={"limit": 0}), 422)["field"] == "limit"
    assert _problem(staff.get("/units/not-a-number"), 422)["field"] == "id"


def test_an_issue_priority_the_console_cannot_filter_by_is_a_422_listing_the_priorities(
    staff: Client,
) -> None:
    unit = make_unit(staff)
    body = {"title": "Leaking tap", "unit_id": unit["id"], "priority": "whatever"}
    refused = _problem(staff.post("/issues", json=body), 422)
    assert refused["field"] == "priority"
    assert all(f"'{p}'" in str(refused["detail"]) for p in PRIORITIES)
    assert staff.ok("GET", "/issues")["items"] == []
    for priority in PRIORITIES:  # each one the console offers is taken
        assert report(staff, unit, priority=priority)["priority"] == priority


def test_c_03_an_illegal_transition_is_a_409_with_the_rule_and_changes_nothing(
    staff: Client,
) -> None:
    """C-03: closing a just-reported issue is refused, clearly, and nothing changes."""
    issue = report(staff, make_unit(staff))
    trail_before = staff.ok("GET", f"/audit/issue/{issue['id']}")["items"]
    body = _problem(staff.post(f"/issues/{issue['id']}/close"), 409)
    assert body["rule"] == "C-03"
    assert body["code"] == "issue.illegal_transition"
    assert body["field"] == "status"
    assert "Reported" in str(body["detail"])
    assert staff.ok("GET", f"/issues/{issue['id']}") == issue
    assert staff.ok("GET", f"/audit/issue/{issue['id']}")["items"] == trail_before


def test_missing_or_unknown_credentials_are_a_401_problem(
    app: App, http: TestClient, agency_id: int
) -> None:
    anonymous = _problem(http.get(f"{V1}/units"), 401)
    assert anonymous["code"] == "auth.missing"
    assert http.get(f"{V1}/units").headers["www-authenticate"] == "Bearer"
    basic = http.get(f"{V1}/units", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert _problem(basic, 401)["code"] == "auth.missing"
    forged = Client(http, "rl_0123456789ab_forged")
    assert _problem(forged.get("/units"), 401)["code"] == "auth.invalid_credentials"
    stranger = Client(http, "not-a-session")
    assert _problem(stranger.get("/units"), 401)["code"] == "auth.invalid_credentials"
    real = client_for(app, http, agency_id)
    assert real.get("/units").status_code == 200


def test_a_role_without_the_right_is_a_403_problem(
    app: App, http: TestClient, agency_id: int
) -> None:
    agent = client_for(app, http, agency_id, Role.AGENT)
    body = _problem(agent.patch("/agency", json={"feedback_enabled": True}), 403)
    assert body["code"] == "auth.forbidden"


def test_unknown_routes_and_methods_keep_their_status_as_problems(staff: Client) -> None:
    assert _problem(staff.get("/no-such-thing"), 404)["code"] == "http.not_found"
    assert _problem(staff.delete("/units"), 405)["code"] == "http.method_not_allowed"


def test_health_and_openapi_are_served(http: TestClient) -> None:
    assert http.get("/health").json() == {"status": "ok"}
    schema = http.get("/openapi.json").json()
    assert schema["info"]["title"] == "Repairlink"
    assert "/api/v1/issues/{id}/complete" in schema["paths"]
    assert http.get("/docs").status_code == 200
