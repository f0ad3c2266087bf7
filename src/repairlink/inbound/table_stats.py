"""Fresh planner statistics while a sync fills tables (PostgreSQL).

A first full sync grows `external_refs` and the record tables from nothing in seconds, and
autovacuum looks at them once a minute. Until it does, the planner believes they hold a row or
two, and the plans it makes then are kept: a prepared statement's generic plan, and the plan of
each foreign-key check (`SELECT 1 FROM units WHERE id = $1`, made once a session). Each page's
reference lookup then walked the agency's whole range of references (7.4 ms a lookup instead of
0.3 ms at 5,000 units), and every tenancy's check of its occupier scanned the whole occupiers
table (a 20k-unit run's COPY of tenancies took 2.9 s of the server's 8 s, 0.27 ms a row; the
look-ups by email 1.2 s more). So the run ANALYZEs each table it fills (references, and every
kind's table: what it looks up, and what the foreign keys of its other rows point at) once this
run has created `FIRST_AT` rows in it, and again each time that number has grown fourfold: a
handful of times a run, each a sample of at most 30,000 rows (PostgreSQL's default statistics
target); ANALYZE makes the plans that used the old figures be made again. A table is counted on
its own: one the run reaches late is not looked at while it is still empty; and so is each
kind's share of the references.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from repairlink.inbound.kinds import spec
from repairlink.pms.profile import Profile
from repairlink.store.tables import external_refs

FIRST_AT = 500  # rows created in a table before its first look: small runs never pay for one
GROWTH = 4


class TableStats:
    def __init__(self, dialect: sa.Dialect, profile: Profile) -> None:
        # SQLite's planner seeks a unique index on all its columns without statistics
        self.enabled = dialect.name == "postgresql"
        self.table_of = {kind: spec(kind).table.name for kind in profile.kinds}
        self.next_at: dict[tuple[str, str], int] = {}  # (table, kind): when to look again

    def after_commit(self, db: sa.Engine, counts: Mapping[str, Mapping[str, int]]) -> None:
        """Called after each committed transaction of a real (not dry) run, with the run's
        counts so far ({kind: {"created": n, ...}})."""
        if not self.enabled:
            return
        created = self._created(counts)
        due = [key for key, n in created.items() if n >= self.next_at.get(key, FIRST_AT)]
        if not due:
            return
        with db.begin() as conn:
            for table in sorted({key[0] for key in due}):
                conn.execute(sa.text(f'ANALYZE "{table}"'))
        for key in due:
            self.next_at[key] = created[key] * GROWTH

    def _created(self, counts: Mapping[str, Mapping[str, int]]) -> dict[tuple[str, str], int]:
        """Rows this run has created, by (table, kind): each kind's table, and its references
        (each created record has one). References are counted a kind at a time: the kinds a
        run reaches late (tenancies, their tenants) arrive after the statistics were taken on
        the earlier ones, which then say the late kind has no references, and its look-ups
        walk every one of them (30 ms a page's look-up against 1 at 100k units)."""
        created: dict[tuple[str, str], int] = {}
        for kind, table in self.table_of.items():
            made = counts.get(kind, {}).get("created", 0)
            created[(table, "")] = created.get((table, ""), 0) + made
            created[(external_refs.name, kind)] = made
        return created
