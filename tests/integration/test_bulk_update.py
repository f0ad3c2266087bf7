"""Many rows updated at once, each by its key (store/bulk_update: one statement for them all on
PostgreSQL), leave the database as one statement a row would: only the rows named, only the
columns named, times and JSON stored as SQLAlchemy stores them, a long value refused rather
than cut short."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.inbound.held import REF_COLUMNS
from repairlink.services import agencies
from repairlink.store.bulk import insert_many, insert_rows
from repairlink.store.bulk_update import update_many
from repairlink.store.tables import contractors, external_refs

c = contractors.c


def _people(app: App, agency_id: int, names: list[str]) -> None:
    rows = [
        {"agency_id": agency_id, "first_name": n, "email": f"{n}@x.test", "phone": "01"}
        for n in names
    ]
    with app.engine.begin() as conn:
        insert_many(conn, contractors, rows)


def _stored(app: App, agency_id: int) -> list[tuple[object, ...]]:
    with app.engine.connect() as conn:
        query = (
            sa.select(c.first_name, c.surname, c.phone, c.archived_at, c.trades)
            .where(c.agency_id == agency_id)
            .order_by(c.first_name)
        )
        return [tuple(row) for row in conn.execute(query)]


def test_only_the_rows_and_columns_named_change(app: App, agency_id: int) -> None:
    other = agencies.create_agency(app.uow(Actor.system()), name="Other", slug=f"o-{agency_id}")
    for agency in (agency_id, other.id):
        _people(app, agency, ["Ann", "Bob", "Cat"])
    archived = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    rows: list[dict[str, object]] = [
        {"_email": "Ann@x.test", "surname": "Able", "phone": None, "archived_at": archived},
        {"_email": "Cat@x.test", "surname": "Cole", "phone": "02", "archived_at": None},
        {"_email": "Cat@x.test", "surname": "Cray", "phone": "03", "archived_at": None},
    ]
    with app.engine.begin() as conn:
        update_many(conn, contractors, "email", rows, where={"agency_id": agency_id})
        # a column of JSON goes one statement a row, to the same effect
        trades: list[dict[str, object]] = [{"_email": "Bob@x.test", "trades": ["gas", "roofs"]}]
        update_many(conn, contractors, "email", trades, where={"agency_id": agency_id})
    assert _stored(app, agency_id) == [
        ("Ann", "Able", None, archived, []),
        ("Bob", "", "01", None, ["gas", "roofs"]),
        ("Cat", "Cray", "03", None, []),  # a key given twice: its last row counts
    ]
    assert _stored(app, other.id) == [  # the same emails at another agency: untouched
        ("Ann", "", "01", None, []),
        ("Bob", "", "01", None, []),
        ("Cat", "", "01", None, []),
    ]


def test_a_value_too_long_for_its_column_is_never_stored_cut_short(
    app: App, agency_id: int
) -> None:
    _people(app, agency_id, ["Ann"])
    long_phone = "0" * 40  # the column holds 32
    refused = False
    try:
        with app.engine.begin() as conn:
            rows = [{"_email": "Ann@x.test", "phone": long_phone}]
            update_many(conn, contractors, "email", rows, where={"agency_id": agency_id})
    except sa.exc.DataError:
        refused = True
    (stored,) = _stored(app, agency_id)
    if app.engine.dialect.name == "postgresql":
        assert refused  # as the statement of one row is refused
    assert stored[2] == ("01" if refused else long_phone)  # SQLite keeps text whole


def test_a_reference_s_new_hash_is_written_for_its_own_system_and_kind_only(
    app: App, agency_id: int
) -> None:
    """How a sync re-hashes references: by the PMS's id, within the agency, system and kind
    (the same PMS id names a unit and a landlord; another PMS may use it too)."""
    r = external_refs.c
    refs = [
        (agency_id, kind, n, system, "7", None, "old")
        for n, (kind, system) in enumerate(
            [("unit", "alto"), ("landlord", "alto"), ("unit", "propman")], start=1
        )
    ]
    with app.engine.begin() as conn:
        insert_rows(conn, external_refs, REF_COLUMNS, refs)
        where = {"agency_id": agency_id, "system": "alto", "entity_kind": "unit"}
        rows = [{"_external_id": "7", "content_hash": "new"}]
        update_many(conn, external_refs, "external_id", rows, where=where)
        stored = conn.execute(
            sa.select(r.entity_kind, r.system, r.content_hash)
            .where(r.agency_id == agency_id)
            .order_by(r.entity_id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("unit", "alto", "new"),
        ("landlord", "alto", "old"),
        ("unit", "propman", "old"),
    ]
