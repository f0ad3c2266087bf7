"""PW-07: owners and service providers uploaded as CSV through the API, every row checked, a
per-row report naming row, column and reason (downloadable as CSV, its cells safe from
spreadsheet formulas), all-or-nothing or valid-rows-only as the agent chooses."""

from __future__ import annotations

import csv
import io

from tests.integration.api.conftest import Client

HEADER = "first_name,surname,company,email,phone\n"
GOOD = (
    "Ana,Diaz,,ana.diaz@example.com,(415) 555-0101\nBen,Okafor,Okafor Homes,ben@okafor.example,\n"
)
BAD = (
    ",,,nobody@example.com,\n"  # line 4: no name nor company
    'Cy,Lee,,=HYPERLINK("http://x"),\n'  # line 5: not an email (a formula)
    "Di,Ng,,di@example.com,not a phone\n"  # line 6: not a phone
    "Ed,Ray,,ANA.DIAZ@example.com,\n"  # line 7: the same email as row 2
    "Fay,Ito,,existing@example.com,\n"  # line 8: a landlord with it exists
)


def _upload(staff: Client, body: str, mode: str, path: str = "/landlords/import", **params: str):  # type: ignore[no-untyped-def]
    files = {"file": ("owners.csv", body.encode(), "text/csv")}
    return staff.request("POST", path, files=files, data={"mode": mode}, params=params)


def _landlords(staff: Client) -> set[str]:
    return {p["email"] for p in staff.ok("GET", "/landlords", params={"limit": 500})["items"]}


def test_pw_07_bad_rows_are_reported_by_row_column_and_reason_and_all_or_nothing_writes_none(
    staff: Client,
) -> None:
    staff.ok("POST", "/landlords", 201, json={"surname": "Before", "email": "existing@example.com"})
    answer = _upload(staff, HEADER + GOOD + BAD, "all_or_nothing")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["rows"], report["created"], report["written"]) == (7, 0, False)
    found = {(e["row"], e["column"], e["reason"]) for e in report["errors"]}
    assert found == {
        (4, "surname", "give a name or a company"),
        (5, "email", "is not an email address"),
        (6, "phone", "is not a phone number"),
        (7, "email", "the same email as row 2"),
        (8, "email", "a landlord with it exists already"),
    }
    assert _landlords(staff) == {"existing@example.com"}  # nothing written


def test_pw_07_valid_rows_only_writes_the_good_ones_and_the_report_downloads_safely(
    staff: Client,
) -> None:
    report = _upload(staff, HEADER + GOOD + BAD, "valid_rows").json()
    assert report["created"] == 3  # lines 2, 3 and 8 (no landlord has its email here)
    assert "ana.diaz@example.com" in _landlords(staff)
    assert "di@example.com" not in _landlords(staff)
    download = _upload(staff, HEADER + BAD, "all_or_nothing", format="csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    formula = next(r for r in rows if r["reason"] == "is not an email address")
    assert formula["value"] == '\'=HYPERLINK("http://x")'  # shown as text, never run


def test_pw_07_service_providers_with_their_trades_and_a_missing_column(staff: Client) -> None:
    body = (
        "company,email,phone,trades\nBay Plumbing,jobs@bay.example,(510) 555-0100,Plumbing;HVAC\n"
    )
    report = _upload(staff, body, "valid_rows", "/contractors/import").json()
    assert report["created"] == 1
    (made,) = staff.ok("GET", "/contractors")["items"]
    assert made["trades"] == ["Plumbing", "HVAC"]
    refused = _upload(staff, "company,phone\nX,\n", "valid_rows", "/contractors/import").json()
    assert refused["errors"] == [
        {"row": 1, "column": "email", "reason": "required column is missing"}
    ]
    assert refused["created"] == 0
