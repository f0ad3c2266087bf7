"""What block management adds to the platform, through the API over a Propman-synced agency: an
issue's cost code is chosen from its building's cost codes."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.store.tables import cost_codes, units
from tests.integration.api.conftest import Client
from tests.integration.propman.conftest import held, rows, sync


def test_an_issue_takes_a_cost_code_of_its_buildings_only(
    app: App, connected: int, staff: Client
) -> None:
    sync(app, connected, full=True)
    unit_id = min(held(app, connected, "unit").values())
    building_id = rows(app, units, connected)[unit_id]["building_id"]
    codes = rows(app, cost_codes, connected).values()
    own = sorted(c["id"] for c in codes if c["building_id"] == building_id)
    other = next(c["id"] for c in codes if c["building_id"] != building_id)
    issue = staff.ok("POST", "/issues", 201, json={"title": "Lift stuck", "unit_id": unit_id})
    listed = staff.ok("GET", f"/issues/{issue['id']}/cost-codes")["items"]
    assert sorted(c["id"] for c in listed) == own
    assert {c["building_id"] for c in listed} == {building_id}

    refused = staff.request("PUT", f"/issues/{issue['id']}/cost-code", json={"cost_code_id": other})
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "cost_code_id"
    assert staff.ok("GET", f"/issues/{issue['id']}")["cost_code_id"] is None

    chosen = staff.ok("PUT", f"/issues/{issue['id']}/cost-code", json={"cost_code_id": own[0]})
    assert chosen["cost_code_id"] == own[0]
    cleared = staff.ok("PUT", f"/issues/{issue['id']}/cost-code", json={"cost_code_id": None})
    assert cleared["cost_code_id"] is None
