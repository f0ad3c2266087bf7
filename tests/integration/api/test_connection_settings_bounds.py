"""A connection's settings are refused through the API when a value cannot be right for its
PMS: Alto's AgencyRef that is not a GUID; an id, a secret or a name longer than any PMS issues
(255 characters) or blank. A 422 names the field and the rule, a secret is never echoed, and
nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest

from repairlink.simulators.alto.state import DEFAULT_AGENCY_REF
from tests.integration.api.conftest import Client

LONG = "s3cret" * 834  # 5,004 characters
TOO_LONG = "String should have at most 255 characters"
BLANK = "String should have at least 1 character"
SETTINGS: dict[str, dict[str, Any]] = {
    "alto": {
        "base_url": "https://alto.example",
        "client_id": "repairlink",
        "client_secret": "a secret",
        "agency_ref": DEFAULT_AGENCY_REF,
    },
    "propertyware": {
        "base_url": "https://pw.example",
        "client_id": "repairlink",
        "client_secret": "a secret",
        "system_id": "104729",
        "locations": [1],
        "account_email": "owner@pw.example",
    },
    "propman": {"base_url": "https://propman.example", "api_key": "a key"},
    "platform": {"integration_user": "1"},
}


@pytest.mark.parametrize(
    ("system", "field", "value", "rule"),
    [
        ("alto", "agency_ref", "agency-42", "must be the GUID Alto issued for the agency"),
        ("alto", "agency_ref", DEFAULT_AGENCY_REF + "0", "must be the GUID"),
        ("alto", "client_id", LONG, TOO_LONG),
        ("alto", "client_secret", LONG, TOO_LONG),
        ("alto", "client_secret", "", BLANK),
        ("propertyware", "client_id", LONG, TOO_LONG),
        ("propertyware", "client_secret", LONG, TOO_LONG),
        ("propertyware", "system_id", LONG, TOO_LONG),
        ("propertyware", "integration_user", LONG, TOO_LONG),
        ("propertyware", "account_email", "owner@" + "p" * 250 + ".example", "at most 254"),
        ("propertyware", "account_email", "owner at pw", "must be an email address"),
        ("propman", "api_key", LONG, TOO_LONG),
        ("propman", "api_key", "", BLANK),
        ("platform", "integration_user", LONG, TOO_LONG),
    ],
)
def test_a_setting_no_pms_could_issue_is_refused_naming_the_field_and_the_rule(
    staff: Client, system: str, field: str, value: str, rule: str
) -> None:
    body = {**SETTINGS[system], field: value}
    refused = staff.request("PUT", f"/connections/{system}", json=body)
    assert refused.status_code == 422, refused.text[:300]
    problem = refused.json()
    assert problem["field"] == field
    assert problem["detail"].startswith(rule), problem["detail"]
    assert "s3cret" not in refused.text
    assert staff.ok("GET", "/connections")["items"] == []
