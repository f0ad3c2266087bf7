"""PW-07 in the console: the upload page, a file with bad rows, the problems listed by row and
column with a CSV download, and the agent's choice of all-or-nothing or good rows only."""

from __future__ import annotations

import base64
import re

import sqlalchemy as sa
from starlette.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.store.tables import contractors
from tests.integration.console_login import console_as_admin

FILE = "company,email,trades\nBay Plumbing,jobs@bay.example,Plumbing\nNo Mail Ltd,,Roofing\n"


def _contractors(app: App, agency_id: int) -> int:
    with app.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(contractors.c.agency_id == agency_id)
        return int(conn.execute(query.select_from(contractors)).scalar_one())


def test_pw_07_the_console_uploads_contractors_and_lists_each_bad_row(
    app: App, agency_id: int
) -> None:
    with console_as_admin(app, agency_id) as console:
        assert "Upload contractors from a CSV file" in console.get("/contractors").text
        form = console.get("/people/import?kind=contractor").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        files = {"file": ("providers.csv", FILE.encode(), "text/csv")}
        fields = {"csrf_token": token.group(1), "kind": "contractor"}
        strict = console.post(
            "/people/import", data={**fields, "mode": "all_or_nothing"}, files=files
        )
        assert strict.status_code == 200
        assert "Nothing was added." in strict.text
        assert '<td data-label="Row">3</td><td data-label="Column">email</td>' in strict.text
        link = re.search(r'href="data:text/csv;base64,([^"]+)"', strict.text)
        assert link is not None
        assert base64.b64decode(link.group(1)).decode().splitlines()[1] == "3,email,,is required"
        assert _contractors(app, agency_id) == 0
        lenient = console.post("/people/import", data={**fields, "mode": "valid_rows"}, files=files)
        assert "1 added" in lenient.text
        assert _contractors(app, agency_id) == 1


def _upload(console: TestClient, body: str, mode: str) -> str:
    form = console.get("/people/import?kind=contractor").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    page = console.post(
        "/people/import",
        data={"csrf_token": token.group(1), "kind": "contractor", "mode": mode},
        files={"file": ("providers.csv", body.encode(), "text/csv")},
    )
    assert page.status_code == 200
    return str(page.text)


def test_pw_07_a_file_of_many_bad_rows_lists_the_first_200_and_downloads_them_all(
    app: App, agency_id: int
) -> None:
    body = "company,email\n" + "".join(f"Firm {n},not-an-email-{n}\n" for n in range(250))
    with console_as_admin(app, agency_id) as console:
        page = _upload(console, body, "all_or_nothing")
    assert "250 rows read; 0 added; 250 problems." in page
    shown = re.findall(r'<td data-label="Row">(\d+)</td>', page)
    assert shown == [str(n) for n in range(2, 202)]
    assert "and 50 more: download the full list" in page
    link = re.search(r'href="data:text/csv;base64,([^"]+)"', page)
    assert link is not None
    listed = base64.b64decode(link.group(1)).decode().splitlines()[1:]
    assert [line.split(",")[0] for line in listed] == [str(n) for n in range(2, 252)]


def test_pw_07_a_control_character_is_a_row_problem_and_never_reaches_the_page(
    app: App, agency_id: int
) -> None:
    body = "company,email\nBay Plumbing,jobs@bay.example\nRing\x07Ltd,ring@example.com\n"
    with console_as_admin(app, agency_id) as console:
        page = _upload(console, body, "valid_rows")
    assert "2 rows read; 1 added; 1 problem." in page
    assert '<td data-label="Row">3</td><td data-label="Column">company</td>' in page
    assert "contains a control character" in page
    assert "\x07" not in page
    assert _contractors(app, agency_id) == 1
