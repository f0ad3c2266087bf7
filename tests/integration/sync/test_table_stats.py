"""A first full sync on PostgreSQL refreshes the planner's statistics of the tables it looks
records up in while it fills them (inbound/table_stats.py): without, every page's reference
lookup walked the agency's whole range of references, and a run slowed as it went."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.retry import RetryPolicy
from repairlink.services import agencies
from repairlink.simulators.alto import running_alto
from tests.integration.sync.conftest import settings_for


def _analyzed(app: App, table: str) -> int:
    with app.engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :t"),
            {"t": table},
        ).scalar_one()
    return int(count)


def test_a_large_first_sync_on_postgresql_refreshes_the_lookup_tables_statistics(
    apps: dict[str, App],
) -> None:
    app = apps["postgresql"]
    agency = agencies.create_agency(app.uow(Actor.system()), name="Stats", slug="stats-pg")
    before = {table: _analyzed(app, table) for table in ("external_refs", "occupiers", "units")}
    with running_alto(seed=3, units=300) as alto:
        connect(app, agency.id, "alto", settings_for(alto))
        state = run_sync(
            app, agency.id, "alto", full=True, retry=RetryPolicy(sleep=lambda _s: None)
        )
    assert state.rows_written >= 1_000
    # ANALYZE by the run itself (autovacuum's count is another column)
    for table, count in before.items():
        assert _analyzed(app, table) > count, table


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
