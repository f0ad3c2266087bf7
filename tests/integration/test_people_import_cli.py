"""PW-07 on the command line: `repairlink people import` with a progress bar; thousands of owners
in seconds (bench/import_owners.py times 10,000); a file with bad rows writes nothing
unless --valid-rows, and the per-row report is saved as CSV."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

from repairlink.bootstrap import App
from repairlink.cli import cli
from repairlink.store.tables import agencies, landlords

ROWS = 2_000  # bench/import_owners.py times 10,000


def _slug(app: App, agency_id: int) -> str:
    with app.engine.connect() as conn:
        return str(
            conn.execute(sa.select(agencies.c.slug).where(agencies.c.id == agency_id)).scalar_one()
        )


def _count(app: App, agency_id: int) -> int:
    with app.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(landlords.c.agency_id == agency_id)
        return int(conn.execute(query.select_from(landlords)).scalar_one())


def test_pw_07_owners_import_from_the_command_line_and_bad_rows_follow_the_mode(
    app: App, agency_id: int, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("REPAIRLINK_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("REPAIRLINK_FILES_DIR", str(app.settings.files_dir))
    slug, runner = _slug(app, agency_id), CliRunner()
    big = tmp_path / "owners.csv"
    lines = [f"Owner,{n},,owner{n}@example.com,(415) 555-{n % 10000:04d}" for n in range(ROWS)]
    big.write_text("first_name,surname,company,email,phone\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    done = runner.invoke(cli, ["people", "import", "-a", slug, "--kind", "landlord", str(big)])
    took = time.perf_counter() - started
    assert done.exit_code == 0, done.output
    assert f"created {ROWS} landlords" in done.stdout
    assert _count(app, agency_id) == ROWS
    assert took < 60

    bad = tmp_path / "bad.csv"
    bad.write_text("surname,email\nGood,good@example.com\nBad,not-an-email\n")
    report = tmp_path / "report.csv"
    command = ["people", "import", "-a", slug, "--kind", "landlord", str(bad)]
    refused = runner.invoke(cli, [*command, "--report", str(report)])
    assert refused.exit_code == 1
    assert "2 rows, 1 problem; created 0 landlords" in refused.stdout
    assert "row 3, email: is not an email address" in refused.stderr
    assert _count(app, agency_id) == ROWS  # all or nothing: nothing
    assert report.read_text().splitlines()[1] == "3,email,not-an-email,is not an email address"
    partly = runner.invoke(cli, [*command, "--valid-rows"])
    assert partly.exit_code == 0, partly.output
    assert "2 rows, 1 problem; created 1 landlord\n" in partly.stdout
    assert _count(app, agency_id) == ROWS + 1
