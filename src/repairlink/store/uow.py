"""The unit of work: one transaction per use case, rolled back unless `commit()` is called.

It is scoped to one agency (C-01): `get` and `select` only ever see that agency's rows, and an
id from another agency answers NotFound exactly as a missing id does. Its actor is written on
every audit entry the transaction produces (C-13).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from repairlink.domain.actors import Actor
from repairlink.domain.agency import Agency
from repairlink.domain.audit import OutboxEvent
from repairlink.errors import NotFoundError
from repairlink.store.audit import audit_created, write_audit
from repairlink.store.bulk import insert_objects
from repairlink.store.db import read_only_options, reads_end_in_commit
from repairlink.store.tables import KIND_OF, cols
from repairlink.store.tracked import ROW_LOCK, Tracked, load_unlocked

T = TypeVar("T")

# Writes an event's deliveries (one per destination) in the event's own transaction.
FanOut = Callable[[Session, OutboxEvent], None]
# The same for many events at once, routing each kind of event once (`emit_many`); it must
# write exactly what its FanOut would write for each event in turn.
FanOutMany = Callable[[Session, Sequence[OutboxEvent]], None]


class UnitOfWork:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        actor: Actor,
        agency_id: int | None,
        fan_out: FanOut | None = None,
        fan_out_many: FanOutMany | None = None,
        on_events: Callable[[], None] | None = None,
    ):
        self._factory = factory
        self.actor = actor
        self.agency_id = agency_id
        self._fan_out = fan_out
        self._fan_out_many = fan_out_many
        self._on_events = on_events  # told after a commit that wrote events: wake the sender
        self._session: Session | None = None
        self._committed = False
        self._emitted = False
        self._read_only = False
        self._tracked = Tracked()

    def reading(self) -> UnitOfWork:
        """`with uow.reading():` for a use case that only reads. On SQLite its transaction is
        a snapshot that neither takes nor waits for the writers' lock, so a console page or an
        API read answers while a sync writes; a change made in it is refused, not written."""
        self._read_only = True
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        self._session.info["actor"] = self.actor  # the session's flushes are audited
        self._committed = False
        self._emitted = False
        self._tracked = Tracked()
        if self._read_only:
            self._session.info["reading"] = True  # its flushes are refused
            self._session.connection(execution_options=read_only_options(self._dialect()))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            if exc is None:  # a read: hand its objects out loaded, not expired by its end
                self.session.expunge_all()
            if exc is None and self._read_only and reads_end_in_commit(self._dialect()):
                self.session.commit()  # nothing to flush: the guard refuses changes
            else:
                self.session.rollback()
        self.session.close()
        self._session = None
        self._read_only = False

    def _dialect(self) -> sa.Dialect:
        return self.session.get_bind().dialect

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a unit of work opened for reading cannot commit")
        self._save_tracked()
        self.session.commit()
        self._committed = True
        if self._emitted:
            self.notify_events()

    def notify_events(self) -> None:
        """Tell the runners that deliveries are due now (re-armed without a new event)."""
        if self._on_events is not None:
            self._on_events()

    @property
    def agency(self) -> int:
        if self.agency_id is None:
            raise RuntimeError("this unit of work is not scoped to an agency")
        return self.agency_id

    def now(self) -> datetime:
        return datetime.now(UTC)

    def add(self, obj: object) -> None:
        self.session.add(obj)

    def flush(self) -> None:
        self._save_tracked()
        self.session.flush()

    def _save_tracked(self) -> None:
        if self._tracked.any:  # else no connection asked for: a commit of nothing begins nothing
            self._tracked.save(self.session.connection(), self.actor)

    def delete(self, obj: object) -> None:
        self.session.delete(obj)

    def this_agency(self, *, lock: bool = False) -> Agency:
        """The agency's row (`lock`: locked as `get_to_change` locks its record's)."""
        agency = self.session.get(Agency, self.agency, with_for_update=ROW_LOCK if lock else None)
        if agency is None:
            raise NotFoundError("agency.not_found", f"No agency {self.agency}", field="agency")
        return agency

    def get(self, cls: type[T], record_id: int, *, field: str | None = None) -> T:
        """The agency's record, or NotFound, whether it is missing or another agency's (C-01)."""
        return self._mine(self.session.get(cls, record_id), cls, record_id, field)

    def look_up(self, cls: type[T], record_id: int, *, field: str | None = None) -> T:
        """`get` for a record the change only checks (is the contractor to instruct active?):
        read as its row stands, outside the session, so nothing done to it is written. The
        session's load cost a quarter of an instruction's CPU (bench/change_cpu.py)."""
        found = load_unlocked(self.session.connection(), cls, record_id)
        return self._mine(found, cls, record_id, field)

    def get_to_change(self, cls: type[T], record_id: int, *, field: str | None = None) -> T:
        """`get` for a record this change checks, then changes (`store/tracked.py`): read
        without the session, written back at the next flush or the commit with its audit
        entry. Its row is locked until the transaction ends (PostgreSQL; SQLite's one writer
        serialises already): a change made at the same moment waits, then sees this one's.
        Read it here only: `get` would load a second copy, without the changes not yet
        written."""
        found = self._tracked.load(self.session.connection(), cls, record_id)
        return self._mine(found, cls, record_id, field)

    def _mine(self, found: T | None, cls: type[T], record_id: int, field: str | None) -> T:
        """`found` if it is this agency's; else NotFound, as for a missing one (C-01)."""
        if found is None or getattr(found, "agency_id", None) != self.agency:
            raise not_found(cls, record_id, field=field)
        return found

    def select(self, cls: type[T], *where: Any) -> sa.Select[T]:
        """A query over this agency's rows of `cls`."""
        return sa.select(cls).where(cols(cls).agency_id == self.agency, *where)

    def by_ids(self, cls: type[T], ids: Any) -> sa.Select[T]:
        """This agency's rows of `cls` among `ids`: sought by id, each one's agency checked.
        (`agency_id + 0`, not `agency_id`: given an equality on an indexed column, SQLite with
        no statistics walks that index, every record of the agency, instead of seeking the
        ids: 19.6 ms against 1.6 ms for 500 units of a 100k-unit agency.)"""
        table = cols(cls)
        return sa.select(cls).where(table.id.in_(ids), (table.agency_id + 0) == self.agency)

    def all(self, stmt: sa.Select[T]) -> list[T]:
        return list(self.session.scalars(stmt))

    def first(self, stmt: sa.Select[T]) -> T | None:
        return self.session.scalars(stmt.limit(1)).first()

    def emit(self, event_type: str, aggregate: object, **payload: Any) -> OutboxEvent:
        """Write an outbox event, and its deliveries, in this transaction (S-01, principle 4).

        The change is flushed first: on PostgreSQL that takes the aggregate's row lock, so a
        concurrent change to the same issue numbers its event after this one commits, and
        event ids follow the order of the changes. The event goes as `emit_many`'s do, not
        by a second flush of the session (a flush costs more than the insert it makes)."""
        return self.emit_many(event_type, [aggregate], [payload])[0]

    def add_many(self, objects: list[Any]) -> None:
        """Add new records of one class in bulk: inserted, given their ids and audited as a
        flush would (for many records, a flush costs a statement and more per record)."""
        self.flush()
        conn = self.session.connection()
        insert_objects(conn, objects)
        audit_created(conn, self.actor, objects)

    def emit_many(
        self, event_type: str, aggregates: Sequence[Any], payloads: Sequence[dict[str, Any]]
    ) -> list[OutboxEvent]:
        """`emit` for many aggregates at once: the outbox rows in one statement, their
        deliveries by the batch fan-out (or the fan-out, event by event, when there is none)."""
        self.flush()
        now = self.now()
        events = [
            OutboxEvent(
                agency_id=self.agency,
                event_type=event_type,
                aggregate_kind=KIND_OF[type(aggregate)],
                aggregate_id=aggregate.id,
                payload=payload,
                created_at=now,
            )
            for aggregate, payload in zip(aggregates, payloads, strict=True)
        ]
        insert_objects(self.session.connection(), events)
        if self._fan_out_many is not None:
            self._fan_out_many(self.session, events)
        elif self._fan_out is not None:
            for event in events:
                self._fan_out(self.session, event)
        self._emitted = self._emitted or bool(events)
        return events


def not_found(cls: type, record_id: int, *, field: str | None = None) -> NotFoundError:
    """What `get` answers for a record that is missing or another agency's (C-01)."""
    kind = KIND_OF[cls]
    return NotFoundError(
        f"{kind}.not_found",
        f"No {kind.replace('_', ' ')} {record_id}",
        field=field or f"{kind}_id",
        rule="C-01",
    )


def _refuse_changes(session: Session, *_: Any) -> None:
    if session.info.get("reading") and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a unit of work opened for reading cannot change records")


# Every session hears these, listened to once here (listening on each unit of work's session
# cost some 25 us of each one's life): each acts only on a unit of work's session, by its info.
sa.event.listen(Session, "after_flush", write_audit)
sa.event.listen(Session, "before_flush", _refuse_changes)
