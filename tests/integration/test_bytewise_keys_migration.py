"""Migration 0018, PostgreSQL: a PMS reference's parts, people's emails and a unit's address key
are compared byte by byte (their indexes with them); a reference stays unique, and a
downgrade puts the database's collation back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from repairlink.store import tables
from repairlink.store.migrate import alembic_config, upgrade
from tests.conftest import new_pg_database

COLLATIONS = (
    "SELECT table_name || '.' || column_name, coalesce(collation_name, 'default') "
    "FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND column_name IN ('entity_kind', 'system', 'external_id', 'email', 'address_key') "
    "AND table_name IN ('external_refs', 'units', 'occupiers', 'landlords', 'contractors',"
    " 'agents', 'rmcs')"
)
KEYS = {
    "external_refs.entity_kind",
    "external_refs.system",
    "external_refs.external_id",
    "units.address_key",
    "occupiers.email",
    "landlords.email",
    "contractors.email",
    "agents.email",
    "rmcs.email",
}


@pytest.fixture
def pg_url() -> Iterator[str]:
    with new_pg_database() as url:
        yield url


def _collations(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {str(key): str(name) for key, name in conn.execute(sa.text(COLLATIONS))}
    engine.dispose()
    return found


def test_lookup_keys_compare_bytewise_and_a_downgrade_restores_the_collation(pg_url: str) -> None:
    upgrade(pg_url, "0017")
    assert set(_collations(pg_url)) == KEYS
    assert set(_collations(pg_url).values()) == {"default"}

    upgrade(pg_url, "0018")
    assert _collations(pg_url) == dict.fromkeys(KEYS, "C")

    command.downgrade(alembic_config(pg_url), "0017")
    assert set(_collations(pg_url).values()) == {"default"}


def test_a_pms_reference_is_still_unique(pg_url: str) -> None:
    upgrade(pg_url)
    engine = sa.create_engine(pg_url)
    ref = {
        "agency_id": 1,
        "entity_kind": "unit",
        "entity_id": 7,
        "system": "alto",
        "external_id": "10000042",
    }
    with engine.connect() as conn:
        conn.execute(tables.external_refs.insert(), ref)
        with pytest.raises(sa.exc.IntegrityError, match="uq_external_refs_identity"):
            conn.execute(tables.external_refs.insert(), {**ref, "entity_id": 8})
    engine.dispose()
