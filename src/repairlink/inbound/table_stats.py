"""Fresh planner statistics while a sync fills tables (PostgreSQL).

A first full sync grows `external_refs` and the record tables from nothing in seconds, and
autovacuum looks at them once a minute. Until it does, the planner believes they hold a row or
two: each page's reference lookup then walks the agency's whole range of references instead of
seeking each id (and the prepared statement's cached generic plan keeps that choice). Measured
at 5,000 units: 7.4 ms a lookup instead of 0.3 ms, growing with the portfolio, so a run slowed
as it went. The run therefore ANALYZEs the tables it looks records up in (references, and the
tables matched by email or address) each time its rows written have grown fourfold: a handful
of times a run, each a sample of at most 30,000 rows per table (PostgreSQL's default statistics
target), and the plans that used the old figures are made again.
"""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.inbound.kinds import spec
from repairlink.pms.profile import Match, MatchBy, Profile
from repairlink.store.tables import external_refs

FIRST_AT = 1_000  # rows written before the first look: small runs never pay for one
GROWTH = 4
LOOKED_UP_BY = {MatchBy.EMAIL, MatchBy.ADDRESS}  # reference lookups are on external_refs


class TableStats:
    def __init__(self, dialect: sa.Dialect, profile: Profile) -> None:
        # SQLite's planner seeks a unique index on all its columns without statistics
        self.enabled = dialect.name == "postgresql"
        matched = (m.kind for m in profile.of(Match) if LOOKED_UP_BY.intersection(m.by))
        self.tables = [external_refs.name, *sorted({spec(kind).table.name for kind in matched})]
        self.next_at = FIRST_AT

    def after_commit(self, db: sa.Engine, rows_written: int) -> None:
        """Called after each committed transaction of a real (not dry) run."""
        if not self.enabled or rows_written < self.next_at:
            return
        with db.begin() as conn:
            for table in self.tables:
                conn.execute(sa.text(f'ANALYZE "{table}"'))
        self.next_at = rows_written * GROWTH
