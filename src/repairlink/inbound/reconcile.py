"""Reconciliation, as a profile declares it (`Reconciliation`, PW-09): read the PMS's complete
list of a kind and deactivate our active records of that kind that carry this PMS's reference
but are no longer in it. Driven by the declaration, through the `Connector` interface only: it
never asks which PMS it is talking to.

- **What is compared.** Every list the connector declares as carrying the kind (its streams'
  `kinds`) is read whole (`since=None`), and the external id of each record of the kind counts
  as listed: records the profile's filters skip, records archived upstream and records the
  connector could not map still exist in the PMS. The window is left open past
  the end of the read, so that a record the PMS changes while the list is being read is not
  left out. On our side: our *active* records of the kind with a reference from this PMS, read
  before the list, so that a record a concurrent sync creates is never taken for a missing
  one. A record with several references from this PMS (merged, H-06) is missing only when none
  of them is listed.
- **Never re-activates.** It only deactivates, and only records still active when it writes:
  those a person deactivated (H-05) are left as they are.
- **The guard.** The list is used only when it was read to the end: if a page cannot be read
  the run is `failed` and nothing is deactivated. If the PMS lists no record of the kind while
  we hold active ones with its reference, the run is `refused` and nothing is deactivated: an
  empty answer is far likelier a fault (a wrong account, an outage answered with 200) than a
  PMS that truly lost every property.
- **Explained (C-13).** Each deactivation is written through a unit of work acting as the
  reconciliation (actor `reconciliation`, the run's id), so it is on the record's audit trail
  with each field's before and after, and announced as `unit.deactivated`, as a person's is.
- **The snapshot.** The run's row (listed, held, deactivated) and our records that the PMS
  listed are committed in the same transaction as the deactivations.
- **Dry run.** The same comparison, answered and not written: no row, no snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.places import Unit
from repairlink.errors import InvalidError, RepairlinkError
from repairlink.pms.connector import Connector, FetchedPage
from repairlink.pms.profile import Reconciliation
from repairlink.pms.retry import RetryPolicy
from repairlink.pms.streams import streams_for
from repairlink.store.bulk import insert_many
from repairlink.store.sync_tables import reconciliation_runs, reconciliation_snapshot
from repairlink.store.tables import cols, external_refs, units
from repairlink.store.uow import UnitOfWork

RUNNING, SUCCEEDED, REFUSED, FAILED = "running", "succeeded", "refused", "failed"
# The list's window ends this far after the read starts: records changed while it is read
# (which a list ordered by modified time serves again at its end) are still in it.
LIST_AHEAD = timedelta(days=1)
CHUNK = 900  # ids per query: below SQLite's bound-parameter limit
RECONCILED_KINDS = ("unit",)  # what a reconciliation can deactivate

# The agency's unit of work, acting as `actor`.
UnitsOfWork = Callable[[Actor], UnitOfWork]


@dataclass
class ReconciliationReport:
    run_id: int | None  # None: a dry run, which writes nothing
    system: str
    rule: str
    kind: str
    status: str = RUNNING  # then succeeded | refused | failed
    listed: int = 0  # records of the kind the PMS listed
    held: int = 0  # our active records of the kind with its reference, before the run
    deactivated: list[int] = field(default_factory=list)  # our ids (a dry run: would be)
    error: str | None = None
    dry_run: bool = False


def missing(held: dict[str, int], listed: set[str]) -> set[int]:
    """Our ids none of whose references (PMS id -> our id) the PMS listed."""
    kept = {entity_id for external_id, entity_id in held.items() if external_id in listed}
    return {entity_id for entity_id in held.values() if entity_id not in kept}


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    items = sorted(ids)
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


class Reconciler:
    def __init__(
        self,
        uow: UnitsOfWork,
        connector: Connector,
        declaration: Reconciliation,
        *,
        connection_id: int,
        retry: RetryPolicy | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if declaration.kind not in RECONCILED_KINDS:
            raise InvalidError(
                "reconciliation.unsupported_kind",
                f"Reconciliation deactivates units; a {declaration.kind} cannot be reconciled",
                field="kind",
                rule=declaration.rule,
            )
        self.uow, self.connector, self.declaration = uow, connector, declaration
        self.system = connector.profile.system
        self.connection_id = connection_id
        self.retry = retry or RetryPolicy()
        self.now = now

    def run(self, *, dry_run: bool = False) -> ReconciliationReport:
        return self.execute(None if dry_run else self.begin())

    def begin(self) -> int:
        """The run's row, committed (`running`), so that it can be followed at once."""
        with self.uow(Actor.system("reconciliation")) as uow:
            run_id: int = uow.session.execute(
                sa.insert(reconciliation_runs)
                .values(
                    agency_id=uow.agency,
                    connection_id=self.connection_id,
                    rule=self.declaration.rule,
                    kind=self.declaration.kind,
                    status=RUNNING,
                    started_at=self.now(),
                    listed=0,
                    held=0,
                    deactivated=0,
                )
                .returning(reconciliation_runs.c.id)
            ).scalar_one()
            uow.commit()
        return run_id

    def execute(self, run_id: int | None) -> ReconciliationReport:
        """Compare and deactivate; `run_id` None: a dry run. A PMS that cannot be read, or a
        guard that refuses, is a report with that status, not an exception."""
        rule, kind = self.declaration.rule, self.declaration.kind
        report = ReconciliationReport(run_id, self.system, rule, kind, dry_run=run_id is None)
        try:
            held = self._held()
            report.held = len(set(held.values()))
            try:
                listed = self._listed()
            except RepairlinkError as exc:  # FetchError included: the PMS did not answer
                return self._stop(
                    report, FAILED, f"The {self.system} list was not read whole: {exc}"
                )
            report.listed = len(listed)
            if not listed and held:
                return self._stop(
                    report,
                    REFUSED,
                    f"{self.system} listed no {kind}s while {report.held} active {kind}s carry "
                    f"its reference: nothing was deactivated",
                )
            gone = missing(held, listed)
            if run_id is None:
                report.deactivated, report.status = sorted(gone), SUCCEEDED
                return report
            report.deactivated = self._write(run_id, gone, listed, report)
            report.status = SUCCEEDED
            return report
        except BaseException as exc:  # a bug, or an interrupt: say so on the run, then re-raise
            if report.status == RUNNING:
                self._stop(report, FAILED, f"{type(exc).__name__}: {exc}")
            raise

    # -- our side -------------------------------------------------------------------------
    def _held(self) -> dict[str, int]:
        """PMS id -> our id, for our active records that carry this PMS's reference."""
        ref, unit = external_refs.c, cols(Unit)
        with self.uow(Actor.system("reconciliation")) as uow:
            rows = uow.session.execute(
                sa.select(ref.external_id, ref.entity_id)
                .join(units, unit.id == ref.entity_id)
                .where(
                    ref.agency_id == uow.agency,
                    ref.system == self.system,
                    ref.entity_kind == self.declaration.kind,
                    unit.agency_id == uow.agency,
                    unit.active.is_(True),
                )
            ).all()
        return {external_id: entity_id for external_id, entity_id in rows}

    # -- the PMS's side -----------------------------------------------------------------------
    def _listed(self) -> set[str]:
        """The external ids of every record of the kind in the connector's lists, read whole."""
        until = self.now() + LIST_AHEAD
        found: set[str] = set()
        wanted = {self.declaration.kind}
        for stream in streams_for(self.connector.streams, wanted, full=True):
            cursor: str | None = None
            while True:
                page = self.retry.call(partial(self._page, stream.name, until, cursor))
                found.update(r.external_id for r in page.records if r.kind == self.declaration.kind)
                cursor = page.next_cursor
                if cursor is None:
                    break
        return found

    def _page(self, stream: str, until: datetime, cursor: str | None) -> FetchedPage:
        raw = self.connector.fetch(stream, since=None, until=until, cursor=cursor)
        return self.connector.parse(stream, raw)  # a page that is not JSON is retried too

    # -- writing ------------------------------------------------------------------------------
    def _write(
        self, run_id: int, gone: set[int], listed: set[str], report: ReconciliationReport
    ) -> list[int]:
        """Deactivations, the snapshot and the run's report, in one transaction."""
        label = f"{self.system} reconciliation #{run_id} ({self.declaration.rule})"
        actor = Actor(ActorKind.RECONCILIATION, run_id, label)
        unit, ref = cols(Unit), external_refs.c
        done: list[int] = []
        with self.uow(actor) as uow:
            now = self.now()
            for chunk in _chunks(gone):
                # still active now: a person's deactivation since the list was read stands
                query = uow.by_ids(Unit, chunk).where(unit.active.is_(True))
                for record in uow.all(query.order_by(unit.id).with_for_update()):
                    record.deactivate(actor, now)
                    uow.emit("unit.deactivated", record)
                    done.append(record.id)
            ours = uow.session.execute(
                sa.select(ref.external_id, ref.entity_id).where(
                    ref.agency_id == uow.agency,
                    ref.system == self.system,
                    ref.entity_kind == self.declaration.kind,
                )
            ).all()
            snapshot = sorted({entity_id for ext, entity_id in ours if ext in listed})
            insert_many(
                uow.session.connection(),
                reconciliation_snapshot,
                [{"run_id": run_id, "entity_id": entity_id} for entity_id in snapshot],
            )
            uow.session.execute(
                _finish(run_id, SUCCEEDED, None, now, report.listed, report.held, len(done))
            )
            uow.commit()
        return done

    def _stop(self, report: ReconciliationReport, status: str, error: str) -> ReconciliationReport:
        report.status, report.error = status, error
        if report.run_id is not None:
            with self.uow(Actor.system("reconciliation")) as uow:
                uow.session.execute(
                    _finish(report.run_id, status, error, self.now(), report.listed, report.held, 0)
                )
                uow.commit()
        return report


def _finish(
    run_id: int,
    status: str,
    error: str | None,
    now: datetime,
    listed: int,
    held: int,
    deactivated: int,
) -> sa.Update:
    values: dict[str, Any] = {
        "status": status,
        "error": error,
        "finished_at": now,
        "listed": listed,
        "held": held,
        "deactivated": deactivated,
    }
    return sa.update(reconciliation_runs).where(reconciliation_runs.c.id == run_id).values(values)
