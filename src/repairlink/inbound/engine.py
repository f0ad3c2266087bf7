"""The sync engine: page by page, fetch -> make ready (parse, map, normalise; both in
processes of their own, see `page_worker`) -> resolve links -> match -> decide -> apply (see
`page`), with the page's checkpoint and report committed in the same transaction as its data
(S-03).

A run killed at any point resumes from its last committed page: pages are idempotent (matched
by external reference, unchanged content costs nothing), so nothing is lost or doubled.

A dry run (S-07) is the same run in one transaction rolled back at its end: every decision
sees the writes before it, as in the real run, and only its report is kept (`dry_run`). On
SQLite it holds the write lock while it runs (other writers wait, up to a minute).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from copy import deepcopy
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog

from repairlink.domain.agency import region_of
from repairlink.errors import RepairlinkError
from repairlink.inbound import lanes, run_state
from repairlink.inbound.apply import RunContext
from repairlink.inbound.checkpoints import Checkpointer
from repairlink.inbound.dry_run import KeptRows
from repairlink.inbound.gc_pause import fewer_collections
from repairlink.inbound.kinds import USE_CASE_KINDS
from repairlink.inbound.malloc_tuning import keep_large_blocks_mapped
from repairlink.inbound.page import PageWriter, UseCaseWriter
from repairlink.inbound.page_worker import PagePreparer
from repairlink.inbound.read_ahead import ReadAhead
from repairlink.inbound.ready_page import PackedPage, ReadyPage
from repairlink.inbound.run_state import RunState
from repairlink.inbound.table_stats import TableStats
from repairlink.pms.connector import Connector, FetchError
from repairlink.pms.profile import Config, Schedule
from repairlink.pms.retry import RetryPolicy
from repairlink.pms.streams import streams_for
from repairlink.store.db import give_way, reading, writers_waiting
from repairlink.store.tables import agencies

Progress = Callable[[str, int, dict[str, dict[str, int]]], None]


class SyncFailed(RepairlinkError):
    """The run stopped; it resumes from its checkpoint next time (S-05)."""


class SyncEngine:
    def __init__(
        self,
        db: sa.Engine,
        connector: Connector,
        *,
        agency_id: int,
        connection_id: int,
        config: Config,
        retry: RetryPolicy | None = None,
        progress: Progress | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        commit_every_s: float,  # REPAIRLINK_SYNC_COMMIT_EVERY_S
        # REPAIRLINK_SYNC_COMMIT_AT_MOST_S: while no other writer waits, a transaction goes on
        # taking pages that are ready up to this long (None: commit_every_s)
        commit_at_most_s: float | None = None,
        use_cases: Mapping[str, UseCaseWriter] | None = None,
        prepare_apart: bool = True,  # False: pages are made ready in this thread (one page)
        # True: commit as soon as the next page is not there yet (pages a bridge client pushes
        # come when it has read them); False: wait for it up to the transaction's time
        commit_while_waiting: bool = False,
    ) -> None:
        self.db, self.connector, self.profile = db, connector, connector.profile
        self.agency_id, self.connection_id, self.config = agency_id, connection_id, config
        self.retry = retry or RetryPolicy()
        self.progress = progress
        self.now = now
        self.commit_every_s = commit_every_s
        self.commit_at_most_s = max(commit_every_s, commit_at_most_s or 0.0)
        self.use_cases = dict(use_cases or {})
        self.prepare_apart = prepare_apart
        self.commit_while_waiting = commit_while_waiting
        self._reader: ReadAhead | None = None
        lacking = sorted(USE_CASE_KINDS.intersection(self.profile.kinds) - set(self.use_cases))
        if lacking:
            raise ValueError(f"{self.profile.system} syncs {lacking}: give their use cases")
        self._dry: sa.Connection | None = None  # a dry run's one connection
        self._checkpoints: Checkpointer | None = None  # a real run's, while it runs
        self.table_stats = TableStats(db.dialect, self.profile)

    # -- the run ----------------------------------------------------------------------------
    def run(
        self, *, full: bool = False, dry_run: bool = False, schedule: Schedule | None = None
    ) -> RunState:
        state = self.begin(full=full, dry_run=dry_run, schedule=schedule)
        return self.execute(state, dry_run=dry_run)

    def begin(
        self,
        *,
        full: bool = False,
        dry_run: bool = False,
        schedule: Schedule | None = None,
        window: tuple[datetime | None, datetime] | None = None,
    ) -> RunState:
        """Resume the connection's unfinished run of this schedule (None: every kind, by hand),
        or start one (its row is committed); `window`: a new run over this window (a pushed
        page's)."""
        with self.db.begin() as conn:
            return run_state.resume_or_start(
                conn,
                agency_id=self.agency_id,
                connection_id=self.connection_id,
                plan=run_state.plan_for(self.profile, schedule, full=full),
                dry_run=dry_run,
                start=self.now(),
                window=window,
            )

    def execute(self, state: RunState, *, dry_run: bool = False) -> RunState:
        with structlog.contextvars.bound_contextvars(run_id=state.run_id):  # on every log line
            return self._execute(state, dry_run=dry_run)

    def _execute(self, state: RunState, *, dry_run: bool) -> RunState:
        system = self.profile.system
        ctx = RunContext(
            state.run_id, self.agency_id, system, self.now(), f"{system} sync #{state.run_id}"
        )
        plan = state.plan
        writer = PageWriter(
            self.profile,
            self.config,
            self.agency_id,
            creates=plan.creates,
            creates_rule=plan.rule,
            creator=plan.creator,
            kept=KeptRows() if dry_run else None,
            use_cases=self.use_cases,
            kinds=plan.kinds,
        )
        streams = streams_for(self.connector.streams, plan.kinds, full=state.window_from is None)
        keep_large_blocks_mapped()
        try:
            # the page-preparing process is forked inside: it collects less too
            with (
                fewer_collections(),
                PagePreparer(
                    self.connector.parse,
                    self.profile,
                    self.config,
                    forked=self.prepare_apart,
                    order=[stream.name for stream in streams],
                    region=self._region(),
                    connector=self.connector,
                ) as preparer,
                ReadAhead(
                    lambda stream, cursor: self._fetch(stream, state, preparer, cursor),
                    self._starts(state, [stream.name for stream in streams]),
                    lanes=lambda stream, cursor: self._lane_starts(stream, state, preparer, cursor),
                ) as reader,
                self._rolled_back(dry_run),
                Checkpointer(self.db, enabled=not dry_run) as self._checkpoints,
            ):
                self._reader = reader
                for name, _ in self._starts(state, [stream.name for stream in streams]):
                    self._run_stream(name, state, ctx, reader.pages(name), writer)
        except (FetchError, RepairlinkError) as exc:
            self._finish(state, "failed", str(exc), writer)
            raise SyncFailed("sync.failed", f"Sync run {state.run_id} failed: {exc}") from exc
        except BaseException as exc:  # a bug, or an interrupt: say so on the run, then re-raise
            self._finish(state, "failed", f"{type(exc).__name__}: {exc}", writer)
            raise
        self._finish(state, "succeeded", None, writer)
        return state

    def _region(self) -> str:
        """The agency's country, for phone numbers written without one."""
        with reading(self.db) as conn:
            locale = conn.execute(
                sa.select(agencies.c.locale).where(agencies.c.id == self.agency_id)
            ).scalar()
        return region_of(locale)

    @contextmanager
    def _rolled_back(self, dry_run: bool) -> Iterator[None]:
        """A dry run's one transaction, rolled back however the run ends."""
        if not dry_run:
            yield
            return
        with self.db.connect() as conn:
            outer = conn.begin()
            self._dry = conn
            try:
                yield
            finally:
                self._dry = None
                outer.rollback()

    @contextmanager
    def _transaction(self) -> Iterator[sa.Connection]:
        """A real run's transaction; a dry run's savepoint in its one transaction."""
        if self._dry is None:
            checkpoints = self._checkpoints or Checkpointer(self.db, enabled=False)
            with self.db.connect() as conn, checkpoints.writing(conn), conn.begin():
                yield conn
            checkpoints.committed()
            return
        with self._dry.begin_nested():
            yield self._dry

    def _run_stream(
        self,
        stream: str,
        state: RunState,
        ctx: RunContext,
        pages: Iterator[ReadyPage],
        writer: PageWriter,
    ) -> None:
        page = next(pages, None)
        while page is not None:
            page = self._write_pages(stream, page, pages, state, ctx, writer)

    def _write_pages(
        self,
        stream: str,
        page: ReadyPage,
        pages: Iterator[ReadyPage],
        state: RunState,
        ctx: RunContext,
        writer: PageWriter,
    ) -> ReadyPage | None:
        """Pages in one transaction for up to `commit_every_s`, the checkpoint of the last one
        with them (S-03): a commit per page would rewrite the same index pages thousands of
        times. Past that, while no other writer waits for the database, it goes on with the
        pages that are ready, up to `commit_at_most_s`: each commit writes every index page the
        transaction touched (a sync's are spread wide: references and emails in no order), so
        fewer commits write fewer pages. Answers the page to start the next transaction with
        (None: the stream is done).
        If anything fails, what this transaction wrote is rolled back and the run's state is
        as at the last commit; a page that fails to download ends the run after a commit."""
        committed = deepcopy((state.checkpoint, state.counts, state.skip_reasons))
        written = state.rows_written
        failed: BaseException | None = None
        more = True
        try:
            with self._transaction() as conn:
                started = time.monotonic()
                while True:
                    cursor = page.next_cursor
                    writer.write(conn, page, state, ctx)
                    state.checkpoint[stream] = {"cursor": cursor, "done": cursor is None}
                    if self.progress:
                        self.progress(stream, page.size, state.counts)
                    more = cursor is not None
                    if not more or not self._goes_on(stream, started):
                        break
                    try:
                        page = next(pages)  # read ahead: usually waiting already
                    except (FetchError, RepairlinkError) as exc:
                        failed = exc  # commit what is written; the failure is raised below
                        break
                writer.writes.insert(conn)
                run_state.save(conn, state)
        except BaseException:
            writer.writes.drop()
            state.checkpoint, state.counts, state.skip_reasons = committed
            state.rows_written = written
            raise
        if self._dry is None:
            self.table_stats.after_commit(self.db, state.counts)
            give_way(self.db, self.commit_every_s)  # the writers that waited go first
        if failed is not None:
            raise failed
        return next(pages) if more else None

    def _goes_on(self, stream: str, started: float) -> bool:
        """Does this transaction take the stream's next page? Within `commit_every_s`, if it
        comes in that time: a PMS that throttles or stalls must not keep the write lock (and
        every other writer) waiting with it. Past that, only one ready now, while no other
        writer waits, up to `commit_at_most_s`."""
        taken = time.monotonic() - started
        if taken >= self.commit_every_s:
            if taken >= self.commit_at_most_s or writers_waiting(self.db):
                return False
            return self._next_waiting(stream, 0.0)
        left = 0.0 if self.commit_while_waiting else self.commit_every_s - taken
        return self._next_waiting(stream, left)

    def _next_waiting(self, stream: str, within_s: float) -> bool:
        return self._reader is None or self._reader.waiting(stream, within_s)

    def _starts(self, state: RunState, streams: list[str]) -> list[tuple[str, str | None]]:
        """Each stream still to read, with the cursor its checkpoint left it at."""
        marks = [(s, state.checkpoint.get(s, {"cursor": None, "done": False})) for s in streams]
        return [(s, mark["cursor"]) for s, mark in marks if not mark["done"]]

    def _fetch(
        self, stream: str, state: RunState, preparer: PagePreparer, cursor: str | None
    ) -> PackedPage:
        lane = lanes.decode(cursor)
        since, until = (lane.since, lane.until) if lane else (state.window_from, state.window_to)
        token = lane.token if lane else cursor

        def once() -> PackedPage:  # a page that is not JSON is retried too
            return preparer.fetched(
                stream, since=since, until=until, cursor=token, lane=lane.lane if lane else 0
            )

        page = self.retry.call(once)
        return page if lane is None else page.leading_to(lane.after(page.next_cursor))

    def _lane_starts(
        self, stream: str, state: RunState, preparer: PagePreparer, cursor: str | None
    ) -> list[str | None]:
        """The first cursor of each lane the stream is read as (`inbound/lanes`): a stream
        begun in lanes goes on in the same ones; one begun whole, or that the connector cannot
        cut by modified time, is read whole."""
        lane = lanes.decode(cursor)
        if lane is not None:
            return list(lane.starts())
        declared = next((s for s in self.connector.streams if s.name == stream), None)
        if cursor is not None or declared is None or not hasattr(self.connector, "cut_lanes"):
            return [cursor]
        if declared.lanes < 2 or not declared.dated:
            return [cursor]
        since, until, most = state.window_from, state.window_to, declared.lanes
        cuts = self.retry.call(lambda: preparer.cuts(stream, since=since, until=until, lanes=most))
        first = lanes.at(since, cuts, until)
        return [cursor] if first is None else list(first.starts())

    def _finish(self, state: RunState, status: str, error: str | None, writer: PageWriter) -> None:
        with self.db.begin() as conn:
            if writer.kept is not None:  # a dry run, rolled back: its report is written now
                writer.kept.write(conn)
                writer.kept.close()
            run_state.finish(
                conn,
                state,
                status,
                error,
                finished=self.now(),
                connection_id=self.connection_id,
                move_bookmark=writer.kept is None,
                every_kind=frozenset(self.profile.kinds),
            )
