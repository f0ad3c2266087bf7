"""The references a page needs, for its records (are they ours?) and for their links (to
which of ours?), looked up together when the writer starts the page: one statement for every
kind, where a kind at a time cost a tenancies page three round trips to PostgreSQL (its
tenants, its tenancies, the units they name), each 1.0-1.6 ms of the writer's time for 0.4
ms of the server's.

What the page writes meanwhile is found where it is held (the transaction's new references,
`inbound/held.py`), before what was looked up at the start: a reference looked up is never
changed by the page but for its hash, which only a record's own decision reads, once a page.
A record neither looked up at the start nor held is asked for then.

A kind of which this PMS's references held none when the run began (a first sync's every
kind) is not looked up at all but for the records the run has made since: nothing else can
bear a reference the run has not made, as a linked record found absent stays absent for the
run. At 20k Alto units a first full sync asked for 107k such references of its 147k, each
an index probe on PostgreSQL finding nothing.

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
from repairlink.pms.incoming import Incoming

Key = tuple[str, str]  # (kind, PMS id)
ABSENT_MOST = 100_000  # linked records known absent, forgotten all at once past this many
# references made of kinds new to the run, kept past this many no more (and every kind then
# looked up as any other): some 17 MB, a 100k-unit Alto portfolio's first sync whole
MADE_MOST = 250_000
Links = dict[str, tuple[dict[str, int], set[str]]]  # PMS id -> (links resolved, names missing)


@dataclass
class PageRefs:
    writes: RunWrites
    agency_id: int
    system: str
    kinds: tuple[str, ...]  # those the run may look up (the profile's)
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
    # kinds with no reference of this PMS when the run began (None: not asked yet), and the
    # PMS ids of each whose reference the run has made since
    _new_kinds: set[str] | None = None
    _made: dict[str, set[str]] = field(default_factory=dict)
    _made_count: int = 0

    def start(
        self,
        conn: sa.Connection,
        records: Iterable[Incoming],
        matches: Mapping[lookup.MatchKey, set[Any]],
    ) -> None:
        """A new page of these records: their references, their links' and the matches
        asked for (by email or address) in one look-up."""
        if self._new_kinds is None:
            held = lookup.kinds_with_refs(conn, self.agency_id, self.system, self.kinds)
            self._new_kinds = set(self.kinds) - held
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            wanted[record.kind].add(record.external_id)
            for key in record.links.values():
                if key not in self.absent:
                    wanted[key[0]].add(key[1])
        self.known, self._written = {}, set()
        self._asked = {(kind, e) for kind, exts in wanted.items() for e in exts}
        for kind in wanted.keys() & self._new_kinds:
            wanted[kind] &= self._made.get(kind, set())
        self._found, asked = self.writes.split_held(wanted)
        found, self._matched = lookup.refs_and_matches(
            conn, self.agency_id, self.system, asked, matches
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
        return lookup.by_column(conn, self.agency_id, kind, column, values)

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
            elif key not in self._asked and not self._unmade(key):
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
        if self._new_kinds and kind in self._new_kinds:
            self._note_made(kind, external_id)

    def _unmade(self, key: Key) -> bool:
        """A record of a kind new to the run that the run has not made: not ours."""
        kind, external_id = key
        new = self._new_kinds is not None and kind in self._new_kinds
        return new and external_id not in self._made.get(kind, ())

    def _note_made(self, kind: str, external_id: str) -> None:
        made = self._made.setdefault(kind, set())
        if external_id not in made:
            made.add(external_id)
            self._made_count += 1
        if self._made_count > MADE_MOST:  # memory flat in the portfolio's size
            self._new_kinds, self._made = set(), {}

    def note_absent(self, keys: Iterable[Key]) -> None:
        if len(self.absent) >= ABSENT_MOST:  # memory flat in the portfolio's size
            self.absent.clear()
        self.absent.update(keys)
