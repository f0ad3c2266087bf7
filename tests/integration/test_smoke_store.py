"""A first walk through the store on both databases."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.services import history
from repairlink.services.auth import Principal
from tests.factories import in_progress_issue, make_unit


def test_c_13_creating_a_unit_is_in_its_audit_trail(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin, postcode="sw1a1aa")
    assert unit.postcode == "SW1A 1AA"
    trail = history.history(app.uow(admin.actor, admin.agency_id), "unit", unit.id)
    assert trail[0].action == "created"
    assert trail[0].actor_label == "admin@test"
    assert trail[0].changes["postcode"] == [None, "SW1A 1AA"]


def test_issue_reaches_awaiting_completion(app: App, admin: Principal) -> None:
    issue = in_progress_issue(app, admin)
    assert issue.status.value == "awaiting_completion"
