"""The sync engine: page by page, fetch -> make ready (parse, map, normalise: in a process of
its own, see `preparing`) -> resolve links -> match -> decide -> apply, with the page's
checkpoint and report committed in the same transaction as its data (S-03).

A run killed at any point resumes from its last committed page: pages are idempotent (matched
by external reference, unchanged content costs nothing), so nothing is lost or doubled.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from repairlink.errors import RepairlinkError
from repairlink.inbound import lookup, run_state
from repairlink.inbound.apply import RunContext, apply, record_dry_run
from repairlink.inbound.gc_pause import fewer_collections
from repairlink.inbound.page_worker import PagePreparer
from repairlink.inbound.plan import Action, Decision, Held, content_hash, decide
from repairlink.inbound.ready_page import ReadyPage
from repairlink.inbound.run_state import RunState
from repairlink.pms.connector import Connector, FetchError
from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    Config,
    KeepWhile,
    Match,
    MatchBy,
    RequiresSynced,
    Schedule,
)
from repairlink.pms.retry import RetryPolicy
from repairlink.store.bulk import insert_many
from repairlink.store.sync_tables import sync_quarantine, sync_skips

Progress = Callable[[str, int, dict[str, dict[str, int]]], None]
COUNTED = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.UNCHANGED: "unchanged",
    Action.ARCHIVE: "archived",
    Action.RESTORE: "restored",
    Action.SKIP: "skipped",
}
MATCH_COLUMN = {MatchBy.EMAIL: "email", MatchBy.ADDRESS: "address_key"}


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
    ) -> None:
        self.db, self.connector, self.profile = db, connector, connector.profile
        self.agency_id, self.connection_id, self.config = agency_id, connection_id, config
        self.retry = retry or RetryPolicy()
        self.progress = progress
        self.now = now
        self.commit_every_s = commit_every_s

    # -- the run ----------------------------------------------------------------------------
    def run(self, *, full: bool = False, dry_run: bool = False) -> RunState:
        return self.execute(self.begin(full=full, dry_run=dry_run), dry_run=dry_run)

    def begin(self, *, full: bool = False, dry_run: bool = False) -> RunState:
        """Resume the connection's unfinished run, or start one (its row is committed)."""
        return self._resume_or_start(full=full, dry_run=dry_run)

    def execute(self, state: RunState, *, dry_run: bool = False) -> RunState:
        ctx = RunContext(
            state.run_id,
            self.agency_id,
            self.profile.system,
            self.now(),
            f"{self.profile.system} sync #{state.run_id}",
        )
        try:
            # the page-preparing process is forked inside: it collects less too
            with (
                fewer_collections(),
                PagePreparer(self.connector.parse, self.profile, self.config) as preparer,
            ):
                for stream in self.connector.streams:
                    self._run_stream(stream, state, ctx, preparer, dry_run=dry_run)
        except (FetchError, RepairlinkError) as exc:
            self._finish(state, "failed", str(exc), dry_run=dry_run)
            raise SyncFailed("sync.failed", f"Sync run {state.run_id} failed: {exc}") from exc
        except BaseException as exc:  # a bug, or an interrupt: say so on the run, then re-raise
            self._finish(state, "failed", f"{type(exc).__name__}: {exc}", dry_run=dry_run)
            raise
        self._finish(state, "succeeded", None, dry_run=dry_run)
        return state

    def _run_stream(
        self,
        stream: str,
        state: RunState,
        ctx: RunContext,
        preparer: PagePreparer,
        *,
        dry_run: bool,
    ) -> None:
        mark = state.checkpoint.get(stream, {"cursor": None, "done": False})
        if mark["done"]:
            return
        # The next page downloads and is made ready while this one is written.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as pool:
            page: ReadyPage | None = self._fetch(stream, state, preparer, mark["cursor"])
            while page is not None:
                page = self._write_pages(stream, page, pool, state, ctx, preparer, dry_run)

    def _write_pages(
        self,
        stream: str,
        page: ReadyPage,
        pool: ThreadPoolExecutor,
        state: RunState,
        ctx: RunContext,
        preparer: PagePreparer,
        dry_run: bool,
    ) -> ReadyPage | None:
        """Pages in one transaction for up to `commit_every_s`, the checkpoint of the last one
        with them (S-03): a commit per page would rewrite the same index pages thousands of
        times. Answers the page to start the next transaction with (None: the stream is done).
        If anything fails, what this transaction wrote is rolled back and the run's state is
        as at the last commit; a page that fails to download ends the run after a commit."""
        committed = deepcopy((state.checkpoint, state.counts, state.skip_reasons))
        written = state.rows_written
        ahead: Future[ReadyPage] | None = None
        try:
            with self.db.begin() as conn:
                started = time.monotonic()
                while True:
                    cursor = page.next_cursor
                    ahead = (
                        pool.submit(self._fetch, stream, state, preparer, cursor)
                        if cursor
                        else None
                    )
                    self._process(conn, page, state, ctx, dry_run=dry_run)
                    state.checkpoint[stream] = {"cursor": cursor, "done": cursor is None}
                    if self.progress:
                        self.progress(stream, page.size, state.counts)
                    if ahead is None or time.monotonic() - started >= self.commit_every_s:
                        break
                    if ahead.exception() is not None:
                        break  # commit what is written; the failure is raised below
                    page = ahead.result()
                self._save(conn, state)
        except BaseException:
            state.checkpoint, state.counts, state.skip_reasons = committed
            state.rows_written = written
            raise
        return None if ahead is None else ahead.result()

    def _fetch(
        self, stream: str, state: RunState, preparer: PagePreparer, cursor: str | None
    ) -> ReadyPage:
        def once() -> ReadyPage:
            body = self.connector.fetch(
                stream, since=state.window_from, until=state.window_to, cursor=cursor
            )
            return preparer.ready(stream, body)  # a page that is not JSON is retried too

        return self.retry.call(once)

    # -- one page -----------------------------------------------------------------------------
    def _process(
        self,
        conn: sa.Connection,
        page: ReadyPage,
        state: RunState,
        ctx: RunContext,
        *,
        dry_run: bool,
    ) -> None:
        for bad in page.bad:
            self._quarantine(conn, state, bad.kind, bad.external_id, bad.reason, bad.payload)
        held_back: dict[str, list[Decision]] = {}
        for kind in self.profile.kinds:
            passing = page.passing.get(kind, set())
            for batch in self._one_per_match(kind, page.by_kind.get(kind, []), passing):
                decisions = self._decide(
                    conn, kind, batch, passing, page.failures.get(kind, {}), state
                )
                decisions, waiting = self._hold_back_archives(kind, decisions)
                held_back.setdefault(kind, []).extend(waiting)
                self._write(conn, kind, decisions, state, ctx, dry_run=dry_run)
        for kind, waiting in held_back.items():  # now that this page's children are written
            if waiting:
                self._write(
                    conn, kind, self._settle(conn, kind, waiting), state, ctx, dry_run=dry_run
                )

    def _decide(
        self,
        conn: sa.Connection,
        kind: str,
        ready: list[Incoming],
        passing: set[str],
        failures: dict[str, tuple[str, str]],
        state: RunState,
    ) -> list[Decision]:
        """`ready`: a page's records of one kind, `passing` those that meet the filters,
        `failures` the filter each live one that does not fails."""
        links = self._resolve_links(conn, ready, state)
        required = {r.link for r in self.profile.of(RequiresSynced, kind)}
        held = self._match(conn, kind, ready, state, passing)
        plans: list[tuple[Incoming, dict[str, int], set[str]]] = []
        for record in ready:
            resolved, missing = links[record.external_id]
            unknown = missing - required
            if unknown:
                names = ", ".join(f"{n}={record.links[n][1]}" for n in sorted(unknown))
                self._quarantine(
                    conn,
                    state,
                    kind,
                    record.external_id,
                    f"unknown reference: {names}",
                    record.fields,
                )
                continue
            plans.append((record, resolved, missing))
        # a record we do not hold that fails the filters or is archived upstream is skipped:
        # no write needs its hash
        digests = {
            r.external_id: content_hash(r, res)
            if r.external_id in passing or r.external_id in held
            else ""
            for (r, res, _) in plans
        }
        # rows are loaded where a decision reads them: changed content, or a record that may be
        # archived (archived upstream, failing a filter, or missing a required link); an
        # archive of one already archived must cost nothing
        stale = [
            h.entity_id
            for (r, _, miss) in plans
            if (h := held.get(r.external_id))
            and (h.content_hash != digests[r.external_id] or r.external_id not in passing or miss)
        ]
        rows = lookup.rows(conn, kind, stale) if stale else {}
        for h in held.values():
            h.row = rows.get(h.entity_id)
        return [
            decide(
                self.profile,
                r,
                self.config,
                held=held.get(r.external_id),
                resolved=res,
                unresolved=miss,
                digest=digests[r.external_id],
                filters_met=r.external_id in passing,
                filter_failed=failures.get(r.external_id),
            )
            for (r, res, miss) in plans
        ]

    def _one_per_match(
        self, kind: str, records: list[Incoming], passing: set[str]
    ) -> list[list[Incoming]]:
        """AL-09 within a page: of records that would match the same person by email (or the
        same unit by address), the first is decided and written before the others, which
        then find it as they would find one synced earlier (merged, not duplicated)."""
        columns = [
            MATCH_COLUMN[by]
            for match in self.profile.of(Match, kind)
            for by in match.by
            if by in MATCH_COLUMN
        ]
        first: list[Incoming] = []
        later: list[Incoming] = []
        seen: set[tuple[str, Any]] = set()
        for record in records:
            keys = {
                (column, value)
                for column in columns
                if record.external_id in passing and (value := record.fields.get(column))
            }
            (later if keys & seen else first).append(record)
            seen |= keys
        return [batch for batch in (first, later) if batch]

    def _hold_back_archives(
        self, kind: str, decisions: list[Decision]
    ) -> tuple[list[Decision], list[Decision]]:
        """KeepWhile: archives for failing a filter wait until this page's children (e.g. the
        tenancies that came with the occupiers) are written, then are settled."""
        if not self.profile.of(KeepWhile, kind):
            return decisions, []
        now: list[Decision] = []
        waiting: list[Decision] = []
        for d in decisions:
            held_back = d.action is Action.ARCHIVE and not d.record.archived
            (waiting if held_back else now).append(d)
        return now, waiting

    def _settle(self, conn: sa.Connection, kind: str, waiting: list[Decision]) -> list[Decision]:
        """A held-back archive goes ahead unless a child we hold is still live."""
        for keep in self.profile.of(KeepWhile, kind):
            parents = [d.held.entity_id for d in waiting if d.held is not None]
            alive = lookup.with_live_children(conn, keep.child_kind, keep.link, keep.live, parents)
            for d in waiting:
                if d.held is not None and d.held.entity_id in alive:
                    d.action, d.changes = Action.UNCHANGED, {}
                    d.reason = f"kept ({keep.rule}): another {keep.child_kind} is still live"
        return waiting

    def _resolve_links(
        self, conn: sa.Connection, records: list[Incoming], state: RunState
    ) -> dict[str, tuple[dict[str, int], set[str]]]:
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for target_kind, ext in record.links.values():
                wanted[target_kind].add(ext)
        known: dict[tuple[str, str], int] = {}
        for target_kind, exts in wanted.items():
            found = lookup.refs(conn, self.agency_id, self.profile.system, target_kind, exts)
            known.update({(target_kind, e): v[0] for e, v in found.items()})
            known.update({k: v for k, v in state.pending.items() if k[0] == target_kind})
        result = {}
        for record in records:
            resolved, missing = {}, set()
            for name, key in record.links.items():
                if key in known:
                    resolved[name] = known[key]
                else:
                    missing.add(name)
            result[record.external_id] = (resolved, missing)
        return result

    def _match(
        self,
        conn: sa.Connection,
        kind: str,
        records: list[Incoming],
        state: RunState,
        passing: set[str],
    ) -> dict[str, Held]:
        """AL-09: by this PMS's reference first, then email or address where the profile says;
        only a record that meets the filters is matched so (one that does not must never
        archive a platform record it merely shares an email with)."""
        system = self.profile.system
        found = lookup.refs(conn, self.agency_id, system, kind, [r.external_id for r in records])
        held = {ext: Held(eid, digest) for ext, (eid, digest) in found.items()}
        for (pending_kind, ext), fake_id in state.pending.items():
            if pending_kind == kind:
                held.setdefault(ext, Held(fake_id, None))
        for match in self.profile.of(Match, kind):
            for by in match.by:
                column = MATCH_COLUMN.get(by)
                if column is None:
                    continue
                todo = [
                    r
                    for r in records
                    if r.external_id not in held
                    and r.external_id in passing
                    and r.fields.get(column)
                ]
                hits = lookup.by_column(
                    conn, self.agency_id, kind, column, [r.fields[column] for r in todo]
                )
                for record in todo:
                    if record.fields[column] in hits:
                        held[record.external_id] = Held(hits[record.fields[column]], None)
        return held

    def _write(
        self,
        conn: sa.Connection,
        kind: str,
        decisions: list[Decision],
        state: RunState,
        ctx: RunContext,
        *,
        dry_run: bool,
    ) -> None:
        if dry_run:
            record_dry_run(conn, ctx, kind, decisions)
            for d in decisions:
                if d.action is Action.CREATE:
                    state.pending[(kind, d.record.external_id)] = -len(state.pending) - 1
        else:
            state.rows_written += apply(conn, ctx, kind, decisions)
        counts = state.counts.setdefault(kind, {})
        tally = Counter(COUNTED[d.action] for d in decisions)
        for name, n in tally.items():
            counts[name] = counts.get(name, 0) + n
        skips = [d for d in decisions if d.action is Action.SKIP]
        reasons = state.skip_reasons.setdefault(kind, {})
        for d in skips:
            reasons[d.rule or "?"] = reasons.get(d.rule or "?", 0) + 1
        if skips:
            insert_many(
                conn,
                sync_skips,
                [
                    {
                        "run_id": state.run_id,
                        "kind": kind,
                        "external_id": d.record.external_id,
                        "rule": d.rule or "?",
                        "reason": d.reason,
                    }
                    for d in skips
                ],
            )

    def _quarantine(
        self,
        conn: sa.Connection,
        state: RunState,
        kind: str,
        external_id: str,
        reason: str,
        payload: dict[str, Any],
    ) -> None:
        """S-04: the bad record waits with its reason; the run goes on."""
        conn.execute(
            sa.insert(sync_quarantine),
            {
                "run_id": state.run_id,
                "kind": kind,
                "external_id": external_id,
                "reason": reason,
                "payload": payload,
            },
        )
        counts = state.counts.setdefault(kind, {})
        counts["quarantined"] = counts.get("quarantined", 0) + 1

    # -- run rows: see run_state.py --------------------------------------------------------
    def _resume_or_start(self, *, full: bool, dry_run: bool) -> RunState:
        with self.db.begin() as conn:
            return run_state.resume_or_start(
                conn,
                agency_id=self.agency_id,
                connection_id=self.connection_id,
                full=full,
                dry_run=dry_run,
                start=self.now(),
                schedules=self.profile.of(Schedule),
            )

    def _save(self, conn: sa.Connection, state: RunState) -> None:
        run_state.save(conn, state)

    def _finish(self, state: RunState, status: str, error: str | None, *, dry_run: bool) -> None:
        with self.db.begin() as conn:
            run_state.finish(
                conn,
                state,
                status,
                error,
                finished=self.now(),
                connection_id=self.connection_id,
                move_bookmark=not dry_run,
            )
