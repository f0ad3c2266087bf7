"""Migration 0017, PostgreSQL: the keys from a row's agency and from a run's report rows to their
run go (PostgreSQL checks each row a sync writes against them, a statement a row); the keys
between records stay, and a downgrade puts back exactly what was there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from repairlink.store import tables
from repairlink.store.migrate import alembic_config, upgrade
from tests.conftest import new_pg_database

KEYS = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contype = 'f' ORDER BY 1, 2"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with new_pg_database() as url:
        yield url


def _keys(url: str) -> list[tuple[str, str, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        keys = [(table, name, text) for table, name, text in conn.execute(sa.text(KEYS))]
    engine.dispose()
    return keys


def test_agency_and_run_keys_go_record_links_stay_and_a_downgrade_restores_them(
    pg_url: str,
) -> None:
    upgrade(pg_url, "0016")
    before = _keys(pg_url)
    upgrade(pg_url, "0017")
    after = _keys(pg_url)

    gone = {(table, name) for table, name, _ in before} - {(t, n) for t, n, _ in after}
    assert ("audit_log", "fk_audit_log_agency_id_agencies") in gone
    assert ("units", "fk_units_agency_id_agencies") in gone
    assert ("sync_skips", "fk_sync_skips_run_id_sync_runs") in gone
    assert all(
        name.endswith(("_agencies", "_sync_runs", "_reconciliation_runs")) for _, name in gone
    )
    assert not [d for _, _, d in after if "REFERENCES agencies" in d or "REFERENCES sync_runs" in d]
    kept = {name for _, name, _ in after}
    assert {"fk_tenancies_unit_id_units", "fk_occupiers_unit_id_units"} <= kept
    assert "fk_sync_runs_connection_id_connections" in kept

    command.downgrade(alembic_config(pg_url), "0016")
    assert _keys(pg_url) == before


def test_a_record_linked_to_a_missing_record_is_still_refused(pg_url: str) -> None:
    upgrade(pg_url)
    engine = sa.create_engine(pg_url)
    row = {"agency_id": 1, "unit_id": 999_999, "first_name": "Ana", "surname": "Reyes"}
    with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError, match="fk_occupiers_unit"):
        conn.execute(tables.occupiers.insert(), row)
    engine.dispose()
