"""A run's writer holds the references it makes to the end of their transaction
(inbound/held.py): its own look-ups find them there, a hash changed meanwhile is the one
inserted, and a transaction rolled back leaves nothing of them."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.inbound import lookup
from repairlink.inbound.held import RunWrites

SYSTEM = "alto"


def _ref(agency_id: int, external_id: str, entity_id: int, digest: str) -> list[object]:
    return [agency_id, "unit", entity_id, SYSTEM, external_id, None, digest]


def test_held_references_are_found_rehashed_and_inserted_at_the_end(
    app: App, agency_id: int
) -> None:
    writes = RunWrites()
    with app.engine.begin() as conn:
        writes.add_ref(_ref(agency_id, "P1", 11, "first"))
        assert lookup.refs(conn, agency_id, SYSTEM, "unit", ["P1"]) == {}  # not yet inserted
        found = writes.find_refs(conn, agency_id, SYSTEM, "unit", ["P1", "P2"])
        assert found == {"P1": (11, "first")}
        assert writes.rehash("unit", "P1", "second")
        assert not writes.rehash("unit", "P2", "second")  # not one this transaction made
        writes.insert(conn)
    with app.engine.connect() as conn:
        assert lookup.refs(conn, agency_id, SYSTEM, "unit", ["P1"]) == {"P1": (11, "second")}
        assert writes.find_refs(conn, agency_id, SYSTEM, "unit", ["P1"]) == {"P1": (11, "second")}


def test_references_dropped_with_their_rolled_back_transaction_are_never_inserted(
    app: App, agency_id: int
) -> None:
    writes = RunWrites()
    with app.engine.connect() as conn:
        writes.add_ref(_ref(agency_id, "P9", 19, "h"))
        writes.drop()
        with conn.begin():
            writes.insert(conn)
        assert writes.find_refs(conn, agency_id, SYSTEM, "unit", ["P9"]) == {}
        assert lookup.refs(conn, agency_id, SYSTEM, "unit", ["P9"]) == {}


class _FewHeld(RunWrites):
    MOST = 2


def test_references_go_before_the_commit_once_many_are_held(app: App, agency_id: int) -> None:
    """Memory stays bounded whatever a transaction takes: past `MOST` rows, what is held is
    inserted at the end of the page, in the same transaction."""
    writes = _FewHeld()
    with app.engine.begin() as conn:
        writes.add_ref(_ref(agency_id, "M1", 31, "h"))
        writes.insert_if_many(conn)
        assert lookup.refs(conn, agency_id, SYSTEM, "unit", ["M1"]) == {}
        writes.add_ref(_ref(agency_id, "M2", 32, "h"))
        writes.insert_if_many(conn)
        found = lookup.refs(conn, agency_id, SYSTEM, "unit", ["M1", "M2"])
        assert found == {"M1": (31, "h"), "M2": (32, "h")}
        assert writes.refs == {}
