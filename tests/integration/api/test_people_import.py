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


LIMITS_HEADER = "first_name,surname,company,email,address\n"
LIMITS = (
    "Ana,Diaz,,ana.diaz@example.com,\n"  # line 2: good
    f"{'A' * 256},Long,,long@example.com,\n"  # line 3: a name longer than its column
    "Ch\x00ar,Nul,,nul@example.com,\n"  # line 4: NUL, which PostgreSQL cannot store
    "Bel,Ri\x07ng,,bel@example.com,\n"  # line 5: another control character
    'Tab,Ok,Acme\tLtd,tab@example.com,"1 High St\nLeeds"\n'  # lines 6-7: as the API takes them
)


def test_pw_07_over_long_cells_and_control_characters_are_row_problems_on_both_databases(
    staff: Client,
) -> None:
    strict = _upload(staff, LIMITS_HEADER + LIMITS, "all_or_nothing")
    assert strict.status_code == 200, strict.text
    assert (strict.json()["created"], _landlords(staff)) == (0, set())
    answer = _upload(staff, LIMITS_HEADER + LIMITS, "valid_rows")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert {(e["row"], e["column"], e["reason"]) for e in report["errors"]} == {
        (3, "first_name", "is longer than 255 characters"),
        (4, "first_name", "contains a control character"),
        (5, "surname", "contains a control character"),
    }
    assert (report["rows"], report["created"]) == (5, 2)
    assert _landlords(staff) == {"ana.diaz@example.com", "tab@example.com"}
    (tab,) = staff.ok("GET", "/landlords", params={"q": "tab@example.com"})["items"]
    assert (tab["company"], tab["address"]) == ("Acme\tLtd", "1 High St\nLeeds")
    # the single-record API refuses the same name
    refused = staff.post("/landlords", json={"first_name": "A" * 256, "email": "a@example.com"})
    assert refused.status_code == 422


def test_pw_07_a_problem_names_the_line_its_record_starts_on_past_blank_and_multi_line_rows(
    staff: Client,
) -> None:
    body = (
        "first_name,surname,email,address\n"
        "Ana,Diaz,ana.diaz@example.com,\n"  # line 2
        "\n"  # line 3: blank
        'Ben,Okafor,ben@okafor.example,"Flat 1\n2 Low Rd\nYork"\n'  # lines 4-6
        "Cy,Lee,not-an-email,\n"  # line 7
        "\r\n"  # line 8: blank
        "Di,Ng,ANA.DIAZ@example.com,\n"  # line 9
    )
    report = _upload(staff, body, "valid_rows").json()
    assert {(e["row"], e["column"], e["reason"]) for e in report["errors"]} == {
        (7, "email", "is not an email address"),
        (9, "email", "the same email as row 2"),
    }
    assert (report["rows"], report["created"]) == (4, 2)


def test_pw_07_the_answer_lists_the_first_problems_with_their_count_and_the_csv_has_all(
    staff: Client,
) -> None:
    body = "surname,email\n" + "".join(f"Owner {n},not-an-email-{n}\n" for n in range(250))
    report = _upload(staff, body, "all_or_nothing").json()
    assert (report["rows"], report["error_count"], len(report["errors"])) == (250, 250, 200)
    assert report["errors"][0] == {"row": 2, "column": "email", "reason": "is not an email address"}
    download = _upload(staff, body, "all_or_nothing", format="csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["row"] for r in rows] == [str(n) for n in range(2, 252)]


def test_pw_07_a_cell_past_the_csv_size_limit_or_an_over_long_address_is_a_row_problem(
    staff: Client,
) -> None:
    body = (
        "surname,email,address\n"
        "Ana,ana@example.com,\n"
        f"Big,big@example.com,{'x' * 131_073}\n"  # line 3: past what csv reads in one cell
        f"Long,long@example.com,{'y' * 2001}\n"  # line 4: longer than the API takes
        "Cy,cy@example.com,\n"
    )
    report = _upload(staff, body, "valid_rows").json()
    assert {(e["row"], e["column"], e["reason"]) for e in report["errors"]} == {
        (3, "", "has a cell longer than 131,072 characters"),
        (4, "address", "is longer than 2000 characters"),
    }
    assert _landlords(staff) == {"ana@example.com", "cy@example.com"}
