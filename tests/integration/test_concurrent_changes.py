"""Two changes at the same moment on PostgreSQL, where transactions run side by side (SQLite's
one writer puts them one after the other already).

Each test stages the race without timing: a third connection holds a lock that both changes
need, both are started and seen waiting on it (`pg_stat_activity`), then it is let go. Before
the fix, both read before that lock and both wrote what they had read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.issues import Status
from repairlink.errors import ConflictError
from repairlink.services import issues, references
from repairlink.services.auth import Principal
from repairlink.store.tables import external_refs, issues_table, outbox
from tests.factories import make_agency, make_issue, make_unit, uow_of

WAIT_S = 30  # for the changes to be seen waiting: a bound, met at once on a quiet machine


@pytest.fixture
def pg(apps: dict[str, App]) -> App:
    return apps["postgresql"]


@pytest.fixture
def who(pg: App) -> Principal:
    return make_agency(pg)


@contextmanager
def holding(pg: App, lock_sql: str, **params: Any) -> Iterator[sa.Connection]:
    """A transaction of its own holding the lock `lock_sql` takes, until the block ends."""
    with pg.engine.connect() as conn, conn.begin():
        conn.execute(sa.text(lock_sql), params)
        yield conn


def started_while_held(
    pg: App, held: sa.Connection, changes: list[Callable[[], Any]]
) -> list[Future[Any]]:
    """The changes started, and seen waiting for a lock (behind `held`, or behind each other)."""
    pool = ThreadPoolExecutor(len(changes))
    futures = [pool.submit(change) for change in changes]
    pool.shutdown(wait=False)
    holder = held.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> :holder"
    )
    with pg.engine.connect() as watcher:
        for _ in range(WAIT_S * 100):
            if watcher.execute(waiting, {"holder": holder}).scalar_one() == len(changes):
                return futures
            if any(f.done() for f in futures):
                break
            watcher.execute(sa.text("SELECT pg_sleep(0.01)"))  # polled: a condition, not a timing
    raise AssertionError(f"the changes did not both wait: {[f.done() for f in futures]}")


def outcomes(futures: list[Future[Any]]) -> list[object]:
    results: list[object] = []
    for future in futures:
        try:
            results.append(future.result(timeout=WAIT_S))
        except ConflictError as refused:
            results.append(refused)
    return results


def test_c_03_two_cancellations_at_once_cancel_once_and_refuse_the_second(
    pg: App, who: Principal
) -> None:
    """C-03 on PostgreSQL: an agent and a colleague cancel the same issue at the same moment.
    One cancels it; the other is told it is cancelled already. Before, both passed the check
    on the status they had read, and two cancellations went out to the PMS."""
    issue = make_issue(pg, who)
    cancel = lambda: issues.cancel(uow_of(pg, who), who, issue.id, reason="Duplicate")  # noqa: E731
    with holding(pg, "SELECT id FROM issues WHERE id = :id FOR UPDATE", id=issue.id) as held:
        futures = started_while_held(pg, held, [cancel, cancel])
    results = outcomes(futures)

    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(refused) == 1, results
    assert "cancelled" in str(refused[0]).lower()
    with pg.engine.connect() as conn:
        status = conn.execute(
            sa.select(issues_table.c.status).where(issues_table.c.id == issue.id)
        ).scalar_one()
        events = conn.execute(
            sa.select(outbox.c.event_type).where(
                outbox.c.aggregate_id == issue.id, outbox.c.agency_id == who.agency_id
            )
        ).scalars()
        assert status == Status.CANCELLED.value
        assert [e for e in events if e == "issue.status_changed"] == ["issue.status_changed"]


def test_c_03_two_reports_at_once_take_the_next_two_numbers(pg: App, who: Principal) -> None:
    """C-03 on PostgreSQL: two occupiers report at the same moment. Both issues are made,
    numbered one after the other. Before, both took the same number and the second report
    failed on the agency's unique numbers."""
    unit = make_unit(pg, who)
    first = make_issue(pg, who, unit)
    report = lambda: issues.report(  # noqa: E731
        uow_of(pg, who), who, title="No hot water", unit_id=unit.id
    )
    # the new issues' inserts wait behind this: both reports have read the last number by then
    with holding(pg, "LOCK TABLE issues IN SHARE MODE") as held:
        futures = started_while_held(pg, held, [report, report])
    made = outcomes(futures)

    assert sorted(issue.number for issue in made) == [first.number + 1, first.number + 2]


def _add_ref(pg: App, who: Principal, unit_id: int) -> Callable[[], Any]:
    return lambda: references.add_reference(
        uow_of(pg, who), "unit", unit_id, system="alto", external_id="PRP-77"
    )


def test_c_02_one_reference_added_to_two_units_at_once_names_one_and_refuses_the_other(
    pg: App, who: Principal
) -> None:
    """C-02 on PostgreSQL: two agents give two units the same Alto id at the same moment. One
    unit gets it; the other is told which unit it names. Before, both found it free, and the
    second failed on the unique identity: a 500."""
    units = [make_unit(pg, who), make_unit(pg, who)]
    adds = [_add_ref(pg, who, unit.id) for unit in units]
    # the references' inserts wait behind this: both have found the id free by then
    with holding(pg, "LOCK TABLE external_refs IN SHARE MODE") as held:
        futures = started_while_held(pg, held, adds)
    results = outcomes(futures)

    refused = [r for r in results if isinstance(r, ConflictError)]
    kept = [r for r in results if not isinstance(r, ConflictError)]
    assert len(refused) == 1, results
    assert len(kept) == 1, results
    assert refused[0].code == "reference.taken"
    assert f"already names unit {kept[0].entity_id}" in str(refused[0])


def test_c_02_the_same_reference_added_twice_at_once_is_kept_once(pg: App, who: Principal) -> None:
    """C-02 on PostgreSQL: the same id given to the same unit twice at once (a form sent
    twice) is one reference, and neither is refused: adding it again changes nothing."""
    unit = make_unit(pg, who)
    with holding(pg, "LOCK TABLE external_refs IN SHARE MODE") as held:
        futures = started_while_held(pg, held, [_add_ref(pg, who, unit.id)] * 2)
    results = outcomes(futures)

    assert [r.entity_id for r in results] == [unit.id, unit.id]  # type: ignore[attr-defined]
    with pg.engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where(
                external_refs.c.entity_kind == "unit", external_refs.c.entity_id == unit.id
            )
        ).scalar_one()
    assert count == 1
