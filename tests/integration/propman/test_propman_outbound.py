"""PM-04..PM-07: issues reach Propman as repair orders and purchase invoices, through the
simulator over HTTP, event-driven through the outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.jobs.channels import Channels
from repairlink.outbound.views import issue_sync_status
from repairlink.services import issue_costing, issues
from repairlink.simulators.propman import RunningPropman
from repairlink.store.tables import buildings, estates, units
from tests.integration.outbound.conftest import Clock, send_due
from tests.integration.outbound.issues_in_alto import appoint, close, complete, staff
from tests.integration.propman.conftest import held, rows, sync

ADDED = ("title", "category", "details", "costCode", "supplierReference")
PLACE = ("estateReference", "buildingReference", "unitReference")


class Synced:
    def __init__(self, app: App, agency_id: int, sim: RunningPropman) -> None:
        self.app, self.agency_id, self.sim = app, agency_id, sim

    def ref(self, kind: str, our_id: int) -> str:
        return {v: k for k, v in held(self.app, self.agency_id, kind).items()}[our_id]

    def orders(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.sim.admin("GET", "repair-orders")["items"]
        return found

    def invoices(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.sim.admin("GET", "purchase-invoices")["items"]
        return found


@pytest.fixture
def synced(app: App, connected: int, propman: RunningPropman) -> Synced:
    sync(app, connected, full=True)
    return Synced(app, connected, propman)


@pytest.fixture
def channels(app: App) -> Iterator[Channels]:
    made = Channels(app)
    yield made
    made.close()


def _unit(s: Synced) -> int:
    """A Propman unit in a building with cost codes."""
    return min(held(s.app, s.agency_id, "unit").values())


def reported(s: Synced, *, with_cost_code: bool = True) -> Issue:
    who = staff(s)
    issue = issues.report(
        s.app.uow(who.actor, s.agency_id),
        who,
        title="Communal door does not close",
        description="The entrance door closer is broken; the door bangs all night",
        category="Doors and locks",
        priority="urgent",
        unit_id=_unit(s),
    )
    if with_cost_code:
        codes = issue_costing.cost_codes_for(s.app.uow(who.actor, s.agency_id), who, issue.id)
        issue = issue_costing.choose_cost_code(
            s.app.uow(who.actor, s.agency_id), who, issue.id, codes[0].id
        )
    return issue


def instruct(s: Synced, issue: Issue, party: Party = Party.CONTRACTOR) -> Issue:
    who = staff(s)
    kind = "contractor" if party is Party.CONTRACTOR else "landlord"
    party_id = min(held(s.app, s.agency_id, kind).values())
    return issues.instruct(
        s.app.uow(who.actor, s.agency_id),
        who,
        issue.id,
        party=party,
        party_id=party_id,
        paying=PayingForWork.LANDLORD,
    )


def _sync_status(s: Synced, issue_id: int) -> dict[str, Any]:
    who = staff(s)
    (status,) = issue_sync_status(s.app.uow(who.actor, s.agency_id), issue_id)
    return status


def _code(s: Synced, issue: Issue) -> str:
    with s.app.engine.connect() as conn:
        code: str = conn.execute(
            sa.text("SELECT code FROM cost_codes WHERE id = :i"), {"i": issue.cost_code_id}
        ).scalar_one()
    return code


def test_pm_04_instruction_creates_a_repair_order_with_every_field(
    synced: Synced, channels: Channels
) -> None:
    issue = reported(synced)
    send_due(synced.app, channels)
    assert synced.orders() == []
    issue = instruct(synced, issue)
    send_due(synced.app, channels)

    (order,) = synced.orders()
    unit = rows(synced.app, units, synced.agency_id)[issue.unit_id or 0]
    assert order["issueReference"] == issue.reference
    assert order["status"] == "Instructed"
    assert order["title"] == "Communal door does not close"
    assert order["category"] == "Doors and locks"
    assert order["details"].startswith("The entrance door closer is broken")
    assert order["costCode"] == _code(synced, issue)
    assert order["supplierReference"] == synced.ref("contractor", issue.contractor_id or 0)
    assert order["unitReference"] == synced.ref("unit", unit["id"])
    assert order["buildingReference"] == synced.ref("building", unit["building_id"])
    assert order["estateReference"] == synced.ref("estate", unit["estate_id"])
    assert order["startDate"] is None  # no appointment yet
    assert _sync_status(synced, issue.id)["status"] == "synced"
    # the estate and building are first-class records of ours
    assert rows(synced.app, buildings, synced.agency_id)[unit["building_id"]]["estate_id"] in rows(
        synced.app, estates, synced.agency_id
    )


def test_pm_05_every_status_change_sends_every_field_again(
    synced: Synced, channels: Channels
) -> None:
    issue = instruct(synced, reported(synced))
    send_due(synced.app, channels)
    (created,) = synced.orders()
    appointed = appoint(synced, issue)
    send_due(synced.app, channels)
    (order,) = synced.orders()
    assert order["status"] == "In progress"
    assert order["startDate"] == appointed.appointment_at.date().isoformat()  # type: ignore[union-attr]
    complete(synced, issue)
    send_due(synced.app, channels)
    close(synced, issue)
    send_due(synced.app, channels)
    (order,) = synced.orders()
    assert order["statusHistory"] == ["Instructed", "In progress", "Completed", "Closed"]
    assert {k: order[k] for k in (*ADDED, *PLACE)} == {k: created[k] for k in (*ADDED, *PLACE)}
    writes = synced.sim.admin("GET", "writes")["items"]
    puts = [w for w in writes if w["method"] == "PUT"]
    assert [w["status"] for w in puts] == ["In progress", "Completed", "Closed"]
    assert all(w["path"] == f"/repair-orders/{order['jobReference']}" for w in puts)


def test_pm_06_closing_sends_the_final_status_and_a_purchase_invoice(
    synced: Synced, channels: Channels
) -> None:
    issue = appoint(synced, instruct(synced, reported(synced)))
    complete(synced, issue, costs=Money.of(net=12_000, vat=2_400))
    send_due(synced.app, channels)
    assert synced.invoices() == []  # only on close
    close(synced, issue)
    send_due(synced.app, channels)
    (order,) = synced.orders()
    (invoice,) = synced.invoices()
    assert order["status"] == "Closed"
    assert invoice["issueReference"] == issue.reference
    assert invoice["jobReference"] == order["jobReference"]
    assert (invoice["netAmount"], invoice["grossAmount"]) == ("120.00", "144.00")


def test_pm_04_nothing_is_sent_for_an_issue_never_instructed_or_instructed_to_a_landlord(
    synced: Synced, channels: Channels
) -> None:
    never = reported(synced)
    to_landlord = instruct(synced, reported(synced), Party.LANDLORD)
    send_due(synced.app, channels)
    assert synced.orders() == []
    assert _sync_status(synced, never.id)["status"] == "not_sent"
    said = _sync_status(synced, to_landlord.id)
    assert said["status"] == "not_sent"
    assert "instructed to a contractor" in said["reason"]
    assert "landlord" in said["reason"]


def test_pm_07_sent_as_the_change_happens_and_retried_when_propman_fails(
    synced: Synced, channels: Channels
) -> None:
    """Event-driven: the instruction's own event sends the order at once, no schedule; a
    refused write is retried, and the issue's sync badge says so meanwhile."""
    synced.sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "503", "path": "/repair"})
    committed = time.time()
    issue = instruct(synced, reported(synced))
    clock = Clock()
    send_due(synced.app, channels, clock)
    assert synced.orders() == []
    badge = _sync_status(synced, issue.id)
    assert badge["status"] == "failed"
    assert "503" in badge["reason"]
    clock.now += timedelta(minutes=5)
    send_due(synced.app, channels, clock)
    (order,) = synced.orders()
    (write,) = [w for w in synced.sim.admin("GET", "writes")["items"] if w["method"] == "POST"]
    assert write["received_at"] - committed < 5  # seconds, not a schedule
    assert order["status"] == "Instructed"
    assert _sync_status(synced, issue.id)["status"] == "synced"
