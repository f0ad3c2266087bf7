"""The references a page needs, for its records (are they ours?) and for their links (to
which of ours?), looked up together when the writer starts the page: one statement for every
kind, where a kind at a time cost a tenancies page three round trips to PostgreSQL (its
tenants, its tenancies, the units they name), each 1.0-1.6 ms of the writer's time for 0.4
ms of the server's.

What the page writes meanwhile is found where it is held (the transaction's new references,
`inbound/held.py`), before what was looked up at the start: a reference looked up is never
changed by the page but for its hash, which only a record's own decision reads, once a page.
A record neither looked up at the start nor held is asked for then.

What cannot be there is not asked for: a reference of a kind the run began without, that
the run has not made, or a match by a value in a table that held no record of the agency
when the run began, that the run has not written (`made_in_run.py`).

AL-09's matches by email or address are asked in the same statement, for each kind's records
that meet the filters; a kind's answer stands until the page writes a record of its table
(the records of a page sharing an email with one decided before them are decided after it is
written, `PageWriter._one_per_match`, and asked again then).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from repairlink.inbound import lookup
from repairlink.inbound.held import RunWrites
from repairlink.inbound.kinds import spec
from repairlink.inbound.made_in_run import MadeInRun
from repairlink.pms.incoming import Incoming

Key = tuple[str, str]  # (kind, PMS id)
ABSENT_MOST = 100_000  # linked records known absent, forgotten all at once past this many
Links = dict[str, tuple[dict[str, int], set[str]]]  # PMS id -> (links resolved, names missing)


@dataclass
class PageRefs:
    writes: RunWrites
    agency_id: int
    system: str
    made: MadeInRun  # what the run began without, and has made since
    # our id of the records this page has written or found so far: a link to one (a lease's
    # tenancy to the resident it brought) needs no look-up
    known: dict[Key, int] = field(default_factory=dict)
    # linked records a look-up found we do not hold, and new records the run skipped, until
    # the run makes their reference: most of a full sync's look-ups of units were of the
    # units it had skipped, asked again for each of their tenants and tenancies
    absent: set[Key] = field(default_factory=set)
    _found: lookup.Found = field(default_factory=dict)
    _asked: set[Key] = field(default_factory=set)
    _matched: lookup.Matches = field(default_factory=dict)
    _match_asked: dict[lookup.MatchKey, set[Any]] = field(default_factory=dict)
    _written: set[str] = field(default_factory=set)  # kinds this page has written

    def start(
        self,
        conn: sa.Connection,
        records: Iterable[Incoming],
        matches: Mapping[lookup.MatchKey, set[Any]],
    ) -> None:
        """A new page of these records: their references, their links' and the matches
        asked for (by email or address) in one look-up."""
        self.made.begin(conn)
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            wanted[record.kind].add(record.external_id)
            for key in record.links.values():
                if key not in self.absent:
                    wanted[key[0]].add(key[1])
        self.known, self._written = {}, set()
        self._asked = {(kind, e) for kind, exts in wanted.items() for e in exts}
        wanted = {kind: self.made.made_of(kind, exts) for kind, exts in wanted.items()}
        self._found, asked = self.writes.split_held(wanted)
        matchable = {key: self.made.matchable(*key, values) for key, values in matches.items()}
        found, self._matched = lookup.refs_and_matches(
            conn, self.agency_id, self.system, asked, matchable
        )
        self._found.update(found)
        self._match_asked = dict(matches)

    def match(
        self, conn: sa.Connection, kind: str, column: str, values: list[Any]
    ) -> dict[Any, int]:
        """`lookup.by_column`, answered from the page's start while it still stands."""
        asked = self._match_asked.get((kind, column))
        table = spec(kind).table
        written = any(spec(other).table is table for other in self._written)
        if asked is not None and not written and asked.issuperset(values):
            hits = self._matched.get((kind, column), {})
            return {value: hits[value] for value in values if value in hits}
        matchable = self.made.matchable(kind, column, values)
        if not matchable:
            return {}
        return lookup.by_column(conn, self.agency_id, kind, column, matchable)

    def find(
        self, conn: sa.Connection, kind: str, external_ids: Iterable[str]
    ) -> dict[str, tuple[int, str | None]]:
        """PMS id -> (our id, hash) of those of `kind` that bear this PMS's reference."""
        found: dict[str, tuple[int, str | None]] = {}
        rest = []
        for external_id in external_ids:
            key = (kind, external_id)
            ref = self.writes.held_ref(kind, external_id) or self._found.get(key)
            if ref is not None:
                found[external_id] = ref
            elif key not in self._asked and not self.made.unmade(kind, external_id):
                rest.append(external_id)
        if rest:
            found.update(self.writes.find_refs(conn, self.agency_id, self.system, kind, rest))
        return found

    def resolve_links(self, conn: sa.Connection, records: list[Incoming]) -> Links:
        """Each record's links resolved to our ids, and the names of those we do not hold."""
        known, absent = self.known, self.absent
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for key in record.links.values():
                if key not in known and key not in absent:
                    wanted[key[0]].add(key[1])
        for target_kind, exts in wanted.items():
            found = self.find(conn, target_kind, exts)
            known.update({(target_kind, e): v[0] for e, v in found.items()})
            self.note_absent((target_kind, e) for e in exts if e not in found)
        result: Links = {}
        for record in records:
            resolved, missing = {}, set()
            for name, key in record.links.items():
                if key in known:
                    resolved[name] = known[key]
                else:
                    missing.add(name)
            result[record.external_id] = (resolved, missing)
        return result

    def written(self, kind: str, external_id: str, entity_id: int) -> None:
        """The record bears this PMS's reference now."""
        self._written.add(kind)
        self.known[(kind, external_id)] = entity_id
        self.absent.discard((kind, external_id))
        self.made.made_ref(kind, external_id)

    def note_absent(self, keys: Iterable[Key]) -> None:
        if len(self.absent) >= ABSENT_MOST:  # memory flat in the portfolio's size
            self.absent.clear()
        self.absent.update(keys)
