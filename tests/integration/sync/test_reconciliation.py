"""PW-09 reconciliation with Propertyware's own connector: its profile's `Reconciliation`
declaration makes the engine compare Propertyware's complete list of units (the one list that
carries units) with our active units, through the Propertyware simulator over real HTTP, on
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import time
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.cli import cli
from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.connectors.propertyware.connector import PropertywareConnector
from repairlink.connectors.propertyware.profile import PROFILE
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.errors import InvalidError
from repairlink.inbound.reconcile import Reconciler
from repairlink.jobs import schedules
from repairlink.jobs.reconcile_run import run_reconciliation
from repairlink.jobs.sync_run import connect
from repairlink.jobs.worker import RECONCILE, jobs_app
from repairlink.pms.profile import Reconciliation
from repairlink.pms.retry import RetryPolicy
from repairlink.pms.streams import RawPage
from repairlink.services import agencies as agencies_service
from repairlink.services import history, unit_reads, units
from repairlink.simulators.alto.server import RunningAlto
from repairlink.simulators.propertyware import RunningPropertyware
from repairlink.store.sync_tables import connections, reconciliation_runs
from repairlink.store.tables import agencies, audit_log, outbox
from repairlink.store.tables import units as units_table
from repairlink.web.routes.reports import CSV_COLUMNS
from tests.integration.api.conftest import login_client
from tests.integration.console_login import console_as_admin
from tests.integration.pw import SYSTEM, connect_pw, dropped_one, pull, pw_settings, run_pw
from tests.integration.sync.conftest import held as held_in
from tests.integration.sync.conftest import row, settings_for

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what we ship with
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

NO_WAIT = RetryPolicy(sleep=lambda _seconds: None)
(PW_09,) = PROFILE.of(Reconciliation)


@pytest.fixture
def connected(app: App, agency_id: int, pw: RunningPropertyware) -> int:
    return connect_pw(app, agency_id, pw)


def held(app: App, agency_id: int, kind: str) -> dict[str, int]:
    return held_in(app, agency_id, kind, SYSTEM)


def sync(app: App, agency_id: int, *, full: bool = False) -> Any:
    return run_pw(app, agency_id, full=full)


def listed_units(sim: RunningPropertyware) -> list[dict[str, Any]]:
    return pull(sim, "/units", includeDeactivated="true")


def reconcile(app: App, agency_id: int, **kwargs: Any) -> Any:
    return run_reconciliation(app, agency_id, SYSTEM, retry=NO_WAIT, **kwargs)


def active(app: App, unit_ids: list[int]) -> dict[int, bool]:
    return {i: row(app, units_table, i)["active"] for i in unit_ids}


def run_row(app: App, run_id: int) -> dict[str, Any]:
    return row(app, reconciliation_runs, run_id)


def test_pw_09_a_unit_the_pms_no_longer_lists_is_deactivated_and_logged_on_it(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    ours, gone_ext = dropped_one(app, connected, pw)
    gone = ours[gone_ext]

    report = reconcile(app, connected)

    assert (report.status, report.rule, report.deactivated) == ("succeeded", "PW-09", [gone])
    assert report.held == len(ours)
    assert report.listed >= len(ours) - 1  # the PMS also lists what the filters never let in
    unit = row(app, units_table, gone)
    assert (unit["active"], unit["deactivated_by"]) == (False, "reconciliation")
    # every unit still listed stays active
    stay = [i for ext, i in ours.items() if ext != gone_ext]
    assert all(active(app, stay).values())
    # C-13: on the unit's own trail, by the reconciliation, with the field's before and after
    newest = history.history(app.uow(Actor.system(), connected), "unit", gone)[-1]
    assert (newest.actor_kind, newest.actor_id) == ("reconciliation", report.run_id)
    assert newest.changes["active"] == [True, False]
    assert "PW-09" in newest.actor_label
    with app.engine.connect() as conn:
        announced = conn.execute(
            sa.select(outbox.c.event_type).where(
                outbox.c.agency_id == connected, outbox.c.aggregate_id == gone
            )
        ).scalars()
        assert "unit.deactivated" in list(announced)
    # the run's report, and the reports page's list
    saved = run_row(app, report.run_id)
    assert (saved["status"], saved["listed"], saved["held"], saved["deactivated"]) == (
        "succeeded",
        report.listed,
        len(ours),
        1,
    )
    since = datetime.now(UTC) - timedelta(days=1)
    listed = unit_reads.deactivated_by_reconciliation(
        app.uow(Actor.system(), connected), since=since
    )
    assert [u.id for u in listed] == [gone]
    # the snapshot: every unit the PMS listed, not the one it no longer lists
    snapshot = unit_reads.snapshot_units(app.uow(Actor.system(), connected))
    assert [u.id for u in snapshot] == sorted(stay)
    # a second run finds nothing more to do
    again = reconcile(app, connected)
    assert (again.status, again.deactivated, again.held) == ("succeeded", [], len(ours) - 1)


def test_pw_09_a_unit_a_person_deactivated_is_never_reactivated_by_reconciliation_or_sync(
    app: App, connected: int, pw: RunningPropertyware, uow: Any
) -> None:
    sync(app, connected, full=True)
    ours = sorted(held(app, connected, "unit").items())
    (_, listed_id), (gone_ext, gone_id) = ours[0], ours[1]
    units.deactivate_unit(uow(), listed_id)  # still in the PMS
    units.deactivate_unit(uow(), gone_id)  # and this one leaves the PMS too
    pw.admin("DELETE", f"units/{gone_ext}")

    report = reconcile(app, connected)
    sync(app, connected, full=True)

    assert (report.status, report.deactivated) == ("succeeded", [])
    assert report.held == len(ours) - 2  # the person's decisions are not ours to compare
    for unit_id in (listed_id, gone_id):
        unit = row(app, units_table, unit_id)
        assert (unit["active"], unit["deactivated_by"]) == (False, "user")
        trail = history.history(app.uow(Actor.system(), connected), "unit", unit_id)
        assert {c.actor_kind for c in trail} == {"sync_run", "user"}
    # the person's deactivated unit the PMS still lists is in the snapshot, still inactive
    snapshot = unit_reads.snapshot_units(app.uow(Actor.system(), connected))
    assert listed_id in {u.id for u in snapshot}
    assert gone_id not in {u.id for u in snapshot}


def test_pw_09_a_merged_unit_stays_while_any_of_its_references_is_listed(
    app: App, connected: int, pw: RunningPropertyware, uow: Any
) -> None:
    sync(app, connected, full=True)
    (first_ext, survivor), (_, duplicate) = sorted(held(app, connected, "unit").items())[:2]
    units.merge_units(uow(), survivor_id=duplicate, duplicate_id=survivor)  # H-06: refs move
    pw.admin("DELETE", f"units/{first_ext}")  # one of the survivor's two references

    report = reconcile(app, connected)

    assert (report.status, report.deactivated) == ("succeeded", [])
    assert row(app, units_table, duplicate)["active"] is True


def test_pw_09_an_empty_pms_list_deactivates_nothing_and_keeps_the_last_snapshot(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    sync(app, connected, full=True)
    ours = held(app, connected, "unit")
    first = reconcile(app, connected)
    assert (first.status, first.deactivated) == ("succeeded", [])
    for item in listed_units(pw):  # the PMS now answers an empty list
        pw.admin("DELETE", f"units/{item['id']}")

    report = reconcile(app, connected)

    assert (report.status, report.listed, report.held, report.deactivated) == (
        "refused",
        0,
        len(ours),
        [],
    )
    assert "listed no units" in (report.error or "")
    assert all(active(app, list(ours.values())).values())
    saved = run_row(app, report.run_id)
    assert (saved["status"], saved["deactivated"]) == ("refused", 0)
    assert saved["error"] == report.error
    snapshot = unit_reads.snapshot_units(app.uow(Actor.system(), connected))
    assert [u.id for u in snapshot] == sorted(ours.values())  # the last good one still


def test_pw_09_a_list_that_cannot_be_read_whole_deactivates_nothing(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    connect(app, connected, SYSTEM, pw_settings(pw, page_size=10))
    ours, _ = dropped_one(app, connected, pw)
    # strikes after a few pages of the property list (the one list read: it carries units)
    pw.admin("PUT", "faults", {"rate_5xx": 0.3, "seed": 11})

    report = run_reconciliation(
        app, connected, SYSTEM, retry=RetryPolicy(attempts=1, sleep=lambda _s: None)
    )

    assert (report.status, report.deactivated) == ("failed", [])
    assert "not read whole" in (report.error or "")
    assert all(active(app, list(ours.values())).values())
    assert run_row(app, report.run_id)["status"] == "failed"
    assert unit_reads.snapshot_units(app.uow(Actor.system(), connected)) == []


def test_pw_09_a_unit_changed_in_the_pms_while_the_list_is_read_is_still_listed(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    settings = pw_settings(pw, page_size=10)
    connect(app, connected, SYSTEM, settings)
    sync(app, connected, full=True)
    ours = held(app, connected, "unit")

    class EditedWhileRead(PropertywareConnector):
        """After the first page of units, a unit not served yet is edited in Propertyware: a list
        ordered by modified time moves it to its end, past a window that closed when the read
        began."""

        edited: str | None = None

        def fetch(self, stream: str, **window: Any) -> RawPage:
            body = super().fetch(stream, **window)
            if stream == "units" and self.edited is None:
                served = {r.external_id for r in self.parse(stream, body).records}
                self.edited = max(set(ours) - served)
                pw.admin("PATCH", f"units/{self.edited}", {"address": "9 Moved Street"})
            return body

    connector = EditedWhileRead(PropertywareConfig.model_validate(settings))
    with app.engine.connect() as conn:
        connection_id = conn.execute(
            sa.select(connections.c.id).where(connections.c.agency_id == connected)
        ).scalar_one()
    reconciler = Reconciler(
        lambda actor: app.uow(actor, connected),
        connector,
        PW_09,
        connection_id=connection_id,
        retry=NO_WAIT,
    )
    try:
        report = reconciler.run()
    finally:
        connector.close()

    assert connector.edited is not None
    assert (report.status, report.deactivated) == ("succeeded", [])
    assert row(app, units_table, ours[connector.edited])["active"] is True


def test_pw_09_a_dry_run_says_what_it_would_deactivate_and_writes_nothing(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    ours, gone_ext = dropped_one(app, connected, pw)

    report = reconcile(app, connected, dry_run=True)

    assert (report.run_id, report.status, report.deactivated) == (
        None,
        "succeeded",
        [ours[gone_ext]],
    )
    assert row(app, units_table, ours[gone_ext])["active"] is True
    with app.engine.connect() as conn:
        runs = conn.execute(
            sa.select(sa.func.count())
            .select_from(reconciliation_runs)
            .where(reconciliation_runs.c.agency_id == connected)
        ).scalar_one()
        audited = conn.execute(
            sa.select(sa.func.count())
            .select_from(audit_log)
            .where(audit_log.c.agency_id == connected, audit_log.c.actor_kind == "reconciliation")
        ).scalar_one()
    assert (runs, audited) == (0, 0)


def test_pw_09_a_connector_whose_profile_declares_no_reconciliation_says_so(
    app: App, agency_id: int, alto: RunningAlto
) -> None:
    connect(app, agency_id, "alto", settings_for(alto))
    with pytest.raises(InvalidError) as refused:  # Alto's profile: AL-01..AL-13, none
        run_reconciliation(app, agency_id, "alto", retry=NO_WAIT)
    assert refused.value.code == "reconciliation.not_declared"


def test_pw_09_repairlink_reconcile_on_the_command_line(
    app: App, connected: int, pw: RunningPropertyware, monkeypatch: Any
) -> None:
    monkeypatch.setenv("REPAIRLINK_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("REPAIRLINK_FILES_DIR", str(app.settings.files_dir))
    with app.engine.connect() as conn:
        slug = conn.execute(
            sa.select(agencies.c.slug).where(agencies.c.id == connected)
        ).scalar_one()
    ours, gone_ext = dropped_one(app, connected, pw)
    command = ["reconcile", "--agency", slug, "--connector", SYSTEM]
    runner = CliRunner()

    preview = runner.invoke(cli, [*command, "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert f"would deactivate 1 (ids {ours[gone_ext]})" in preview.stdout
    assert row(app, units_table, ours[gone_ext])["active"] is True

    done = runner.invoke(cli, command)
    assert done.exit_code == 0, done.output
    assert "(PW-09, succeeded)" in done.stdout
    assert f"deactivated 1 (ids {ours[gone_ext]})" in done.stdout
    assert row(app, units_table, ours[gone_ext])["active"] is False

    for item in listed_units(pw):
        pw.admin("DELETE", f"units/{item['id']}")
    refused = runner.invoke(cli, command)
    assert refused.exit_code == 1
    assert "listed no units" in refused.stderr


def _finished(app: App, agency_id: int) -> dict[str, Any]:
    """The agency's latest reconciliation, once it has finished (it runs in the background)."""
    r = reconciliation_runs.c
    deadline = time.monotonic() + 60
    while True:
        with app.engine.connect() as conn:
            found = (
                conn.execute(
                    sa.select(reconciliation_runs)
                    .where(r.agency_id == agency_id)
                    .order_by(r.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        if found is not None and found["status"] != "running":
            return dict(found)
        assert time.monotonic() < deadline, "the reconciliation did not finish"
        time.sleep(0.05)


def test_pw_09_the_reconciliation_fires_once_at_its_time_and_the_runner_starts_it(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    ours, gone_ext = dropped_one(app, connected, pw)
    c = connections.c
    with app.engine.begin() as conn:
        conn.execute(
            sa.update(connections)
            .where(c.agency_id == connected)
            .values(created_at=datetime(2026, 11, 1, tzinfo=UTC))
        )
    syncs: list[schedules.Due] = []
    reconciliations: list[schedules.DueReconciliation] = []

    def reconcile_mine(due: schedules.DueReconciliation) -> None:
        if due.agency_id == connected:  # other tests' agencies share the database
            reconciliations.append(due)
            schedules.reconcile_here(app, due)  # what the embedded runner does by default

    morning = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    schedules.fire_due(app, syncs.append, morning, reconcile=reconcile_mine)

    (due,) = reconciliations
    assert (due.reconciliation, due.system) == (PW_09, SYSTEM)
    assert due.fire_at == datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # 03:00 in Los Angeles
    assert {d.schedule.rule for d in syncs if d.agency_id == connected} == {
        "PW-02",
        "PW-03",
        "PW-05",
    }
    finished = _finished(app, connected)
    assert (finished["status"], finished["rule"], finished["deactivated"]) == (
        "succeeded",
        "PW-09",
        1,
    )
    assert row(app, units_table, ours[gone_ext])["active"] is False

    def mine(found: list[Any]) -> list[Any]:
        return [
            d
            for d in found
            if d.agency_id == connected and isinstance(d, schedules.DueReconciliation)
        ]

    assert mine(schedules.claim_due(app, morning)) == []  # a second runner: already fired
    assert mine(schedules.claim_due(app, datetime(2026, 12, 26, 23, tzinfo=UTC))) == []
    (december,) = mine(schedules.claim_due(app, datetime(2026, 12, 27, 12, tzinfo=UTC)))
    assert december.fire_at == datetime(2026, 12, 27, 11, 0, tzinfo=UTC)


def test_pw_09_the_reports_page_lists_the_deactivated_and_exports_the_snapshot_as_csv(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    with console_as_admin(app, connected) as console:
        before = console.get("/reports/snapshot.csv")
        assert before.headers["content-type"].startswith("text/csv")
        assert before.text.splitlines() == [",".join(CSV_COLUMNS)]  # no snapshot yet
        ours, gone_ext = dropped_one(app, connected, pw)
        report = reconcile(app, connected)

        exported = list(csv.DictReader(io.StringIO(console.get("/reports/snapshot.csv").text)))
        stay = sorted(i for ext, i in ours.items() if ext != gone_ext)
        assert [int(r["id"]) for r in exported] == stay
        assert {r["active"] for r in exported} == {"True"}
        assert all(r["line1"] and r["postcode"] for r in exported)
        page = console.get("/reports").text
        assert f'href="/properties/{ours[gone_ext]}"' in page
        assert "No unit was deactivated by reconciliation" not in page
        record = console.get(f"/properties/{ours[gone_ext]}").text
        assert "Reconciliation" in record  # the unit's timeline names who deactivated it
    assert report.deactivated == [ours[gone_ext]]


def test_pw_09_reconcile_now_through_the_api(
    app: App, connected: int, pw: RunningPropertyware
) -> None:
    ours, _ = dropped_one(app, connected, pw)
    with TestClient(create_app(app)) as http:
        agent = login_client(app, http, connected, Role.AGENT)
        assert agent.post("/connections/propertyware/reconciliations", json={}).status_code == 403
        admin = login_client(app, http, connected)
        started = admin.ok("POST", "/connections/propertyware/reconciliations", 202, json={})
        run_id = started["reconciliation_id"]
        assert started["href"] == f"/api/v1/reconciliations/{run_id}"
        _finished(app, connected)
        report = admin.ok("GET", f"/reconciliations/{run_id}")
        assert (report["system"], report["rule"], report["kind"]) == (SYSTEM, "PW-09", "unit")
        assert (report["status"], report["held"], report["deactivated"]) == (
            "succeeded",
            len(ours),
            1,
        )
        assert admin.ok("GET", "/reconciliations")["items"][0]["id"] == run_id
        assert admin.get("/reconciliations/999999").status_code == 404
    assert row(app, units_table, ours[min(ours)])["active"] is False


@pytest.mark.postgres
def test_pw_09_procrastinate_workers_have_a_reconcile_task_that_runs_it(
    apps: dict[str, App], pw: RunningPropertyware
) -> None:
    """The scale-out runner defers scheduled reconciliations as `repairlink.reconcile` jobs
    (with the sync's lock); the task itself runs one to the end."""
    app = apps["postgresql"]
    agency_id = agencies_service.create_agency(
        app.uow(Actor.system()), name="Workers", slug=f"workers-{time.monotonic_ns()}"
    ).id
    connect_pw(app, agency_id, pw)
    ours, _ = dropped_one(app, agency_id, pw)
    task = jobs_app(app).tasks[RECONCILE]
    assert task.queue == "syncs"

    run_id = task(agency_id=agency_id, system=SYSTEM, kind="unit")

    saved = run_row(app, run_id)
    assert (saved["status"], saved["deactivated"]) == ("succeeded", 1)
    assert row(app, units_table, ours[min(ours)])["active"] is False
