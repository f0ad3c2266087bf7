"""S-01 at scale-out: two `repairlink worker` processes (Procrastinate on PostgreSQL) share
1,000 events; one is killed with SIGKILL while a request of its is in flight. Every event
reaches the receiver (which de-duplicates by event id), none is lost, and each issue's events
arrive in the order they were written."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.jobs.notices import listening
from repairlink.jobs.worker import (
    DELIVER,
    RUN_SYNC,
    conninfo,
    ensure_schema,
    jobs_app,
    queue_deliver,
    waker,
)
from repairlink.services import issues
from repairlink.store.tables import outbox
from repairlink.webhooks import subscriptions
from tests.factories import make_agency, make_issue, uow_of
from tests.integration.outbound.receiver import Receiver, running_receiver

ISSUES, COMMENTS = 50, 19  # 50 x (1 created + 19 comments) = 1,000 events


def _worker(app: App, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REPAIRLINK_DATABASE_URL": app.settings.database_url,
        "REPAIRLINK_FILES_DIR": str(app.settings.files_dir),
        "REPAIRLINK_WEBHOOKS_ALLOW_PRIVATE": "true",
        "REPAIRLINK_DELIVERY_LEASE_S": "3",
    }
    command = [str(Path(sys.executable).parent / "repairlink"), "worker", "--concurrency", "2"]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _until(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def pg_app(apps: dict[str, App]) -> App:
    app = apps["postgresql"]
    ensure_schema(app.settings)
    return replace(app, event_listeners=[waker(jobs_app(app))])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        running.hold_after = 300
        yield running


@pytest.mark.postgres
def test_s_01_two_workers_one_killed_lose_nothing_and_keep_order(
    pg_app: App, receiver: Receiver, tmp_path: Path
) -> None:
    who = make_agency(pg_app)
    subscriptions.subscribe(
        uow_of(pg_app, who), url=receiver.url, event_types=["*"], description="", allow_private=True
    )
    workers = [_worker(pg_app, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    try:
        for n in range(ISSUES):
            issue = make_issue(pg_app, who, title=f"Issue {n}")
            for c in range(COMMENTS):
                issues.add_comment(uow_of(pg_app, who), who, issue.id, body=f"comment {c}")
        _until(lambda: len(receiver.requests) >= 300, 120, "the first 300 deliveries")
        workers[0].send_signal(signal.SIGKILL)  # mid-way, with requests of its held open
        workers[0].wait()
        receiver.gate.set()
        _until(lambda: len(receiver.unique()) >= ISSUES * (1 + COMMENTS), 180, "every event")
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()

    with pg_app.engine.connect() as conn:
        written = conn.execute(
            sa.select(outbox.c.id, outbox.c.aggregate_id).where(outbox.c.agency_id == who.agency_id)
        ).all()
    got = [
        (int(r.headers["webhook-id"].removeprefix("evt_")), r.json["data"]["issue_id"])
        for r in receiver.unique()
    ]
    assert len(written) == 1000
    assert sorted(got) == sorted((r.id, r.aggregate_id) for r in written)  # none lost, none extra
    per_issue: dict[int, list[int]] = defaultdict(list)
    for event_id, issue_id in got:
        per_issue[issue_id].append(event_id)
    assert all(ids == sorted(ids) for ids in per_issue.values())


@pytest.mark.postgres
def test_s_01_a_deliver_job_is_taken_before_the_syncs_queued_ahead_of_it(pg_app: App) -> None:
    """A worker whose slots are all held by syncs (each scheduled run of a PMS that is down
    spends its retries) takes the waiting `deliver` as soon as one slot is free, not after every
    sync queued before it: otherwise events wait minutes to go out."""
    jobs = jobs_app(pg_app)
    with pg_app.engine.begin() as conn:  # this database's jobs only: none left waiting
        conn.exec_driver_sql("DELETE FROM procrastinate_jobs WHERE status = 'todo'")
    with jobs.open():
        for agency in (9001, 9002, 9003):
            jobs.configure_task(RUN_SYNC, queueing_lock=f"order:{agency}").defer(
                agency_id=agency, system="alto", full=False, schedule=None
            )
        queue_deliver(jobs)

    async def taken_in_order() -> list[str]:
        async with jobs.open_async():
            worker_id = await jobs.job_manager.register_worker()
            taken = []
            while (job := await jobs.job_manager.fetch_job(None, worker_id)) is not None:
                taken.append(job.task_name)
            return taken

    assert asyncio.run(taken_in_order()) == [DELIVER, RUN_SYNC, RUN_SYNC, RUN_SYNC]


@pytest.mark.postgres
def test_s_01_a_commit_tells_a_listening_worker_at_once(pg_app: App) -> None:
    """What the service's waker does after each commit: a notice on the deliveries' channel,
    which each worker's listener turns into a sender's wake (once for every sender when it
    starts listening: notices sent before are gone). Nothing is queued as a job."""
    wakes: list[str] = []
    woken = threading.Event()

    def wake() -> None:
        wakes.append("one")
        woken.set()

    conninfo_ = conninfo(pg_app.settings.database_url)
    stop = listening(conninfo_, wake, lambda: wakes.append("all"))
    try:
        _until(lambda: wakes == ["all"], 10, "the listener to start")
        with pg_app.engine.begin() as conn:  # this database's jobs only: none left waiting
            conn.exec_driver_sql("DELETE FROM procrastinate_jobs WHERE status = 'todo'")
        who = make_agency(pg_app)
        make_issue(pg_app, who, title="Tap dripping")  # its commit writes an event
        assert woken.wait(10)
    finally:
        stop()
    assert wakes[0] == "all"
    assert "one" in wakes
    with pg_app.engine.connect() as conn:
        waiting = conn.exec_driver_sql(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
        ).scalar_one()
    assert waiting == 0
