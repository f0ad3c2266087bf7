"""What a run's writer holds between its inserts, to the end of each transaction: the audit
and report rows nothing reads before then, the references it made (which its own look-ups see
here), and the new ids it took ahead.

On PostgreSQL each insert a page made for each kind was a COPY, two round trips the writer
waited for (its start and its end): 2,300 of them at 20k Alto units. Held, each table takes
one COPY a transaction. SQLite's path inserts the same rows in the same transaction, later.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import sqlalchemy as sa

from repairlink.inbound import lookup
from repairlink.store.bulk import HeldRows, IdBlocks, insert_rows
from repairlink.store.tables import external_refs

REF_COLUMNS = (
    "agency_id",
    "entity_kind",
    "entity_id",
    "system",
    "external_id",
    "external_oid",
    "content_hash",
)
Ref = list[object]  # a row of REF_COLUMNS; its hash is changed in place
KIND, ENTITY, EXTERNAL, HASH = (
    REF_COLUMNS.index(c) for c in ("entity_kind", "entity_id", "external_id", "content_hash")
)


@dataclass
class RunWrites:
    MOST: ClassVar[int] = 10_000  # rows held before they go without waiting for the commit

    held: HeldRows = field(default_factory=HeldRows)
    ids: IdBlocks = field(default_factory=IdBlocks)
    # (kind, PMS id) -> the reference made in this transaction, not yet inserted
    refs: dict[tuple[str, str], Ref] = field(default_factory=dict)

    def add_ref(self, ref: Ref) -> None:
        self.refs[(str(ref[KIND]), str(ref[EXTERNAL]))] = ref

    def rehash(self, kind: str, external_id: str, digest: str) -> bool:
        """Give a reference made in this transaction its new hash; False: not one of them."""
        ref = self.refs.get((kind, external_id))
        if ref is not None:
            ref[HASH] = digest
        return ref is not None

    def find_refs(
        self, conn: sa.Connection, agency_id: int, system: str, kind: str, wanted: Collection[str]
    ) -> dict[str, tuple[int, str | None]]:
        """`lookup.refs`, the references this transaction holds included."""
        found = self.find_refs_of_kinds(conn, agency_id, system, {kind: wanted})
        return {external_id: ids for (_, external_id), ids in found.items()}

    def find_refs_of_kinds(
        self,
        conn: sa.Connection,
        agency_id: int,
        system: str,
        wanted: Mapping[str, Collection[str]],
    ) -> lookup.Found:
        """`lookup.refs_of_kinds`, the references this transaction holds included."""
        found, asked = self.split_held(wanted)
        found.update(lookup.refs_of_kinds(conn, agency_id, system, asked))
        return found

    def split_held(
        self, wanted: Mapping[str, Collection[str]]
    ) -> tuple[lookup.Found, dict[str, list[str]]]:
        """The references this transaction holds of those wanted, and the rest by kind."""
        found: lookup.Found = {}
        asked: dict[str, list[str]] = {}
        for kind, external_ids in wanted.items():
            for external_id in external_ids:
                held = self.held_ref(kind, external_id)
                if held is None:
                    asked.setdefault(kind, []).append(external_id)
                else:
                    found[(kind, external_id)] = held
        return found, asked

    def held_ref(self, kind: str, external_id: str) -> tuple[int, str | None] | None:
        """(our id, hash) of the reference made in this transaction, not yet inserted."""
        ref = self.refs.get((kind, external_id))
        return None if ref is None else (ref[ENTITY], ref[HASH])  # type: ignore[return-value]

    def insert_if_many(self, conn: sa.Connection) -> None:
        """Insert what is held now if it is `MOST` rows or more: a transaction's worth of a
        large first sync held whole cost 15 MB more at 100k units (peak 286 MB of 300)."""
        if len(self.refs) + self.held.count >= self.MOST:
            self.insert(conn)

    def insert(self, conn: sa.Connection) -> None:
        """Insert what is held, in the transaction about to end: references first."""
        refs, self.refs = self.refs, {}
        insert_rows(conn, external_refs, REF_COLUMNS, [tuple(ref) for ref in refs.values()])
        self.held.insert(conn)

    def drop(self) -> None:
        """Forget what is held: its transaction was rolled back."""
        self.refs = {}
        self.held.drop()
