"""A sync writes for minutes on SQLite (the embedded default), holding the database's single
write lock a batch at a time, or while it waits for a throttled PMS. People reading meanwhile
must not queue behind it: signing in and reading pages and lists take a snapshot of their own,
and the server's event loop never waits for the database (so every other request, /health
included, is answered)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.services import auth
from tests.conftest import api_key
from tests.factories import make_issue, make_unit
from tests.integration.console_login import console_as_admin

# Far below the 30 s a request waits for the write lock before failing: a read that queued
# behind the writer would still be waiting.
ANSWERED_WITHIN_S = 10


@contextmanager
def writer_holding_the_lock(app: App) -> Iterator[None]:
    """A write transaction open in another thread until the block ends, as a sync's is."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE agencies SET name = name WHERE id = -1")
            holding.set()
            release.wait(120)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(60)


def _answered(pool: ThreadPoolExecutor, call: Callable[[], httpx.Response]) -> httpx.Response:
    future: Future[httpx.Response] = pool.submit(call)
    return future.result(timeout=ANSWERED_WITHIN_S)


def test_the_console_and_the_api_answer_reads_while_a_sync_holds_the_write_lock(
    app: App, agency_id: int, admin: auth.Principal
) -> None:
    unit = make_unit(app, admin, line1="12 Quiet Street")
    issue = make_issue(app, admin, unit, title="Window latch broken")
    token = api_key(app, agency_id, Role.ADMIN)
    bearer = {"Authorization": f"Bearer {token}"}
    with console_as_admin(app, agency_id) as console, ThreadPoolExecutor(4) as pool:
        console.get("/issues")  # signed in, pages compiled: nothing first-time left
        with writer_holding_the_lock(app):
            listed = _answered(pool, lambda: console.get("/issues"))
            shown = _answered(pool, lambda: console.get(f"/issues/{issue.id}"))
            api = _answered(pool, lambda: console.get("/api/v1/issues", headers=bearer))
            health = _answered(pool, lambda: console.get("/health"))
        assert listed.status_code == shown.status_code == api.status_code == 200
        assert "Window latch broken" in listed.text
        assert "12 Quiet Street" in shown.text
        assert [i["title"] for i in api.json()["items"]] == ["Window latch broken"]
        assert health.status_code == 200


def test_a_change_made_while_reading_is_refused_not_written(app: App, agency_id: int) -> None:
    uow = app.uow(Actor.system(), agency_id)
    with uow.reading():
        uow.this_agency().name = "Renamed while reading"
        with pytest.raises(RuntimeError, match="reading"):
            uow.flush()
    with uow.reading():
        assert uow.this_agency().name != "Renamed while reading"
