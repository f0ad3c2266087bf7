"""One ready page into our data: resolve links, match (AL-09), decide by the profile, write in
bulk, settle what waits on this page's children (KeepWhile), count and explain (S-04, S-06).

A dry run goes through exactly this code, its writes rolled back by the engine at the end, so
it makes the real run's decisions (S-07); only the changes it lists are kept.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from repairlink.domain.words import refusal_words, unknown_links
from repairlink.errors import RepairlinkError
from repairlink.inbound import lookup
from repairlink.inbound.apply import RunContext, apply, entity_id, planned_rows
from repairlink.inbound.dry_run import KeptRows
from repairlink.inbound.held import RunWrites
from repairlink.inbound.made_in_run import MadeInRun
from repairlink.inbound.page_refs import PageRefs
from repairlink.inbound.plan import Action, Decision, Held, content_hash, decide
from repairlink.inbound.ready_page import ReadyPage
from repairlink.inbound.run_state import RunState
from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import Config, KeepWhile, Match, MatchBy, Profile, RequiresSynced
from repairlink.store.sync_tables import sync_changes, sync_quarantine, sync_skips

log = logging.getLogger(__name__)

# Creates a page's new records of a use-case kind through its use case, in the run's
# transaction; answers, for each decision in order, the new record's id or the RepairlinkError
# saying why it cannot be taken (quarantined, nothing written for it).
UseCaseWriter = Callable[[sa.Connection, RunContext, list[Decision]], list[int | RepairlinkError]]
COUNTED = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.UNCHANGED: "unchanged",
    Action.ARCHIVE: "archived",
    Action.RESTORE: "restored",
    Action.SKIP: "skipped",
    Action.DEFER: "deferred",
}
MATCH_COLUMN = {MatchBy.EMAIL: "email", MatchBy.ADDRESS: "address_key"}
WRITES_VALUES = (Action.CREATE, Action.UPDATE, Action.RESTORE)


@dataclass
class PageWriter:
    """Writes pages of one run. A dry run's report (its changes, skips and quarantined
    records) is kept aside in `kept`, as its writes will be rolled back."""

    profile: Profile
    config: Config
    agency_id: int
    creates: bool = True  # False: a new record is left for a run that may create it (PM-03)
    creates_rule: str = ""  # the schedule's rule, for the report of what was left
    creator: str = ""  # the run that will create them, in words ("weekly")
    kept: KeptRows | None = None  # set: a dry run
    # new records this run left for another (PM-03), so that their children wait with them
    deferred: set[tuple[str, str]] = field(default_factory=set)
    use_cases: Mapping[str, UseCaseWriter] = field(default_factory=dict)
    # the run's kinds: a list may carry others (Propertyware's leases carry the residents a
    # two-hourly run takes and the leases a nightly one does, PW-05); empty: every kind
    kinds: frozenset[str] = frozenset()
    # the references, audit and report rows of the transaction (inserted by the engine
    # before it commits), and new ids taken ahead
    writes: RunWrites = field(default_factory=RunWrites, init=False)
    # the references the page's records and links need
    _refs: PageRefs = field(init=False)

    def __post_init__(self) -> None:
        kinds = tuple(self.profile.kinds)
        matched_by = tuple((kind, column) for kind in kinds for column in self._match_columns(kind))
        made = MadeInRun(self.agency_id, self.profile.system, kinds, matched_by)
        self._refs = PageRefs(self.writes, self.agency_id, self.profile.system, made)

    def write(self, conn: sa.Connection, page: ReadyPage, state: RunState, ctx: RunContext) -> None:
        for bad in page.bad:
            self.quarantine(conn, state, bad.kind, bad.external_id, bad.told, bad.payload)
        kinds = [k for k in self.profile.kinds if not self.kinds or k in self.kinds]
        records = [r for kind in kinds for r in page.by_kind.get(kind, [])]
        self._refs.start(conn, records, self._match_values(page, kinds))
        held_back: dict[str, list[Decision]] = {}
        for kind in kinds:
            passing = page.passing.get(kind, set())
            for batch in self._one_per_match(kind, page.by_kind.get(kind, []), passing):
                decisions = self._decide(conn, kind, batch, page, state)
                decisions, waiting = self._hold_back(kind, decisions)
                held_back.setdefault(kind, []).extend(waiting)
                self._write(conn, kind, decisions, state, ctx)
        for kind, waiting in held_back.items():  # now that this page's children are written
            if waiting:
                self._write(conn, kind, self._settle(conn, kind, waiting), state, ctx)
        self.writes.insert_if_many(conn)

    def _decide(
        self,
        conn: sa.Connection,
        kind: str,
        ready: list[Incoming],
        page: ReadyPage,
        state: RunState,
    ) -> list[Decision]:
        """`ready`: records of one kind from `page`, which says which meet the filters, the
        filter each live one that does not fails, and their own part of the content hash."""
        passing = page.passing.get(kind, set())
        failures = page.failures.get(kind, {})
        own = page.own_json.get(kind, {})
        links = self._refs.resolve_links(conn, ready)
        required = {r.link for r in self.profile.of(RequiresSynced, kind)}
        held = self._match(conn, kind, ready, passing)
        plans: list[tuple[Incoming, dict[str, int], set[str]]] = []
        waiting: list[Decision] = []
        for record in ready:
            resolved, missing = links[record.external_id]
            if any(record.links[name] in self.deferred for name in missing):
                waiting.append(self._defer(Decision(Action.DEFER, record, "")))
                continue
            unknown = missing - required - set(record.optional_links)
            if unknown:
                named = [(n, *record.links[n]) for n in sorted(unknown)]
                log.info("%s %s: unknown reference: %s", kind, record.external_id, named)
                reason = unknown_links(named)
                self.quarantine(conn, state, kind, record.external_id, reason, record.fields)
                continue
            plans.append((record, resolved, missing))
        # a record we do not hold that fails the filters or is archived upstream is skipped:
        # no write needs its hash
        digests = {
            r.external_id: content_hash(r, res, own.get(r.external_id))
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
            self._one(r, held.get(r.external_id), res, miss, digests, passing, failures)
            for (r, res, miss) in plans
        ]

    def _one(
        self,
        record: Incoming,
        held: Held | None,
        resolved: dict[str, int],
        unresolved: set[str],
        digests: dict[str, str],
        passing: set[str],
        failures: dict[str, tuple[str, str]],
    ) -> Decision:
        decision = decide(
            self.profile,
            record,
            self.config,
            held=held,
            resolved=resolved,
            unresolved=unresolved,
            digest=digests[record.external_id],
            filters_met=record.external_id in passing,
            filter_failed=failures.get(record.external_id),
        )
        if decision.action is Action.CREATE and not self.creates:
            return self._defer(decision)
        return decision

    def _defer(self, decision: Decision) -> Decision:
        """PM-03: a run that creates nothing leaves a new record (and its children) for one
        that does; the report counts them and says which."""
        record = decision.record
        self.deferred.add((record.kind, record.external_id))
        decision.action, decision.rule = Action.DEFER, self.creates_rule
        decision.reason = f"new: left for the {self.creator} run, which creates new records"
        return decision

    def _one_per_match(
        self, kind: str, records: list[Incoming], passing: set[str]
    ) -> list[list[Incoming]]:
        """AL-09 within a page: of records that would match the same person by email (or the
        same unit by address), the first is decided and written before the others, which
        then find it as they would find one synced earlier (merged, not duplicated)."""
        columns = self._match_columns(kind)
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

    def _match_values(self, page: ReadyPage, kinds: list[str]) -> dict[tuple[str, str], set[Any]]:
        """(kind, column) -> the values AL-09 may match the page's records by: those of the
        records that meet the filters (`_match` asks for those without our reference)."""
        return {
            (kind, column): {
                value
                for r in page.by_kind.get(kind, [])
                if r.external_id in page.passing.get(kind, set())
                and (value := r.fields.get(column))
            }
            for kind in kinds
            for column in self._match_columns(kind)
        }

    def _match_columns(self, kind: str) -> list[str]:
        """The columns AL-09 matches this kind's records by (email, address key)."""
        return [
            MATCH_COLUMN[by]
            for match in self.profile.of(Match, kind)
            for by in match.by
            if by in MATCH_COLUMN
        ]

    def _hold_back(
        self, kind: str, decisions: list[Decision]
    ) -> tuple[list[Decision], list[Decision]]:
        """KeepWhile (AL-05): an archive for failing a filter, and a restore, wait until this
        page's children (the tenancies that came with the occupiers) are written; then they
        are settled by whether a child is live."""
        if not self.profile.of(KeepWhile, kind):
            return decisions, []
        now: list[Decision] = []
        waiting: list[Decision] = []
        for d in decisions:
            archive = d.action is Action.ARCHIVE and not d.record.archived
            (waiting if archive or d.action is Action.RESTORE else now).append(d)
        return now, waiting

    def _settle(self, conn: sa.Connection, kind: str, waiting: list[Decision]) -> list[Decision]:
        """A held-back archive goes ahead unless a child we hold is still live; a restore
        goes ahead only if one is: a record is restored only when every rule that archives
        it holds no more."""
        for keep in self.profile.of(KeepWhile, kind):
            parents = [d.held.entity_id for d in waiting if d.held is not None]
            alive = lookup.with_live_children(conn, keep.child_kind, keep.link, keep.live, parents)
            for d in waiting:
                live = d.held is not None and d.held.entity_id in alive
                if d.action is Action.ARCHIVE and live:
                    d.action, d.changes = Action.UNCHANGED, {}
                    d.reason = f"kept ({keep.rule}): another {keep.child_kind} is still live"
                elif d.action is Action.RESTORE and not live:
                    d.changes.pop("active", None)
                    d.action = Action.UPDATE if d.values else Action.UNCHANGED
                    d.rule = keep.rule
                    d.reason = f"stays archived ({keep.rule}): no live {keep.child_kind}"
        return waiting

    def _match(
        self, conn: sa.Connection, kind: str, records: list[Incoming], passing: set[str]
    ) -> dict[str, Held]:
        """AL-09: by this PMS's reference first (one synced, or attached by hand), then email
        or address where the profile says; only a record that meets the filters is matched so
        (one that does not must never archive a platform record it merely shares an email
        with)."""
        found = self._refs.find(conn, kind, [r.external_id for r in records])
        held = {ext: Held(eid, digest, has_ref=True) for ext, (eid, digest) in found.items()}
        for column in self._match_columns(kind):
            todo = [
                r
                for r in records
                if r.external_id not in held and r.external_id in passing and r.fields.get(column)
            ]
            hits = self._refs.match(conn, kind, column, [r.fields[column] for r in todo])
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
    ) -> None:
        if kind in self.use_cases:
            decisions = self._through_use_case(conn, kind, decisions, state, ctx)
        state.rows_written += apply(conn, ctx, kind, decisions, self.writes)
        self._refs.made.wrote(kind, [d.values for d in decisions if d.action in WRITES_VALUES])
        for d in decisions:  # each of these bears this PMS's reference now
            if d.action not in (Action.SKIP, Action.DEFER) and (made := entity_id(d)) is not None:
                self._refs.written(kind, d.record.external_id, made)
        # a new record skipped has no reference for its children's links to find
        self._refs.note_absent(
            (kind, d.record.external_id)
            for d in decisions
            if d.action is Action.SKIP and d.held is None
        )
        if self.kept is not None:
            self.kept.add(sync_changes, planned_rows(ctx, kind, decisions))
        counts = state.counts.setdefault(kind, {})
        for name, n in Counter(COUNTED[d.action] for d in decisions).items():
            counts[name] = counts.get(name, 0) + n
        skips = [d for d in decisions if d.action in (Action.SKIP, Action.DEFER)]
        reasons = state.skip_reasons.setdefault(kind, {})
        for d in skips:
            reasons[d.rule or "?"] = reasons.get(d.rule or "?", 0) + 1
        self._report(
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

    def _through_use_case(
        self,
        conn: sa.Connection,
        kind: str,
        decisions: list[Decision],
        state: RunState,
        ctx: RunContext,
    ) -> list[Decision]:
        """New records of this kind are created by its use case, a page at a time (an
        inbound work order is reported as an issue: number, status, audit, event); one it
        refuses is quarantined with its reason (S-04) and the run goes on."""
        creates = [d for d in decisions if d.action is Action.CREATE]
        if not creates:
            return decisions
        refused: set[int] = set()
        for d, made in zip(creates, self.use_cases[kind](conn, ctx, creates), strict=True):
            if isinstance(made, RepairlinkError):
                log.info("%s %s refused: %r", kind, d.record.external_id, made)
                reason = refusal_words(made.field, made.message)
                self.quarantine(conn, state, kind, d.record.external_id, reason, d.record.fields)
                refused.add(id(d))
            else:
                d.values["id"], d.by_use_case = made, True
        return [d for d in decisions if id(d) not in refused]

    def quarantine(
        self,
        conn: sa.Connection,
        state: RunState,
        kind: str,
        external_id: str,
        reason: str,
        payload: dict[str, Any],
    ) -> None:
        """S-04: the bad record waits with its reason; the run goes on."""
        row = {
            "run_id": state.run_id,
            "kind": kind,
            "external_id": external_id,
            "reason": reason,
            "payload": payload,
        }
        self._report(sync_quarantine, [row])
        counts = state.counts.setdefault(kind, {})
        counts["quarantined"] = counts.get("quarantined", 0) + 1

    def _report(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        if self.kept is not None:
            self.kept.add(table, rows)
        elif rows:
            self.writes.held.add(table, tuple(rows[0]), [tuple(row.values()) for row in rows])
