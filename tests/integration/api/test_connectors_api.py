"""What a connector's profile says about schedules and unsupported features reaches the agency
through the API: what a PMS cannot do is listed plainly, never an error (PX-08, the browser
extension's PMS). A rule about settings refusing a connection is PW-01's, proven through
Propertyware in test_propertyware_connect.py."""

from __future__ import annotations

from tests.integration.api.conftest import Client


def test_the_connectors_list_says_when_each_syncs_and_nothing_is_unsupported_for_alto(
    staff: Client,
) -> None:
    listed = {c["system"]: c for c in staff.ok("GET", "/connectors")["items"]}
    assert listed["alto"]["title"] == "Alto"
    assert listed["alto"]["unsupported"] == []
    (daily,) = listed["alto"]["schedules"]
    assert daily["when"] == "daily at 02:00 (Europe/London)"
    assert "unit" in daily["kinds"]


def test_px_08_what_a_pms_cannot_do_is_listed_plainly(staff: Client) -> None:
    """PX-08: "leases are not supported", said, never failed."""
    platform = staff.ok("GET", "/connectors/platform")
    assert platform["unsupported"] == [
        {"what": "leases", "message": "This PMS sync does not support leases"},
        {"what": "files", "message": "This PMS sync does not support files"},
    ]
