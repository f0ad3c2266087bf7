"""An issue's whole life through the API (C-03..C-09): report, quotes, award, appointment,
completion with an invoice upload, feedback, close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.agency import Role
from repairlink.domain.values import MAX_PENCE
from tests.integration.api.conftest import (
    Client,
    client_for,
    instruct,
    make_contractor,
    make_occupier,
    make_unit,
    report,
)

INVOICE = b"%PDF-1.4\n% invoice 1042: new washer, labour\n"
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).isoformat()


def _status(client: Client, issue_id: int) -> str:
    status: str = client.ok("GET", f"/issues/{issue_id}")["status"]
    return status


def test_c_03_full_lifecycle_from_report_to_close_with_an_invoice_download(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    """C-03, C-05, C-06, C-07, C-08: every step through the API, statuses as the rule says."""
    unit = make_unit(staff)
    chosen, other = make_contractor(staff), make_contractor(staff)
    issue = report(staff, unit, description="Kitchen tap drips")
    assert (issue["status"], issue["status_label"]) == ("reported", "Reported")
    assert issue["reference"] == f"IS{issue['number']}"
    iid = issue["id"]

    quotes = staff.ok(
        "POST", f"/issues/{iid}/quotes", 201, json={"contractor_ids": [chosen["id"], other["id"]]}
    )
    assert {q["status"] for q in quotes} == {"requested"}
    assert _status(staff, iid) == "quotes_requested"

    contractor = client_for(app, http, agency_id, Role.CONTRACTOR, chosen["id"])
    quote = contractor.ok(
        "POST", f"/issues/{iid}/quotes/submit", json={"net": 10000, "vat": 2000, "notes": "Washer"}
    )
    assert (quote["status"], quote["gross"]) == ("submitted", 12000)
    assert [q["id"] for q in contractor.ok("GET", f"/issues/{iid}/quotes")["items"]] == [
        quote["id"]
    ]

    awarded = staff.ok(
        "POST",
        f"/issues/{iid}/quotes/award",
        json={"quote_id": quote["id"], "paying_for_work": "landlord"},
    )
    assert (awarded["status"], awarded["contractor_id"]) == ("job_instructed", chosen["id"])
    assert awarded["paying_for_work"] == "landlord"
    statuses = {
        q["contractor_id"]: q["status"] for q in staff.ok("GET", f"/issues/{iid}/quotes")["items"]
    }
    assert statuses == {chosen["id"]: "awarded", other["id"]: "not_awarded"}

    booked = contractor.ok("POST", f"/issues/{iid}/appointment", json={"appointment_at": TOMORROW})
    assert booked["status"] == "awaiting_completion"
    assert booked["appointment_at"] is not None

    done = contractor.ok(
        "POST",
        f"/issues/{iid}/complete",
        data={"notes": "Replaced the washer", "net": "10000", "vat": "2000", "gross": "12000"},
        files=[
            ("invoice", ("invoice-1042.pdf", INVOICE, "application/pdf")),
            ("documents", ("after.jpg", b"\xff\xd8 photo", "image/jpeg")),
            ("documents", ("gas-safe.pdf", b"%PDF certificate", "application/pdf")),
        ],
    )
    assert (done["status"], done["cost_gross"]) == ("completed", 12000)
    assert done["completion_notes"] == "Replaced the washer"

    documents = staff.ok("GET", f"/issues/{iid}/documents")["items"]
    assert [(d["kind"], d["filename"]) for d in documents] == [
        ("invoice", "invoice-1042.pdf"),
        ("completion", "after.jpg"),
        ("completion", "gas-safe.pdf"),
    ]
    download = staff.get(f"/issues/{iid}/documents/{documents[0]['id']}")
    assert download.status_code == 200
    assert download.content == INVOICE
    assert download.headers["content-type"] == "application/pdf"
    assert "invoice-1042.pdf" in download.headers["content-disposition"]
    assert contractor.get(f"/issues/{iid}/documents/{documents[0]['id']}").content == INVOICE

    closed = staff.ok("POST", f"/issues/{iid}/close", json={"reason": "Paid"})
    assert (closed["status"], closed["status_label"]) == ("closed", "Closed")
    trail = [e["changes"].get("status") for e in staff.ok("GET", f"/audit/issue/{iid}")["items"]]
    assert [s[1] for s in trail if s] == [
        "reported",
        "quotes_requested",
        "job_instructed",
        "awaiting_completion",
        "completed",
        "closed",
    ]


def test_c_08_with_feedback_on_completion_awaits_the_occupiers_rating(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    staff.ok("PATCH", "/agency", json={"feedback_enabled": True})
    unit = make_unit(staff)
    tenant = make_occupier(staff, unit)
    occupier = client_for(app, http, agency_id, Role.OCCUPIER, tenant["id"])
    issue = occupier.ok("POST", "/issues", 201, json={"title": "Boiler", "unit_id": unit["id"]})
    instruct(staff, issue, make_contractor(staff))
    staff.ok("POST", f"/issues/{issue['id']}/appointment", json={"appointment_at": TOMORROW})
    done = staff.ok("POST", f"/issues/{issue['id']}/complete", data={"notes": "Fixed"})
    assert done["status"] == "awaiting_feedback"

    rated = occupier.ok("POST", f"/issues/{issue['id']}/feedback", json={"rating": 4})
    assert rated["feedback_rating"] == 4
    out_of_range = occupier.post(f"/issues/{issue['id']}/feedback", json={"rating": 9})
    assert (out_of_range.status_code, out_of_range.json()["field"]) == (422, "rating")
    assert staff.ok("POST", f"/issues/{issue['id']}/close")["status"] == "closed"


def test_c_07_costs_and_invoice_required_by_the_agency_are_enforced(staff: Client) -> None:
    staff.ok(
        "PATCH", "/agency", json={"costs_option": "provide_costs", "invoice_option": "required"}
    )
    issue = instruct(staff, report(staff, make_unit(staff)), make_contractor(staff))
    staff.ok("POST", f"/issues/{issue['id']}/appointment", json={"appointment_at": TOMORROW})

    no_costs = staff.post(f"/issues/{issue['id']}/complete", data={"notes": "Done"})
    assert (no_costs.status_code, no_costs.json()["rule"]) == (422, "C-07")
    assert no_costs.json()["field"] == "costs"
    costs = {"notes": "Done", "net": "5000", "vat": "1000"}
    no_invoice = staff.post(f"/issues/{issue['id']}/complete", data=costs)
    assert no_invoice.json()["field"] == "invoice"
    bad_sum = staff.post(
        f"/issues/{issue['id']}/complete",
        data={**costs, "gross": "9999"},
        files={"invoice": ("i.pdf", INVOICE, "application/pdf")},
    )
    assert (bad_sum.status_code, bad_sum.json()["field"]) == (422, "costs.gross")
    assert _status(staff, issue["id"]) == "awaiting_completion"
    assert staff.ok("GET", f"/issues/{issue['id']}/documents")["items"] == []

    done = staff.ok(
        "POST",
        f"/issues/{issue['id']}/complete",
        data=costs,
        files={"invoice": ("i.pdf", INVOICE, "application/pdf")},
    )
    assert (done["status"], done["cost_gross"]) == ("completed", 6000)


def test_c_09_a_comment_to_all_occupiers_reaches_only_active_ones(staff: Client) -> None:
    unit = make_unit(staff)
    living, locked = make_occupier(staff, unit), make_occupier(staff, unit)
    staff.ok("POST", f"/occupiers/{locked['id']}/lock")
    issue = report(staff, unit)
    comment = staff.ok(
        "POST",
        f"/issues/{issue['id']}/comments",
        201,
        json={"body": "Water off at 10am", "to_all_occupiers": True},
    )
    assert comment["recipient_ids"] == [living["id"]]
    listed = staff.ok("GET", f"/issues/{issue['id']}/comments")["items"]
    assert [c["body"] for c in listed] == ["Water off at 10am"]


def test_c_03_cancel_and_forward_work_from_any_open_status_only(staff: Client) -> None:
    unit = make_unit(staff)
    cancelled = report(staff, unit)
    refused = staff.post(f"/issues/{cancelled['id']}/cancel", json={"reason": ""})
    assert (refused.status_code, refused.json()["field"]) == (422, "reason")
    done = staff.ok("POST", f"/issues/{cancelled['id']}/cancel", json={"reason": "Duplicate"})
    assert done["status"] == "cancelled"
    again = staff.post(f"/issues/{cancelled['id']}/forward")
    assert (again.status_code, again.json()["rule"]) == (409, "C-03")
    forwarded = instruct(staff, report(staff, unit), make_contractor(staff))
    assert staff.ok("POST", f"/issues/{forwarded['id']}/forward")["status"] == "forwarded_to_pm"


def test_c_11_only_uploaded_properties_refuses_free_typed_addresses(staff: Client) -> None:
    free = {"title": "Broken gate", "free_address": "9 Nowhere Lane"}
    assert staff.ok("POST", "/issues", 201, json=free)["free_address"] == "9 Nowhere Lane"
    staff.ok("PATCH", "/agency", json={"only_display_uploaded_properties": True})
    refused = staff.post("/issues", json=free)
    assert (refused.status_code, refused.json()["rule"]) == (422, "C-11")
    unit = make_unit(staff)
    staff.ok("POST", f"/units/{unit['id']}/deactivate")
    inactive = staff.post("/issues", json={"title": "Gate", "unit_id": unit["id"]})
    assert (inactive.status_code, inactive.json()["rule"]) == (422, "C-11")


def test_c_05_an_amount_beyond_the_maximum_is_refused_naming_the_field(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    """Amounts a 64-bit (SQLite) or 32-bit (PostgreSQL) column cannot hold are 422, not 500."""
    chosen = make_contractor(staff)
    iid = report(staff, make_unit(staff))["id"]
    staff.ok("POST", f"/issues/{iid}/quotes", 201, json={"contractor_ids": [chosen["id"]]})
    contractor = client_for(app, http, agency_id, Role.CONTRACTOR, chosen["id"])
    for net in (2**63 - 1, 2_500_000_000):
        too_much = contractor.post(f"/issues/{iid}/quotes/submit", json={"net": net, "vat": 10})
        assert (too_much.status_code, too_much.json()["field"]) == (422, "net")
        assert str(MAX_PENCE) in too_much.json()["detail"]
    both = contractor.post(
        f"/issues/{iid}/quotes/submit", json={"net": MAX_PENCE, "vat": MAX_PENCE}
    )
    assert (both.status_code, both.json()["field"]) == (422, "amount")
    assert [q["status"] for q in staff.ok("GET", f"/issues/{iid}/quotes")["items"]] == ["requested"]
    most = contractor.ok("POST", f"/issues/{iid}/quotes/submit", json={"net": MAX_PENCE})
    assert most["gross"] == MAX_PENCE

    instruct(staff, {"id": iid}, chosen)
    contractor.ok("POST", f"/issues/{iid}/appointment", json={"appointment_at": TOMORROW})
    refused = contractor.post(f"/issues/{iid}/complete", data={"net": str(10**30)})
    assert (refused.status_code, refused.json()["field"]) == (422, "net")
    assert _status(staff, iid) == "awaiting_completion"
