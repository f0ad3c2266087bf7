"""A first full sync on PostgreSQL refreshes the planner's statistics of the tables it fills
while it fills them (inbound/table_stats.py): without, every page's reference lookup walked the
agency's whole range of references, every tenancy's foreign-key check scanned the whole
occupiers table, and a run slowed as it went."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors.alto.connector import AltoConnector
from repairlink.domain.actors import Actor
from repairlink.inbound.table_stats import FIRST_AT, TableStats
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.retry import RetryPolicy
from repairlink.services import agencies
from repairlink.simulators.alto import running_alto
from repairlink.store.tables import external_refs
from tests.integration.sync.conftest import settings_for


def _analyzed(app: App, table: str) -> int:
    with app.engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :t"),
            {"t": table},
        ).scalar_one()
    return int(count)


def _rows_seen(app: App, table: str) -> float:
    """The rows the planner believes the table holds: what its last ANALYZE counted."""
    with app.engine.connect() as conn:
        return float(
            conn.execute(
                sa.text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
            ).scalar_one()
        )


TABLES = ("external_refs", "units", "occupiers", "tenancies")


def test_a_large_first_sync_on_postgresql_refreshes_each_filled_table_s_statistics(
    apps: dict[str, App],
) -> None:
    app = apps["postgresql"]
    agency = agencies.create_agency(app.uow(Actor.system()), name="Stats", slug="stats-pg")
    before = {table: _analyzed(app, table) for table in TABLES}
    with running_alto(seed=3, units=1_500) as alto:
        connect(app, agency.id, "alto", settings_for(alto))
        state = run_sync(
            app, agency.id, "alto", full=True, retry=RetryPolicy(sleep=lambda _s: None)
        )
    assert state.counts["tenancy"]["created"] >= FIRST_AT
    for table in TABLES:
        # ANALYZE by the run itself (autovacuum's count is another column), each table once
        # it held rows of the run: one reached late was looked at while still empty, and the
        # plans then made (its foreign-key checks: a scan of the whole table) were kept
        assert _analyzed(app, table) > before[table], table
        assert _rows_seen(app, table) >= FIRST_AT, table


def test_a_small_sync_does_not_pay_for_statistics(apps: dict[str, App]) -> None:
    app = apps["postgresql"]
    agency = agencies.create_agency(app.uow(Actor.system()), name="Small", slug="stats-small")
    before = _analyzed(app, "external_refs")
    with running_alto(seed=3, units=20) as alto:
        connect(app, agency.id, "alto", settings_for(alto))
        state = run_sync(
            app, agency.id, "alto", full=True, retry=RetryPolicy(sleep=lambda _s: None)
        )
    assert 0 < state.rows_written < 1_000
    assert _analyzed(app, "external_refs") == before


def _refs(app: App, agency_id: int, kind: str, count: int) -> None:
    rows = [
        {
            "agency_id": agency_id,
            "entity_kind": kind,
            "entity_id": n,
            "system": "alto",
            "external_id": f"{kind}-{n}",
        }
        for n in range(count)
    ]
    with app.engine.begin() as conn:
        conn.execute(sa.insert(external_refs), rows)


def test_a_kind_reached_late_has_its_references_looked_at_on_their_own(
    apps: dict[str, App],
) -> None:
    """A first sync creates its units' references, then (streams later) its tenancies': the
    references were counted as one, so the tenancies' first FIRST_AT did not bring the total to
    its next look, and the statistics said there were no tenancy references at all; each page's
    look-up of them then walked every one (30 ms against 1 at 100k units)."""
    app = apps["postgresql"]
    agency = agencies.create_agency(app.uow(Actor.system()), name="Late", slug="stats-late")
    stats = TableStats(app.engine.dialect, AltoConnector.profile)
    _refs(app, agency.id, "unit", FIRST_AT * 2)
    stats.after_commit(app.engine, {"unit": {"created": FIRST_AT * 2}})
    looked = _analyzed(app, "external_refs")

    _refs(app, agency.id, "tenancy", FIRST_AT)
    made = {"unit": {"created": FIRST_AT * 2}, "tenancy": {"created": FIRST_AT}}
    stats.after_commit(app.engine, made)

    assert _analyzed(app, "external_refs") == looked + 1
    stats.after_commit(app.engine, made)  # nothing more made: not looked at again
    assert _analyzed(app, "external_refs") == looked + 1
