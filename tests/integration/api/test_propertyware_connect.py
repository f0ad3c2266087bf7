"""PW-01 through the API: a Propertyware connection names exactly one location (portfolio);
a second is refused when connecting, 422 naming the setting and the rule, nothing saved."""

from __future__ import annotations

from repairlink.simulators.propertyware import RunningPropertyware
from tests.integration.api.conftest import Client
from tests.integration.pw import pw_settings


def test_pw_01_a_second_location_is_refused_when_connecting(
    staff: Client, pw: RunningPropertyware
) -> None:
    both = [pw.portfolio_id(1), pw.portfolio_id(2)]
    refused = staff.request(
        "PUT", "/connections/propertyware", json=pw_settings(pw, locations=both)
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["field"], problem["rule"]) == ("locations", "PW-01")
    assert "exactly one Propertyware location" in problem["detail"]
    assert staff.ok("GET", "/connections")["items"] == []
    saved = staff.ok("PUT", "/connections/propertyware", json=pw_settings(pw))
    assert saved["config"]["locations"] == [pw.portfolio_id(1)]
    assert "client_secret" not in str(saved["config"]) or saved["config"]["client_secret"] != (
        pw.client_secret
    )


def test_pw_08_properties_and_residents_are_not_made_here_while_propertyware_is_connected(
    staff: Client, pw: RunningPropertyware
) -> None:
    """Made here they would never reach Propertyware: refused, 409 naming the rule; other
    records (contractors) are still made here."""
    before = staff.ok("POST", "/units", 201, json={"line1": "1 Before St", "town": "Fresno"})
    assert before["id"]
    staff.ok("PUT", "/connections/propertyware", json=pw_settings(pw))
    for path, body in (
        ("/units", {"line1": "2 After St", "town": "Fresno"}),
        ("/occupiers", {"first_name": "Ana", "surname": "Diaz", "email": "ana@x.example"}),
    ):
        refused = staff.request("POST", path, json=body)
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["rule"] == "PW-08"
        assert "Propertyware is connected" in problem["detail"]
    staff.ok("POST", "/contractors", 201, json={"company": "Bay Plumbing"})
