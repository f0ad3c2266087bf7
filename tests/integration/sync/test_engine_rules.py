"""The sync engine's own rules through the Alto simulator over HTTP (S-04..S-08)."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound import reports
from repairlink.inbound.engine import SyncFailed
from repairlink.jobs import sync_run
from repairlink.jobs.sync_run import connect
from repairlink.pms.retry import RetryPolicy
from repairlink.services import agencies
from repairlink.simulators.alto.server import RunningAlto, running_alto
from repairlink.simulators.kit.faults import FaultSettings
from repairlink.store.db import writers_waiting
from repairlink.store.tables import audit_log, units
from tests.integration.sync.conftest import held, row, settings_for, snapshot, sync


def _count(app: App, table: sa.Table, agency_id: int) -> int:
    with app.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.agency_id == agency_id)
            ).scalar_one()
        )


def test_s_04_malformed_records_are_quarantined_with_a_reason_and_the_run_goes_on(
    app: App, connected: int, alto: RunningAlto
) -> None:
    alto.admin("PUT", "faults", {"rate_malformed": 0.2, "seed": 3})
    state = sync(app, connected, full=True)
    quarantined = reports.quarantined(app.uow(Actor.system(), connected), state.run_id, limit=500)
    assert quarantined.items
    assert all(q["reason"] for q in quarantined.items)
    assert all(q["payload"] for q in quarantined.items)
    total = sum(c.get("quarantined", 0) for c in state.counts.values())
    assert total == len(quarantined.items)
    assert held(app, connected, "unit")  # the good records still arrived
    report = reports.get_run(app.uow(Actor.system(), connected), state.run_id)
    assert report["status"] == "succeeded"


def test_s_05_429_is_retried_honouring_retry_after(
    app: App, connected: int, alto: RunningAlto
) -> None:
    alto.admin("PUT", "faults", {"retry_after": 2})
    alto.admin("POST", "faults/fail-next", {"count": 2, "kind": "429"})
    policy = RetryPolicy(sleep=lambda _s: None)
    state = sync(app, connected, full=True, policy=policy)
    assert policy.waits[:2] == [2.0, 2.0]
    assert (
        reports.get_run(app.uow(Actor.system(), connected), state.run_id)["status"] == "succeeded"
    )


def test_s_05_a_run_that_cannot_finish_fails_with_the_reason_and_resumes_from_its_checkpoint(
    app: App, connected: int, alto: RunningAlto
) -> None:
    connect(app, connected, "alto", settings_for(alto, page_size=10))  # many small pages
    # Every read of the fourth list (tenancies) fails: whichever request meets it first (the
    # lists are read at once), the writer meets the failure only after the three lists before
    # it are written, so the fault strikes after pages were committed, on every run.
    alto.admin("POST", "faults/fail-next", {"count": 10_000, "kind": "503", "path": "/tenancies"})
    with pytest.raises(SyncFailed) as failed:
        sync(app, connected, full=True, policy=RetryPolicy(attempts=1, sleep=lambda _s: None))
    assert "Alto answered 5" in str(failed.value)
    stopped = reports.list_runs(app.uow(Actor.system(), connected)).items[0]
    assert stopped["status"] == "failed"
    assert "Alto answered 5" in stopped["error"]
    assert stopped["checkpoint"], "the fault should strike after some pages were written"
    alto.admin("POST", "faults/fail-next", {"count": 0, "kind": "503"})
    resumed = sync(app, connected, full=True)
    assert resumed.run_id == stopped["id"]  # the same run, picked up where it stopped
    report = reports.get_run(app.uow(Actor.system(), connected), resumed.run_id)
    assert (report["status"], report["attempts"]) == ("succeeded", 2)
    # the same result as a run that was never interrupted, in another agency
    other = agencies.create_agency(app.uow(Actor.system()), name="Twin", slug=f"twin-{connected}")
    connect(app, other.id, "alto", settings_for(alto))
    sync(app, other.id, full=True)
    assert snapshot(app, connected) == snapshot(app, other.id)
    assert (
        report["counts"] == reports.list_runs(app.uow(Actor.system(), other.id)).items[0]["counts"]
    )


def test_s_05_while_a_run_waits_to_retry_a_read_it_holds_up_no_other_writer(
    app: App, agency_id: int
) -> None:
    """A PMS that throttles makes the run wait (Retry-After) for seconds to minutes: it waits
    with what it wrote committed, so the agency's other writes (an issue reported, a delivery
    recorded) go on meanwhile. It once waited for a page inside its transaction, and on SQLite
    every other writer waited with it, then failed. Each back-off here is held until another
    writer has written."""
    throttled = FaultSettings(rate_429=0.15, retry_after=4, seed=3)
    others: list[float] = []

    def back_off(_seconds: float) -> None:
        other = ThreadPoolExecutor(1).submit(
            agencies.update_settings,
            app.uow(Actor.system(), agency_id),
            {"costs_option": "optional"},
        )
        other.result(timeout=20)  # raises (and fails the run) if the lock is held meanwhile
        others.append(_seconds)

    with running_alto(seed=7, units=1500, faults=throttled) as alto:
        connect(app, agency_id, "alto", settings_for(alto, page_size=25))
        state = sync(app, agency_id, full=True, policy=RetryPolicy(sleep=back_off))
    assert others, "the PMS never throttled the run"
    report = reports.get_run(app.uow(Actor.system(), agency_id), state.run_id)
    assert report["status"] == "succeeded"


def test_a_run_with_pages_ready_gives_way_to_a_writer_that_waits(
    app: App, agency_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While nobody else writes, a run goes on taking the pages that are ready into one
    transaction (fewer commits); on SQLite every other writer waits for that transaction, so
    one that comes mid-run must write before the transaction would end, not after it. Here
    each next page is ready before the run asks, so the run would take a list's pages into one
    transaction but for the writer that comes on its first page."""
    monkeypatch.setattr(app.settings, "sync_commit_every_s", 0.0)
    monkeypatch.setattr(app.settings, "sync_commit_at_most_s", 600.0)
    other: list[Future[None]] = []
    seen_done: list[tuple[str, bool]] = []  # after the first page: (its list, written yet?)

    def on_page(stream: str, _size: int, _counts: dict[str, dict[str, int]]) -> None:
        if other:
            seen_done.append((stream, other[0].done()))
        else:
            other.append(
                ThreadPoolExecutor(1).submit(
                    agencies.update_settings,
                    app.uow(Actor.system(), agency_id),
                    {"costs_option": "optional"},
                )
            )
            deadline = time.monotonic() + 20
            while app.engine.dialect.name == "sqlite" and not writers_waiting(app.engine):
                assert time.monotonic() < deadline, "the other writer never came"
                time.sleep(0.001)  # until it waits for the run's transaction
        engine._next_waiting(stream, 20.0)  # the next page ready before the run asks for it

    with running_alto(seed=7, units=600) as alto:
        connect(app, agency_id, "alto", settings_for(alto, page_size=25))
        engine = sync_run._engine(app, agency_id, "alto", on_page, RetryPolicy())
        state = engine.run(full=True)
    other[0].result(timeout=20)
    # a list's last page ends a transaction anyway: the first list's pages before its last
    first_list = [done for stream, done in seen_done if stream == seen_done[0][0]][:-1]
    assert len(first_list) > 10
    assert any(first_list), "the other writer waited for the run's whole transaction"
    report = reports.get_run(app.uow(Actor.system(), agency_id), state.run_id)
    assert report["status"] == "succeeded"


def test_s_06_every_run_records_times_counts_per_kind_and_skip_reasons(
    app: App, connected: int
) -> None:
    state = sync(app, connected, full=True)
    report = reports.get_run(app.uow(Actor.system(), connected), state.run_id)
    assert report["started_at"] <= report["finished_at"]
    assert report["counts"]["unit"]["created"] == len(held(app, connected, "unit"))
    assert report["skip_reasons"]["unit"]["AL-02"] == report["counts"]["unit"]["skipped"]
    skips = reports.skipped(
        app.uow(Actor.system(), connected), state.run_id, kind="unit", limit=500
    )
    assert len(skips.items) == report["counts"]["unit"]["skipped"]
    assert {s["rule"] for s in skips.items} == {"AL-02"}
    assert all(s["reason"] for s in skips.items)


def test_s_07_a_dry_run_shows_each_change_per_field_and_writes_nothing(
    app: App, connected: int, alto: RunningAlto
) -> None:
    dry = sync(app, connected, full=True, dry_run=True)
    assert _count(app, units, connected) == 0
    assert _count(app, audit_log, connected) == 1  # only the agency's own creation
    planned = reports.planned_changes(
        app.uow(Actor.system(), connected), dry.run_id, kind="unit", limit=500
    )
    assert planned.items
    assert all(p["action"] == "create" for p in planned.items)
    assert all("postcode" in p["changes"] for p in planned.items)
    # after a real run, a dry run names exactly the field changed upstream
    sync(app, connected, full=True)
    external_id, unit_id = next(iter(held(app, connected, "unit").items()))
    before = row(app, units, unit_id)
    alto.admin("PATCH", f"inventory/{external_id}", {"town": "Dryrunbury"})
    dry = sync(app, connected, dry_run=True)
    changes = reports.planned_changes(app.uow(Actor.system(), connected), dry.run_id).items
    assert [(c["external_id"], c["action"]) for c in changes] == [(external_id, "update")]
    assert changes[0]["changes"] == {"town": [before["town"], "Dryrunbury"]}
    assert row(app, units, unit_id)["town"] == before["town"]


def test_s_08_a_run_over_unchanged_data_writes_nothing_but_its_report(
    app: App, connected: int
) -> None:
    sync(app, connected, full=True)
    audit_rows = _count(app, audit_log, connected)
    again = sync(app, connected, full=True)
    assert again.rows_written == 0
    assert _count(app, audit_log, connected) == audit_rows
    assert all(set(c) <= {"unchanged", "skipped"} for c in again.counts.values())


def test_s_05_a_pms_that_stalls_is_asked_again_before_the_read_timeout(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """Issue 14, item 9: a page read stalled for 8 s against a 5 s read timeout is asked for
    again beside itself (a hedged request) and the second answer is used: no timeout, so no
    retry through the back-off policy."""
    connect(app, connected, "alto", settings_for(alto, timeout_s=5))
    alto.admin("PUT", "faults", {"timeout_seconds": 8})
    alto.admin("POST", "faults/fail-next", {"count": 1, "kind": "timeout"})
    policy = RetryPolicy(sleep=lambda _s: None)
    state = sync(app, connected, full=True, policy=policy)
    assert policy.waits == []  # the stall cost neither a timeout nor a retry
    assert alto.admin("GET", "faults")["injected"] == {"timeout": 1}
    assert (
        reports.get_run(app.uow(Actor.system(), connected), state.run_id)["status"] == "succeeded"
    )
    assert held(app, connected, "unit")
