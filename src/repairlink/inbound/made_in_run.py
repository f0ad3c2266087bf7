"""What a run began without, and what it has made of it since, so that it looks up only what
can be there (`page_refs.py` asks).

A kind of which this PMS's references held none when the run began (a first sync's every
kind) bears a reference only where the run has made one: its records are looked up only if
the run made them. A table with no record of the agency when the run began (a new agency's
first sync) holds a record with an email or address key only where the run wrote one: AL-09
matches by a value only if the run wrote it. Nothing else can be there, as a linked record
found absent stays absent for the run (a reference attached by hand, or a person added in
the console, while the run goes is found by the next run). At 20k Alto units a new
agency's first full sync asked the database for 147k references, 127k of them of records
not yet made, and for 33k emails and address keys it could not hold.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from repairlink.inbound import lookup
from repairlink.inbound.kinds import spec

# ids and values made kept past this many no more (every kind and table then looked up as
# any other): some 20 MB, a 100k-unit Alto portfolio's first sync whole. Their hashes are
# kept, not the strings (9 MB less there; a page's strings are freed with it): two that
# collide only have the database asked for both.
MADE_MOST = 300_000


@dataclass
class MadeInRun:
    agency_id: int
    system: str
    kinds: tuple[str, ...]  # the kinds the run may look up (its profile's)
    matched_by: tuple[lookup.MatchKey, ...]  # (kind, column) AL-09 matches by
    begun: bool = False
    # kinds with no reference of this PMS when the run began -> PMS ids made since (hashes)
    _ids: dict[str, set[int]] = field(default_factory=dict)
    # (table, column) of the tables with no record of the agency then -> values written since
    _values: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    _count: int = 0

    def begin(self, conn: sa.Connection) -> None:
        """Ask, once, what the run begins without (a statement for each question)."""
        if self.begun:
            return
        self.begun = True
        held = lookup.kinds_with_refs(conn, self.agency_id, self.system, self.kinds)
        self._ids = {kind: set() for kind in self.kinds if kind not in held}
        tables = {spec(kind).table for kind, _ in self.matched_by}
        filled = lookup.tables_with_records(conn, self.agency_id, tables)
        self._values = {
            (spec(kind).table.name, column): set()
            for kind, column in self.matched_by
            if spec(kind).table.name not in filled
        }

    def unmade(self, kind: str, external_id: str) -> bool:
        """A record of a kind new to the run that the run has not made: not ours."""
        made = self._ids.get(kind)
        return made is not None and hash(external_id) not in made

    def made_of(self, kind: str, external_ids: set[str]) -> set[str]:
        """Those of `external_ids` that may bear a reference."""
        made = self._ids.get(kind)
        return external_ids if made is None else {e for e in external_ids if hash(e) in made}

    def matchable(self, kind: str, column: str, values: Collection[Any]) -> set[Any]:
        """Those of `values` a record of `kind`'s table may have in `column`."""
        made = self._values.get((spec(kind).table.name, column))
        return set(values) if made is None else {v for v in values if hash(v) in made}

    def made_ref(self, kind: str, external_id: str) -> None:
        made = self._ids.get(kind)
        if made is not None and (key := hash(external_id)) not in made:
            made.add(key)
            self._counted(1)

    def wrote(self, kind: str, rows: list[dict[str, Any]]) -> None:
        """Values written to records of `kind`'s table (created, or changed)."""
        table = spec(kind).table.name
        for (name, column), made in self._values.items():
            if name == table:
                before = len(made)
                made.update(hash(v) for row in rows if (v := row.get(column)))
                self._counted(len(made) - before)

    def _counted(self, more: int) -> None:
        self._count += more
        if self._count > MADE_MOST:  # memory bounded whatever the portfolio
            self._ids, self._values = {}, {}
