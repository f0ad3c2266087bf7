"""S-03: a sync process killed with SIGKILL mid-run and restarted ends with the same data as a
run that was never interrupted: no record lost or doubled. Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound import reports
from repairlink.jobs.sync_run import connect
from repairlink.services import agencies
from repairlink.simulators.alto.process import alto_process as spawn_alto
from repairlink.simulators.alto.state import (
    DEFAULT_AGENCY_REF,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
)
from repairlink.store.sync_tables import sync_runs
from tests.integration.sync.conftest import snapshot


@pytest.fixture
def alto_process() -> Iterator[str]:
    """The simulator in its own process, as a real PMS would be."""
    with spawn_alto(seed=11, units=1000) as base_url:
        yield base_url


def _settings(base_url: str) -> dict[str, object]:
    return {
        "base_url": base_url,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "agency_ref": DEFAULT_AGENCY_REF,
        "page_size": 5,  # some 2,000 pages: time to strike mid-run
    }


def _sync_command(app: App, slug: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REPAIRLINK_DATABASE_URL": app.settings.database_url,
        # several pages to a transaction, as by default, but short ones: time to strike
        "REPAIRLINK_SYNC_COMMIT_EVERY_S": "0.02",
        "REPAIRLINK_SYNC_COMMIT_AT_MOST_S": "0.02",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "repairlink",
            "sync",
            "run",
            "--agency",
            slug,
            "--connector",
            "alto",
            "--full",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _records_done(reader: sa.Engine, agency_id: int) -> int:
    with reader.connect() as conn:
        counts = conn.execute(
            sa.select(sync_runs.c.counts).where(sync_runs.c.agency_id == agency_id)
        ).scalar()
    return sum(sum(kind.values()) for kind in (counts or {}).values())


def test_s_03_killed_with_sigkill_and_restarted_equals_an_uninterrupted_run(
    app: App, alto_process: str
) -> None:
    killed = agencies.create_agency(
        app.uow(Actor.system()), name="Killed", slug=f"killed-{os.getpid()}-{time.monotonic_ns()}"
    )
    twin = agencies.create_agency(
        app.uow(Actor.system()), name="Twin", slug=f"twin-{os.getpid()}-{time.monotonic_ns()}"
    )
    for agency in (killed, twin):
        connect(app, agency.id, "alto", _settings(alto_process))

    # a plain reader: the app's engine would queue for SQLite's write lock behind the sync
    reader = sa.create_engine(app.settings.database_url)
    proc = _sync_command(app, killed.slug)
    deadline = time.monotonic() + 120
    while _records_done(reader, killed.id) < 50:  # wait for committed pages, then strike
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.dispose()
    interrupted = reports.list_runs(app.uow(Actor.system(), killed.id)).items[0]
    assert interrupted["status"] == "running"  # it never got to say anything

    for agency in (killed, twin):
        finished = _sync_command(app, agency.slug)
        _, stderr = finished.communicate(timeout=300)
        assert finished.returncode == 0, stderr.decode()

    resumed = reports.list_runs(app.uow(Actor.system(), killed.id)).items[0]
    assert resumed["id"] == interrupted["id"]
    assert (resumed["status"], resumed["attempts"]) == ("succeeded", 2)
    assert snapshot(app, killed.id) == snapshot(app, twin.id)
    twin_run = reports.list_runs(app.uow(Actor.system(), twin.id)).items[0]
    assert resumed["counts"] == twin_run["counts"]
