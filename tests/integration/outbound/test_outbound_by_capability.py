"""Outbound steps no connector of ours takes yet, proven through a test connector over real
HTTP (recording_connector.py, recording_pms.py): real issues go through the services and the
real dispatch, and the tests read what reached the recording PMS. Each test names the SPEC rule
its declaration stands for (PW-08, PM-06, PX-04, PX-06, PX-07); they prove the hub's mechanism
(declaration read, capability called), not a particular PMS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.values import Money
from repairlink.jobs.channels import Channels
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.outbound.views import issue_sync_status
from repairlink.pms.retry import RetryPolicy
from repairlink.services import issues
from tests.integration.outbound.conftest import send_due
from tests.integration.outbound.issues_in_alto import (
    CERTIFICATE,
    INVOICE,
    appoint,
    close,
    complete,
    staff,
)
from tests.integration.outbound.recording_connector import KIND
from tests.integration.outbound.recording_pms import RecordingPms, running_pms
from tests.integration.sync.conftest import held


@pytest.fixture
def pms(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingPms]:
    monkeypatch.setitem(REGISTRY, KIND.system, KIND)
    with running_pms() as running:
        yield running


@dataclass
class Linked:
    """An agency connected to the recording PMS, its units and contractor linked by a sync."""

    app: App
    agency_id: int
    pms: RecordingPms

    def report(self, title: str = "Broken window") -> Issue:
        who = staff(self)
        unit_id = held(self.app, self.agency_id, "unit", KIND.system)["P-1"]
        return issues.report(
            self.app.uow(who.actor, self.agency_id),
            who,
            title=title,
            description="Cracked pane in the bedroom",
            unit_id=unit_id,
        )

    def instruct(self, issue: Issue) -> Issue:
        who = staff(self)
        return issues.instruct(
            self.app.uow(who.actor, self.agency_id),
            who,
            issue.id,
            party=Party.CONTRACTOR,
            party_id=held(self.app, self.agency_id, "contractor", KIND.system)["S-1"],
            paying=PayingForWork.LANDLORD,
        )

    def completed(self) -> Issue:
        issue = appoint(self, self.instruct(self.report()))
        return complete(self, issue, costs=Money.of(net=12_000, vat=2_400))

    def status(self, issue: Issue) -> dict:  # type: ignore[type-arg]
        who = staff(self)
        (status,) = issue_sync_status(self.app.uow(who.actor, self.agency_id), issue.id)
        return status

    def numbered(self, number: str) -> list[int]:
        who = staff(self)
        found = issues.list_issues(self.app.uow(who.actor, self.agency_id), who, number=number)
        return [issue.id for issue in found.items]


@pytest.fixture
def linked(app: App, agency_id: int, pms: RecordingPms) -> Linked:
    connect(app, agency_id, KIND.system, {"base_url": pms.url})
    run_sync(app, agency_id, KIND.system, full=True, retry=RetryPolicy(sleep=lambda _s: None))
    return Linked(app, agency_id, pms)


def test_px_07_the_pms_numbers_a_new_issue_and_both_numbers_find_it(
    linked: Linked, channels: Channels
) -> None:
    """PW-08: reported, the issue is a work order in the PMS at once; PX-07: the number the PMS
    gave it is shown with the issue's sync status, and the platform's number still finds it."""
    issue = linked.report()
    send_due(linked.app, channels)

    (create,) = linked.pms.writes()
    assert (create.method, create.path) == ("POST", "/work-orders")
    assert create.json["status"] == "Assigned"
    status = linked.status(issue)
    assert status["status"] == "synced"
    assert status["pms_number"] == "WO-7001"
    assert linked.numbered("WO-7001") == [issue.id]
    assert linked.numbered(issue.reference) == [issue.id]

    linked.instruct(issue)  # a later sync keeps the first number
    send_due(linked.app, channels)
    assert linked.status(issue)["pms_number"] == "WO-7001"


def test_pw_08_completion_uploads_the_photos_and_the_invoice_to_the_work_order(
    linked: Linked, channels: Channels
) -> None:
    """PW-08 (declared AttachDocuments when="completed"): the documents reach the work order
    when the job is complete, before it is closed, and closing does not send them again."""
    issue = linked.completed()
    send_due(linked.app, channels)
    (order,) = linked.pms.orders.values()
    assert sorted(order["documents"]) == sorted([CERTIFICATE.filename, INVOICE.filename])
    assert order["status"] == "Complete"

    close(linked, issue)
    send_due(linked.app, channels)
    (order,) = linked.pms.orders.values()
    assert len(order["documents"]) == 2
    assert order["status"] == "Closed"


def test_pm_06_closing_posts_a_purchase_invoice_with_the_net_and_gross_amounts(
    linked: Linked, channels: Channels
) -> None:
    """PM-06 (declared PurchaseInvoiceOnClose): on close, the issue's reference, the job's (the
    PMS work order's) and the invoice's net and gross amounts."""
    issue = close(linked, linked.completed())
    send_due(linked.app, channels)
    (order,) = linked.pms.orders.values()
    (invoice,) = [w for w in linked.pms.writes() if w.path == "/purchase-invoices"]
    assert invoice.json == {
        "issueReference": issue.reference,
        "jobReference": order["id"],
        "net": "120.00",
        "gross": "144.00",
    }
    assert "Purchase invoice" in linked.status(issue)["reason"]


def test_px_04_a_work_order_given_to_someone_else_in_the_pms_gets_no_more_changes(
    linked: Linked, channels: Channels
) -> None:
    """PX-04 (declared UpdateOnlyWhileAssigned): the create is always sent, without asking;
    once the PMS gives the work order to another user, later changes stay here, and the
    issue's sync status says why."""
    issue = linked.report()
    send_due(linked.app, channels)
    assert linked.pms.reads() == []  # the create did not ask whom it is assigned to
    (order_id,) = linked.pms.orders
    linked.pms.reassign(order_id, "a.manager")
    sent = len(linked.pms.writes())

    close(linked, complete(linked, appoint(linked, linked.instruct(issue))))
    send_due(linked.app, channels)
    assert len(linked.pms.writes()) == sent
    assert linked.pms.orders[order_id]["status"] == "Assigned"
    assert "no longer assigned to the integration user" in linked.status(issue)["reason"]

    other = linked.report("Dripping tap")  # a new issue still reaches the PMS
    send_due(linked.app, channels)
    assert linked.status(other)["pms_number"] is not None


def test_px_06_statuses_that_map_to_nothing_send_nothing(
    linked: Linked, channels: Channels
) -> None:
    """PX-06 (StatusMap None values): an appointment (awaiting completion) and forwarding to
    the property manager change nothing in the PMS; not even its assignment is asked."""
    issue = linked.instruct(linked.report())
    forwarded = linked.report("Noisy neighbours")
    send_due(linked.app, channels)
    before = len(linked.pms.requests)

    appoint(linked, issue)
    who = staff(linked)
    issues.forward_to_pm(linked.app.uow(who.actor, linked.agency_id), who, forwarded.id)
    send_due(linked.app, channels)
    assert len(linked.pms.requests) == before
    assert linked.status(issue)["status"] == "synced"
    assert linked.status(forwarded)["status"] == "synced"
