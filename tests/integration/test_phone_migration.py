"""Migration 0015: phone numbers a US agency's records were given as British (+44) before phones
were read in the agency's country are read again as dialled there; a real British number, and
every number of a British agency, stay as they are; each change is in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from repairlink.domain.agency import CostsOption, InvoiceOption
from repairlink.store import tables
from repairlink.store.db import make_engine
from repairlink.store.migrate import upgrade
from tests.conftest import new_pg_database

MISREAD = "+444155553628"  # "(415) 555-3628" read as British
BRITISH = "+442079460958"  # a London number: valid, whatever the agency's country


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with new_pg_database() as url:
        yield url


def _agency(conn: sa.Connection, slug: str, locale: str) -> int:
    return int(
        conn.execute(
            tables.agencies.insert().returning(tables.agencies.c.id),
            {
                "name": slug,
                "slug": slug,
                "costs_option": CostsOption.OPTIONAL,
                "invoice_option": InvoiceOption.OPTIONAL,
                "locale": locale,
                "created_at": datetime.now(UTC),
            },
        ).scalar_one()
    )


def _person(conn: sa.Connection, table: sa.Table, agency_id: int, **phones: str) -> int:
    row = {"agency_id": agency_id, "first_name": "Ana", "surname": "Reyes", **phones}
    return int(conn.execute(table.insert().returning(table.c.id), row).scalar_one())


def test_a_us_agency_s_numbers_stored_as_british_are_read_again_as_american(
    fresh_url: str,
) -> None:
    upgrade(fresh_url, "0014")
    engine = make_engine(fresh_url)
    with engine.begin() as conn:
        us = _agency(conn, "us-agency", "en_US")
        gb = _agency(conn, "gb-agency", "en_GB")
        resident = _person(conn, tables.occupiers, us, phone=MISREAD, phone2=BRITISH)
        vendor = _person(conn, tables.contractors, us, phone="+442125551234")
        british_resident = _person(conn, tables.occupiers, gb, phone=MISREAD)
    upgrade(fresh_url)

    with engine.connect() as conn:

        def phones(table: sa.Table, row_id: int) -> tuple[str | None, str | None]:
            row = conn.execute(
                sa.select(table.c.phone, table.c.phone2).where(table.c.id == row_id)
            ).one()
            return row.phone, row.phone2

        assert phones(tables.occupiers, resident) == ("+14155553628", BRITISH)
        assert phones(tables.contractors, vendor) == ("+12125551234", None)
        assert phones(tables.occupiers, british_resident) == (MISREAD, None)
        audit = tables.audit_log.c
        trail = conn.execute(
            sa.select(audit.entity_kind, audit.entity_id, audit.actor_kind, audit.changes)
            .where(audit.agency_id.in_([us, gb]))
            .order_by(audit.id)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in trail] == [
        ("occupier", resident, "system", {"phone": [MISREAD, "+14155553628"]}),
        ("contractor", vendor, "system", {"phone": ["+442125551234", "+12125551234"]}),
    ]
