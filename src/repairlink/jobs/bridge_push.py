"""Pages a bridge client pushes (docs/bridge.md), applied by the sync engine as pulled pages
are: same rules, report, quarantine, dry run; a page pushed twice changes nothing.

- One page on its own (`push`): a run over the window the client read, for that page.
- An open run (`open_run`, `push_page`, `finish_run`): the client opens one run for a whole
  read, pushes its pages list by list, then finishes it: one run row and one report, and the
  engine's run goes on between pages (its page-preparing process, its look-ups' statistics,
  a commit every `REPAIRLINK_SYNC_COMMIT_EVERY_S` or whenever the next page is not there yet).
  A page is handed to the run as the bytes the client sent, parsed once, by the connector.
  A real run is applied as its pages come, in a thread of this process; a dry run's pages
  are kept aside (on disk past a few megabytes) and applied at its finish, in the one
  transaction the engine rolls back, so that it holds no lock while the client reads.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from weakref import WeakKeyDictionary

import sqlalchemy as sa
import structlog

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY
from repairlink.errors import ConflictError, InvalidError, NotFoundError
from repairlink.inbound.engine import SyncEngine
from repairlink.inbound.run_state import RunState
from repairlink.jobs.use_cases import use_cases
from repairlink.pms.bridge import Pushable
from repairlink.pms.connector import Connector, TerminalFetchError
from repairlink.services.bridge_tokens import BridgeClient, connection_of
from repairlink.store.db import reading
from repairlink.store.sync_tables import sync_runs

log = structlog.get_logger(__name__)
Window = tuple[datetime | None, datetime]
IDLE_S = 300.0  # an open run the client pushes nothing into for this long fails
QUEUED_PAGES = 4  # pages waiting for a real run's engine; the client waits when they are many


def _pushable(conn: sa.Connection, client: BridgeClient) -> tuple[Pushable, object, object]:
    """The connection's connector class, its settings and its rules' view of them."""
    row = connection_of(conn, client)
    kind = REGISTRY[row["system"]]
    build = kind.build
    if not isinstance(build, Pushable):
        raise InvalidError(
            "bridge.not_bridged",
            f"{kind.title} is not read by a bridge client",
            field="connection_id",
        )
    config = kind.config_model.model_validate(row["config"])
    rules = config.rules_view() if hasattr(config, "rules_view") else row["config"]
    return build, config, rules


def _check_stream(build: Pushable, stream: str) -> None:
    names = [s.name for s in build.streams]
    if stream not in names:
        raise InvalidError(
            "bridge.unknown_stream",
            f"No stream '{stream}'; the streams are {', '.join(names)}",
            field="stream",
        )


def _engine(
    app: App, client: BridgeClient, rules: object, connector: Connector, *, one_page: bool
) -> SyncEngine:
    return SyncEngine(
        app.engine,
        connector,
        agency_id=client.agency_id,
        connection_id=client.connection_id,
        config=rules,  # type: ignore[arg-type]
        commit_every_s=app.settings.sync_commit_every_s,
        commit_at_most_s=app.settings.sync_commit_at_most_s,
        use_cases=use_cases(app),
        prepare_apart=not one_page,  # one page: forking a process for it costs more than it saves
        commit_while_waiting=not one_page,
    )


def push(
    app: App, client: BridgeClient, stream: str, body: bytes, window: Window, *, dry_run: bool
) -> RunState:
    """Apply one pushed page (`body`: `{"items": [...]}` as the PMS's items) as a run."""
    with reading(app.engine) as conn:
        build, config, rules = _pushable(conn, client)
    _check_stream(build, stream)
    engine = _engine(app, client, rules, build.pushed(config, stream, body), one_page=True)
    state = engine.begin(dry_run=dry_run, window=window)
    return engine.execute(state, dry_run=dry_run)


# -- an open run ------------------------------------------------------------------------------
class _Queued:
    """A real run's pages, handed to its engine as they come."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.queues: dict[str, queue.Queue[bytes | None]] = {}

    def of(self, stream: str) -> queue.Queue[bytes | None]:
        return self.queues.setdefault(stream, queue.Queue(maxsize=QUEUED_PAGES))

    def put(self, stream: str, body: bytes | None) -> None:
        waiting = self.of(stream)
        while self.session.thread is not None and self.session.thread.is_alive():
            try:
                waiting.put(body, timeout=0.5)
                return
            except queue.Full:
                continue

    def take(self, stream: str) -> bytes | None:
        waiting = self.of(stream)
        while True:
            try:
                return waiting.get(timeout=1.0)
            except queue.Empty:
                if time.monotonic() - self.session.last_seen > IDLE_S:
                    raise TerminalFetchError(
                        f"The bridge client pushed nothing into this run for {IDLE_S:.0f} s"
                    ) from None


class _Kept:
    """A dry run's pages, kept aside until it finishes (on disk past a few megabytes)."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        self.spans: dict[str, list[tuple[int, int]]] = {}

    def put(self, stream: str, body: bytes | None) -> None:
        if body is None:
            return
        self.file.seek(0, 2)
        self.spans.setdefault(stream, []).append((self.file.tell(), len(body)))
        self.file.write(body)

    def take(self, stream: str) -> bytes | None:
        spans = self.spans.get(stream)
        if not spans:
            return None
        start, size = spans.pop(0)
        self.file.seek(start)
        return self.file.read(size)


@dataclass
class Session:
    """An open run in this process: the pages the client pushes go to its engine."""

    run_id: int
    connection_id: int
    dry_run: bool
    order: list[str]  # the streams, in the order the engine writes them
    engine: SyncEngine | None = None
    state: RunState | None = None
    source: _Queued | _Kept | None = None
    thread: threading.Thread | None = None
    ended: set[str] = field(default_factory=set)
    last_seen: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        assert self.engine is not None
        assert self.state is not None
        # a failed run says why on its row (status, error), which the finish answers; the log
        # keeps the failure too, in case recording it on the row failed as well
        try:
            self.engine.execute(self.state, dry_run=self.dry_run)
        except Exception:
            log.exception("bridge.run_failed", run_id=self.state.run_id)

    def end_before(self, stream: str) -> None:
        """A page of `stream` ends every stream before it (the engine writes them in order)."""
        assert self.source is not None
        if stream in self.ended:
            raise ConflictError(
                "bridge.stream_ended",
                f"This run's {stream} are over: push the lists in the order "
                f"{', '.join(self.order)}",
                field="stream",
            )
        for earlier in self.order[: self.order.index(stream)]:
            self.end(earlier)

    def end(self, stream: str) -> None:
        assert self.source is not None
        if stream not in self.ended:
            self.ended.add(stream)
            self.source.put(stream, None)


_sessions: WeakKeyDictionary[sa.Engine, dict[int, Session]] = WeakKeyDictionary()
_registry_lock = threading.Lock()


def _open_sessions(app: App) -> dict[int, Session]:
    with _registry_lock:
        return _sessions.setdefault(app.engine, {})


def open_run(app: App, client: BridgeClient, window: Window, *, dry_run: bool) -> int:
    """Open a run over the window the client reads; answers its id."""
    with reading(app.engine) as conn:
        build, config, rules = _pushable(conn, client)
    _forget_idle(app)
    order = [s.name for s in build.streams]
    session = Session(0, client.connection_id, dry_run, order)
    session.source = _Kept() if dry_run else _Queued(session)
    engine = _engine(app, client, rules, build.session(config, session.source), one_page=False)
    state = engine.begin(dry_run=dry_run, window=window)
    session.run_id, session.engine, session.state = state.run_id, engine, state
    if not dry_run:
        session.thread = threading.Thread(
            target=session.run, name=f"bridge-run-{state.run_id}", daemon=True
        )
        session.thread.start()
    _open_sessions(app)[state.run_id] = session
    return state.run_id


def _session(app: App, client: BridgeClient, run_id: int) -> Session:
    session = _open_sessions(app).get(run_id)
    if session is None or session.connection_id != client.connection_id:
        raise NotFoundError(
            "bridge.run_not_open",
            f"No open run {run_id} for this connection: open one (POST .../runs)",
            field="run_id",
        )
    return session


def push_page(app: App, client: BridgeClient, run_id: int, stream: str, body: bytes) -> None:
    """Hand one page to the open run (it waits while the run has a few pages to apply)."""
    session = _session(app, client, run_id)
    if session.order and stream not in session.order:
        raise InvalidError(
            "bridge.unknown_stream",
            f"No stream '{stream}'; the streams are {', '.join(session.order)}",
            field="stream",
        )
    with session.lock:  # one page at a time, in the order they came
        if session.thread is not None and not session.thread.is_alive():
            raise ConflictError(
                "bridge.run_ended", f"Run {run_id} has ended: see its report", field="run_id"
            )
        session.last_seen = time.monotonic()
        session.end_before(stream)
        assert session.source is not None
        session.source.put(stream, body)
        session.last_seen = time.monotonic()


def finish_run(app: App, client: BridgeClient, run_id: int) -> int:
    """End every stream of the open run and wait until its pages are applied; answers the
    run's id (its report is on its row). A run that has ended already answers as it is."""
    sessions = _open_sessions(app)
    session = sessions.get(run_id)
    if session is None:
        _ended_run(app, client, run_id)
        return run_id
    session = _session(app, client, run_id)
    with session.lock:
        for stream in session.order:
            session.end(stream)
        if session.thread is None:
            session.run()  # a dry run: applied now, in one transaction rolled back
        else:
            session.thread.join()
        sessions.pop(run_id, None)
    return run_id


def _ended_run(app: App, client: BridgeClient, run_id: int) -> None:
    r = sync_runs.c
    with reading(app.engine) as conn:
        found = conn.execute(
            sa.select(r.id).where(r.id == run_id, r.connection_id == client.connection_id)
        ).scalar()
    if found is None:
        raise NotFoundError("bridge.run_not_found", f"No run {run_id}", field="run_id")


def _forget_idle(app: App, now: Callable[[], float] = time.monotonic) -> None:
    """Runs the client left open: forgotten; a dry run's row says so (a real run has ended
    itself, failed, when its client went quiet)."""
    sessions = _open_sessions(app)
    idle = [
        s
        for s in list(sessions.values())
        if now() - s.last_seen > IDLE_S
        and not s.lock.locked()
        and (s.thread is None or not s.thread.is_alive())
    ]
    for session in idle:
        sessions.pop(session.run_id, None)
        if session.thread is not None:
            continue
        with app.engine.begin() as conn:
            conn.execute(
                sa.update(sync_runs)
                .where(sync_runs.c.id == session.run_id)
                .values(
                    status="failed",
                    error=f"The bridge client pushed nothing into this run for {IDLE_S:.0f} s",
                )
            )
