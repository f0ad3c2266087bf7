"""PW-07 in the console: the upload page, a file with bad rows, the problems listed by row and
column with a CSV download, and the agent's choice of all-or-nothing or good rows only."""

from __future__ import annotations

import base64
import re
import warnings

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.server import create_server
from repairlink.services import auth
from repairlink.store.tables import contractors

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what we ship with
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

FILE = "company,email,trades\nBay Plumbing,jobs@bay.example,Plumbing\nNo Mail Ltd,,Roofing\n"


def _contractors(app: App, agency_id: int) -> int:
    with app.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(contractors.c.agency_id == agency_id)
        return int(conn.execute(query.select_from(contractors)).scalar_one())


def test_pw_07_the_console_uploads_contractors_and_lists_each_bad_row(
    app: App, agency_id: int
) -> None:
    email, password = f"staff-{agency_id}@example.com", "correct horse battery"
    auth.create_user(
        app.uow(Actor.system(), agency_id),
        email=email,
        name="Staff",
        role=Role.ADMIN,
        password=password,
    )
    with TestClient(create_server(app)) as console:
        assert console.post("/login", data={"email": email, "password": password}).is_success
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
