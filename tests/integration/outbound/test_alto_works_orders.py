"""AL-10..AL-13: issues reach Alto as works orders, through the simulator over HTTP."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.places import Unit
from repairlink.domain.values import Money
from repairlink.jobs.channels import Channels
from repairlink.jobs.sync_run import connect
from repairlink.outbound.ledger import utcnow
from repairlink.outbound.views import issue_sync_status
from repairlink.pms.issue_facts import work_order_marker
from repairlink.services import issues, people_and_places
from repairlink.simulators.alto import running_alto
from repairlink.store.outbound_tables import deliveries
from repairlink.store.tables import audit_log
from tests.integration.outbound.conftest import Clock, Synced, send_due, states
from tests.integration.outbound.issues_in_alto import (
    CERTIFICATE,
    INVOICE,
    appoint,
    close,
    complete,
    instruct,
    reported,
    staff,
    tenant_at_unit,
    through_to_closed,
)
from tests.integration.sync.conftest import settings_for


def _orders(s: Synced) -> list[dict]:  # type: ignore[type-arg]
    return s.admin("work-orders")


def _status(s: Synced, issue_id: int) -> dict:  # type: ignore[type-arg]
    who = staff(s)
    (status,) = issue_sync_status(s.app.uow(who.actor, s.agency_id), issue_id)
    return status


def test_al_10_issue_reaches_alto_only_once_instructed(synced: Synced, channels: Channels) -> None:
    issue = reported(synced)
    send_due(synced.app, channels)
    assert _orders(synced) == []
    assert _status(synced, issue.id)["status"] == "not_sent"

    instruct(synced, issue)
    send_due(synced.app, channels)

    (order,) = _orders(synced)
    unit_id, occupier_id = tenant_at_unit(synced)
    property_ref = {v: k for k, v in synced.refs("unit").items()}[unit_id]
    assert str(order["propertyId"]) == property_ref
    assert order["supplierContactId"] is not None
    assert order["status"] == "Supplier instructed"
    assert order["summary"].startswith(f"{work_order_marker(issue)} Boiler not firing")
    assert order["description"] == "No hot water since Monday"
    assert order["priority"] == "Urgent"
    assert order["reportedDate"]
    tenant_ref = {v: k for k, v in synced.refs("occupier").items()}[occupier_id]
    assert str(order["reporterDetails"]["id"]) == tenant_ref
    assert _status(synced, issue.id)["status"] == "synced"


def test_c_02_the_works_order_id_is_kept_on_the_issue_with_its_audit_entry(
    synced: Synced, channels: Channels
) -> None:
    """C-02 and C-13: the id Alto gave the works order becomes the issue's reference, and the
    issue's trail says the way out to Alto added it."""
    first, second = reported(synced), reported(synced)
    instruct(synced, first)
    instruct(synced, second)
    send_due(synced.app, channels)  # one batch: both ids kept with its outcomes

    orders = {order["summary"].split()[0]: str(order["id"]) for order in _orders(synced)}
    kept = synced.refs("issue")
    assert kept == {orders[work_order_marker(i)]: i.id for i in (first, second)}
    a = audit_log.c
    with synced.app.engine.connect() as conn:
        entries = conn.execute(
            sa.select(a.entity_id, a.action, a.actor_label, a.changes).where(
                a.agency_id == synced.agency_id, a.entity_kind == "external_ref"
            )
        ).all()
    by_id = {row.changes["external_id"][1]: row for row in entries}
    for issue in (first, second):
        entry = by_id[orders[work_order_marker(issue)]]
        assert (entry.action, entry.actor_label) == ("created", "outbound to alto")
        assert entry.changes["entity_id"] == [None, issue.id]


def test_al_10_landlord_instruction_leaves_the_supplier_empty(
    synced: Synced, channels: Channels
) -> None:
    instruct(synced, reported(synced), party=Party.LANDLORD)
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    assert order["supplierContactId"] is None
    assert order["status"] == "Supplier instructed"


def test_al_11_statuses_map_onto_the_works_order(synced: Synced, channels: Channels) -> None:
    issue = instruct(synced, reported(synced))
    send_due(synced.app, channels)
    appoint(synced, issue)  # awaiting_completion: no change in Alto
    send_due(synced.app, channels)
    complete(synced, issue)
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    assert order["status"] == "Complete Awaiting Invoice"
    assert order["notes"] == "Replaced the thermocouple; boiler tested"
    close(synced, issue)
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    history = [step["status"] for step in order["statusHistory"]]
    assert history == [
        "Supplier instructed",
        "Complete Awaiting Invoice",
        "Complete Invoicing Received",
    ]


def test_al_12_close_attaches_a_pdf_and_every_completion_document(
    synced: Synced, channels: Channels
) -> None:
    issue = through_to_closed(synced)
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    names = {doc["name"]: doc for doc in order["documents"]}
    assert set(names) == {f"{issue.reference}.pdf", CERTIFICATE.filename}
    assert names[f"{issue.reference}.pdf"]["contentType"] == "application/pdf"
    assert names[CERTIFICATE.filename]["sha256"] == hashlib.sha256(CERTIFICATE.content).hexdigest()


def test_al_13_closing_sends_the_gross_charge_with_the_invoice_against_the_landlord(
    synced: Synced, channels: Channels
) -> None:
    through_to_closed(synced, costs=Money.of(net=12_000, vat=2_400))
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    (charge,) = synced.admin("charges")
    fields = charge["fields"]
    assert charge["path"] == f"/inventory/{order['propertyId']}/charges"
    assert fields["chargeType"] == "Maintenance"
    assert (fields["totalNet"], fields["totalVat"]) == ("120.00", "24.00")  # gross 144.00
    assert fields["vatRateType"] == "Standard"
    assert str(fields["workOrderId"]) == str(order["id"])
    assert fields["raiseImmediately"] == "false"
    assert charge["invoiceDocument"]["sha256"] == hashlib.sha256(INVOICE.content).hexdigest()


def test_al_13_an_occupier_paying_is_charged_on_their_tenancy(
    synced: Synced, channels: Channels
) -> None:
    issue = instruct(synced, reported(synced), paying=PayingForWork.OCCUPIER)
    complete(synced, appoint(synced, issue))
    close(synced, issue)
    send_due(synced.app, channels)
    (charge,) = synced.admin("charges")
    _, occupier_id = tenant_at_unit(synced)
    tenant_ref = {v: k for k, v in synced.refs("occupier").items()}[occupier_id]
    assert charge["path"].startswith("/tenancies/")
    assert str(charge["fields"]["tenantId"]) == tenant_ref


def test_al_13_no_charge_when_the_agency_pays_and_the_issue_says_why(
    synced: Synced, channels: Channels
) -> None:
    issue = instruct(synced, reported(synced), paying=PayingForWork.AGENCY)
    complete(synced, appoint(synced, issue))
    close(synced, issue)
    send_due(synced.app, channels)
    assert synced.admin("charges") == []
    status = _status(synced, issue.id)
    assert status["status"] == "synced"
    assert "No charge sent: the agency pays (AL-13)" in status["reason"]


def test_al_13_no_charge_without_an_invoice_or_at_zero(synced: Synced, channels: Channels) -> None:
    no_invoice = through_to_closed(synced, invoice=None)
    zero = through_to_closed(synced, costs=Money.of(net=0, vat=0))
    send_due(synced.app, channels)
    assert synced.admin("charges") == []
    assert "there is no invoice document (AL-13)" in _status(synced, no_invoice.id)["reason"]
    assert "the amount is zero (AL-13)" in _status(synced, zero.id)["reason"]
    assert all(state == "delivered" for _, state, _ in states(synced.app, synced.agency_id))


def test_s_01_a_works_order_an_unrecorded_attempt_created_is_found_not_doubled(
    synced: Synced, channels: Channels
) -> None:
    """A worker that dies after Alto created the works order, before recording it: the next
    attempt finds it by the issue's reference instead of creating a second one."""
    issue = reported(synced)
    unit_id, _ = tenant_at_unit(synced)
    property_ref = {v: k for k, v in synced.refs("unit").items()}[unit_id]
    with synced.sim.client() as api:
        earlier = api.post(
            "/work-orders",
            json={
                "propertyId": property_ref,
                "summary": f"{work_order_marker(issue)} sent before the crash",
                "priority": "Urgent",
                "reportedDate": "2026-11-20T09:00:00Z",
            },
        ).json()
    instruct(synced, issue)
    d = deliveries.c
    with synced.app.engine.begin() as conn:  # as the dead worker left it: leased, lease run out
        conn.execute(
            sa.update(deliveries)
            .where(d.agency_id == synced.agency_id)
            .values(leased_by="dead-worker", leased_until=utcnow() - timedelta(seconds=1))
        )
    send_due(synced.app, channels)
    (order,) = _orders(synced)
    assert str(order["id"]) == str(earlier["id"])
    assert synced.refs("issue") == {str(earlier["id"]): issue.id}


def test_s_01_what_a_close_sent_before_its_charge_failed_is_not_sent_again(
    synced: Synced, channels: Channels
) -> None:
    """The documents reached Alto, then the charge met a 503: the attempt keeps the documents'
    ids although it failed, so the retry sends the charge alone."""
    issue = through_to_closed(synced, costs=Money.of(net=12_000, vat=2_400))
    synced.sim.admin("POST", "faults/fail-next", {"count": 1, "kind": "503", "path": "/charges"})
    clock = Clock()
    send_due(synced.app, channels, clock)
    assert _status(synced, issue.id)["status"] == "failed"
    assert synced.admin("charges") == []
    (order,) = _orders(synced)
    assert len(order["documents"]) == 2  # the PDF and the certificate

    clock.now += timedelta(minutes=1)
    send_due(synced.app, channels, clock)
    (order,) = _orders(synced)
    assert len(order["documents"]) == 2
    assert len(synced.admin("charges")) == 1
    assert _status(synced, issue.id)["status"] == "synced"


def test_al_10_an_issue_on_a_property_that_is_not_in_alto_is_not_sent_and_fails_nothing(
    synced: Synced, channels: Channels
) -> None:
    """A unit made by hand (not in Alto) cannot carry a works order: the issue says so, and no
    delivery fails or waits to be retried (the sync badge is not red)."""
    who = staff(synced)
    unit = people_and_places.create(
        synced.app.uow(who.actor, synced.agency_id), Unit, {"line1": "1 Local Lane"}
    )
    issue = issues.report(
        synced.app.uow(who.actor, synced.agency_id), who, title="Gate sticks", unit_id=unit.id
    )
    instruct(synced, issue)
    send_due(synced.app, channels)
    assert _orders(synced) == []
    status = _status(synced, issue.id)
    assert (status["status"], status["reason"]) == (
        "not_sent",
        "Not sent: this property is not in Alto",
    )
    assert {state for _channel, state, _note in states(synced.app, synced.agency_id)} <= {
        "delivered",
        "skipped",
    }


def test_s_01_settings_saved_again_reach_the_next_works_order(
    synced: Synced, channels: Channels
) -> None:
    """A connection saved with new settings (another Alto address, its secret sealed anew) is
    what the next delivery uses: a sender's client for the connection is made again."""
    instruct(synced, reported(synced))
    send_due(synced.app, channels)
    assert len(_orders(synced)) == 1
    with running_alto(seed=11, units=40) as moved:  # the same portfolio, at a new address
        connect(synced.app, synced.agency_id, "alto", settings_for(moved))
        instruct(synced, reported(synced))
        send_due(synced.app, channels)
        assert len(moved.admin("GET", "work-orders")["items"]) == 1
    assert len(_orders(synced)) == 1  # nothing more reached the old address
