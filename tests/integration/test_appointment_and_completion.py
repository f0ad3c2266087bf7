"""C-06 (appointment), C-07 (completion: notes, costs, invoice, documents, by agency setting)
and C-08 (feedback or not, then closure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from repairlink.bootstrap import App
from repairlink.domain.agency import CostsOption, InvoiceOption
from repairlink.domain.issues import Party, PayingForWork, Status
from repairlink.domain.values import Money
from repairlink.errors import ConflictError, InvalidError, NotFoundError
from repairlink.services import agencies, documents, issues
from repairlink.services.auth import Principal
from repairlink.services.issues import Upload
from tests.factories import (
    as_contractor,
    as_occupier,
    completed_issue,
    in_progress_issue,
    instructed_issue,
    living_occupier,
    make_contractor,
    make_issue,
    make_landlord,
    make_unit,
    uow_of,
)
from tests.integration.test_issue_lifecycle import snapshot

INVOICE = Upload("invoice-77.pdf", "application/pdf", b"%PDF-1.4 invoice 77 for 120.00")
CERT = Upload("gas-safe.pdf", "application/pdf", b"%PDF-1.4 gas safety certificate")
PHOTO = Upload("after.jpg", "image/jpeg", bytes(range(256)) * 4)


def event_types(app: App, issue_id: int) -> list[str]:
    return [row[2] for row in snapshot(app, issue_id)["outbox"]]


def test_c_06_the_instructed_contractor_sets_the_appointment(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = instructed_issue(app, admin, contractor)
    me = as_contractor(contractor)
    when = datetime(2031, 3, 4, 9, 30, 15, 250000, tzinfo=UTC)
    issues.set_appointment(uow_of(app, me), me, issue.id, when)
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert stored.status is Status.AWAITING_COMPLETION
    assert stored.appointment_at == when
    # rescheduling keeps the status and moves the date
    later = when + timedelta(days=2)
    issues.set_appointment(uow_of(app, me), me, issue.id, later)
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert (stored.status, stored.appointment_at) == (Status.AWAITING_COMPLETION, later)


def test_c_06_appointment_time_needs_a_zone_and_another_contractor_cannot_set_it(
    app: App, admin: Principal
) -> None:
    contractor = make_contractor(app, admin)
    issue = instructed_issue(app, admin, contractor)
    stranger = as_contractor(make_contractor(app, admin))
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.set_appointment(uow_of(app, admin), admin, issue.id, datetime(2031, 1, 1, 9))
    assert err.value.rule == "C-06"
    with pytest.raises(NotFoundError):
        issues.set_appointment(
            uow_of(app, stranger), stranger, issue.id, datetime(2031, 1, 1, 9, tzinfo=UTC)
        )
    assert snapshot(app, issue.id) == before


def test_c_06_an_issue_instructed_to_a_landlord_gets_its_appointment_from_staff(
    app: App, admin: Principal
) -> None:
    issue = make_issue(app, admin)
    landlord = make_landlord(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.LANDLORD,
        party_id=landlord.id,
        paying=PayingForWork.LANDLORD,
    )
    when = datetime.now(UTC) + timedelta(days=1)
    done = issues.set_appointment(uow_of(app, admin), admin, issue.id, when)
    assert done.status is Status.AWAITING_COMPLETION


def test_c_07_provide_costs_makes_costs_mandatory(app: App, admin: Principal) -> None:
    agencies.update_settings(uow_of(app, admin), {"costs_option": CostsOption.PROVIDE_COSTS})
    contractor = make_contractor(app, admin)
    issue = in_progress_issue(app, admin, contractor)
    me = as_contractor(contractor)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.complete(
            uow_of(app, me), me, issue.id, files=app.files, notes="Done", costs=None, invoice=None
        )
    assert (err.value.code, err.value.field, err.value.rule) == (
        "issue.costs_required",
        "costs",
        "C-07",
    )
    assert snapshot(app, issue.id) == before
    issues.complete(
        uow_of(app, me),
        me,
        issue.id,
        files=app.files,
        notes="Replaced the washer",
        costs=Money.of(net=10000, vat=2000),
        invoice=None,
    )
    stored = issues.get(uow_of(app, admin), admin, issue.id)
    assert stored.status is Status.COMPLETED
    assert stored.completion_notes == "Replaced the washer"
    assert (stored.cost_net, stored.cost_vat, stored.cost_gross) == (10000, 2000, 12000)


def test_c_07_invoice_required_makes_the_invoice_mandatory(app: App, admin: Principal) -> None:
    agencies.update_settings(uow_of(app, admin), {"invoice_option": InvoiceOption.REQUIRED})
    issue = in_progress_issue(app, admin)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.complete(
            uow_of(app, admin),
            admin,
            issue.id,
            files=app.files,
            notes="Done",
            costs=Money.of(net=100, vat=20),
            invoice=None,
            documents=[CERT],
        )
    assert (err.value.code, err.value.field, err.value.rule) == (
        "issue.invoice_required",
        "invoice",
        "C-07",
    )
    assert snapshot(app, issue.id) == before
    issues.complete(
        uow_of(app, admin),
        admin,
        issue.id,
        files=app.files,
        notes="Done",
        costs=None,
        invoice=INVOICE,
    )
    docs = issues.documents_of(uow_of(app, admin), admin, issue.id)
    assert [(d.kind, d.filename) for d in docs] == [("invoice", "invoice-77.pdf")]


def test_c_07_with_optional_settings_nothing_is_mandatory(app: App, admin: Principal) -> None:
    agency = agencies.get_agency(uow_of(app, admin))
    assert (agency.costs_option, agency.invoice_option) == (
        CostsOption.OPTIONAL,
        InvoiceOption.OPTIONAL,
    )
    done = completed_issue(app, admin)
    assert done.status is Status.COMPLETED
    assert done.cost_gross is None


def test_c_07_invoice_and_completion_documents_are_stored_and_readable_back(
    app: App, admin: Principal
) -> None:
    contractor = make_contractor(app, admin)
    issue = in_progress_issue(app, admin, contractor)
    me = as_contractor(contractor)
    issues.complete(
        uow_of(app, me),
        me,
        issue.id,
        files=app.files,
        notes="Boiler serviced",
        costs=Money.of(net=8000, vat=1600),
        invoice=INVOICE,
        documents=[CERT, PHOTO],
    )
    docs = issues.documents_of(uow_of(app, admin), admin, issue.id)
    assert [(d.kind, d.filename, d.content_type, d.size) for d in docs] == [
        ("invoice", INVOICE.filename, INVOICE.content_type, len(INVOICE.content)),
        ("completion", CERT.filename, CERT.content_type, len(CERT.content)),
        ("completion", PHOTO.filename, PHOTO.content_type, len(PHOTO.content)),
    ]
    for doc, upload in zip(docs, [INVOICE, CERT, PHOTO], strict=True):
        assert app.files.read(doc.storage_key) == upload.content
        _, content = documents.read_document(uow_of(app, me), me, app.files, issue.id, doc.id)
        assert content == upload.content


def test_c_07_documents_are_not_readable_through_another_issue_or_agency(
    app: App, admin: Principal
) -> None:
    issue = in_progress_issue(app, admin)
    issues.complete(
        uow_of(app, admin), admin, issue.id, files=app.files, notes="", costs=None, invoice=INVOICE
    )
    doc = issues.documents_of(uow_of(app, admin), admin, issue.id)[0]
    other = make_issue(app, admin)
    with pytest.raises(NotFoundError):
        documents.read_document(uow_of(app, admin), admin, app.files, other.id, doc.id)
    stranger = as_contractor(make_contractor(app, admin))
    with pytest.raises(NotFoundError):
        documents.read_document(uow_of(app, stranger), stranger, app.files, issue.id, doc.id)


def test_c_07_an_empty_document_refuses_the_whole_completion(app: App, admin: Principal) -> None:
    issue = in_progress_issue(app, admin)
    before = snapshot(app, issue.id)
    with pytest.raises(InvalidError) as err:
        issues.complete(
            uow_of(app, admin),
            admin,
            issue.id,
            files=app.files,
            notes="Done",
            costs=None,
            invoice=INVOICE,
            documents=[Upload("empty.pdf", "application/pdf", b"")],
        )
    assert err.value.field == "file"
    assert snapshot(app, issue.id) == before


def _occupiers_issue(app: App, admin: Principal) -> tuple[int, Principal]:
    unit = make_unit(app, admin)
    occupier = living_occupier(app, admin, unit)
    me = as_occupier(occupier)
    issue = issues.report(uow_of(app, me), me, title="Boiler", unit_id=unit.id)
    contractor = make_contractor(app, admin)
    issues.instruct(
        uow_of(app, admin),
        admin,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor.id,
        paying=PayingForWork.LANDLORD,
    )
    when = datetime.now(UTC) + timedelta(days=1)
    issues.set_appointment(uow_of(app, admin), admin, issue.id, when)
    return issue.id, me


def test_c_08_feedback_on_completion_awaits_feedback_and_invites_the_occupier(
    app: App, admin: Principal
) -> None:
    agencies.update_settings(uow_of(app, admin), {"feedback_enabled": True})
    issue_id, occupier = _occupiers_issue(app, admin)
    done = issues.complete(
        uow_of(app, admin), admin, issue_id, files=app.files, notes="ok", costs=None, invoice=None
    )
    assert done.status is Status.AWAITING_FEEDBACK
    invitations = [
        r for r in snapshot(app, issue_id)["outbox"] if r[2] == "issue.feedback_requested"
    ]
    assert len(invitations) == 1
    assert invitations[0][5]["occupier_id"] == occupier.subject_id

    # another occupier of the agency cannot rate it
    other = as_occupier(living_occupier(app, admin, make_unit(app, admin)))
    with pytest.raises(NotFoundError):
        issues.leave_feedback(uow_of(app, other), other, issue_id, rating=1)
    issues.leave_feedback(uow_of(app, occupier), occupier, issue_id, rating=5, comment="Quick")
    rated = issues.get(uow_of(app, admin), admin, issue_id)
    assert (rated.status, rated.feedback_rating, rated.feedback_comment) == (
        Status.AWAITING_FEEDBACK,
        5,
        "Quick",
    )
    closed = issues.close(uow_of(app, admin), admin, issue_id, reason="rated")
    assert closed.status is Status.CLOSED


def test_c_08_agents_may_close_while_still_awaiting_feedback(app: App, admin: Principal) -> None:
    agencies.update_settings(uow_of(app, admin), {"feedback_enabled": True})
    issue_id, _ = _occupiers_issue(app, admin)
    issues.complete(
        uow_of(app, admin), admin, issue_id, files=app.files, notes="", costs=None, invoice=None
    )
    assert issues.close(uow_of(app, admin), admin, issue_id).status is Status.CLOSED


def test_c_08_feedback_off_completes_then_closes(app: App, admin: Principal) -> None:
    issue_id, occupier = _occupiers_issue(app, admin)
    done = issues.complete(
        uow_of(app, admin), admin, issue_id, files=app.files, notes="ok", costs=None, invoice=None
    )
    assert done.status is Status.COMPLETED
    assert "issue.feedback_requested" not in event_types(app, issue_id)
    with pytest.raises(ConflictError, match="Cannot leave feedback"):
        issues.leave_feedback(uow_of(app, occupier), occupier, issue_id, rating=4)
    closed = issues.close(uow_of(app, admin), admin, issue_id, reason="all good")
    assert (closed.status, closed.close_reason) == (Status.CLOSED, "all good")
    assert event_types(app, issue_id)[-1] == "issue.closed"
