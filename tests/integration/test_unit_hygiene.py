"""H-05 (deactivate / reactivate a property, the 'is property active' filter) and H-06 (merge
duplicated properties so that one address has one unit)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.people import UnitLandlord
from repairlink.domain.places import Unit
from repairlink.errors import ConflictError, InvalidError
from repairlink.services import history, issues, links, occupiers, references, units
from repairlink.services.auth import Principal
from repairlink.services.units import UnitFilter
from repairlink.store.tables import cols, outbox
from tests.factories import (
    living_occupier,
    make_issue,
    make_landlord,
    make_unit,
    uow_of,
)

RECON = Actor(ActorKind.RECONCILIATION, 9, "monthly reconciliation")


def listed(app: App, who: Principal, **kw: Any) -> set[int]:
    return {u.id for u in units.list_units(uow_of(app, who), limit=500, **kw).items}


def unit_events(app: App, unit_id: int) -> list[Any]:
    with app.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(outbox.c.event_type, outbox.c.payload)
                .where(outbox.c.aggregate_kind == "unit", outbox.c.aggregate_id == unit_id)
                .order_by(outbox.c.id)
            )
        )


def test_h_05_deactivated_unit_leaves_the_default_list_and_filters_find_it(
    app: App, admin: Principal
) -> None:
    kept, gone = make_unit(app, admin), make_unit(app, admin)
    units.deactivate_unit(uow_of(app, admin), gone.id)
    assert listed(app, admin) == {kept.id}
    assert listed(app, admin, status=UnitFilter.ACTIVE) == {kept.id}
    assert listed(app, admin, status=UnitFilter.DEACTIVATED) == {gone.id}
    assert listed(app, admin, status=UnitFilter.ALL) == {kept.id, gone.id}

    back = units.reactivate_unit(uow_of(app, admin), gone.id)
    assert (back.active, back.deactivated_at, back.deactivated_by) == (True, None, None)
    assert listed(app, admin) == {kept.id, gone.id}
    assert listed(app, admin, status=UnitFilter.DEACTIVATED) == set()
    assert [e.event_type for e in unit_events(app, gone.id)] == [
        "unit.deactivated",
        "unit.reactivated",
    ]


@pytest.mark.parametrize(
    ("actor_kind", "by_person"),
    [(ActorKind.USER, True), (ActorKind.API_KEY, True), (ActorKind.RECONCILIATION, False)],
)
def test_h_05_deactivated_by_records_the_actor_kind(
    app: App, admin: Principal, actor_kind: ActorKind, by_person: bool
) -> None:
    unit = make_unit(app, admin)
    units.deactivate_unit(app.uow(Actor(actor_kind, 3, "who"), admin.agency_id), unit.id)
    with uow_of(app, admin) as u:
        stored = u.get(Unit, unit.id)
        assert stored.deactivated_by == actor_kind.value
        assert stored.deactivated_by_person is by_person
        assert stored.deactivated_at is not None


def test_h_05_deactivating_twice_or_reactivating_an_active_unit_is_refused(
    app: App, admin: Principal
) -> None:
    unit = make_unit(app, admin)
    with pytest.raises(ConflictError) as err:
        units.reactivate_unit(uow_of(app, admin), unit.id)
    assert err.value.rule == "H-05"
    units.deactivate_unit(app.uow(RECON, admin.agency_id), unit.id)
    with pytest.raises(ConflictError) as err:
        units.deactivate_unit(uow_of(app, admin), unit.id)
    assert err.value.rule == "H-05"
    with uow_of(app, admin) as u:  # the first deactivation stands
        assert u.get(Unit, unit.id).deactivated_by == "reconciliation"


def test_h_05_search_within_the_filter(app: App, admin: Principal) -> None:
    mill = make_unit(app, admin, line1="7 Mill Lane", postcode="YO1 7HH")
    make_unit(app, admin, line1="8 Other Road")
    units.deactivate_unit(uow_of(app, admin), mill.id)
    assert listed(app, admin, q="mill lane") == set()
    assert listed(app, admin, q="mill lane", status=UnitFilter.DEACTIVATED) == {mill.id}
    assert listed(app, admin, q="yo1 7hh", status=UnitFilter.ALL) == {mill.id}


def test_h_06_merge_moves_everything_to_the_survivor_and_records_it(
    app: App, admin: Principal
) -> None:
    survivor = make_unit(app, admin, flat="Flat 2", line1="10 High Street", postcode="SW1A 1AA")
    duplicate = make_unit(app, admin, flat="flat 2", line1="10, high street.", postcode="sw1a1aa")
    assert survivor.address_key == duplicate.address_key  # the same address, spelled twice
    on_survivor = make_issue(app, admin, survivor)
    moved_issues = [make_issue(app, admin, duplicate), make_issue(app, admin, duplicate)]
    occupier = living_occupier(app, admin, duplicate)
    shared, only_dup = make_landlord(app, admin), make_landlord(app, admin)
    links.link_landlord(uow_of(app, admin), landlord_id=shared.id, unit_id=survivor.id)
    links.link_landlord(uow_of(app, admin), landlord_id=shared.id, unit_id=duplicate.id)
    links.link_landlord(
        uow_of(app, admin), landlord_id=only_dup.id, unit_id=duplicate.id, primary=True
    )
    references.add_reference(
        uow_of(app, admin), "unit", survivor.id, system="propman", external_id="U-1"
    )
    dup_ref = references.add_reference(
        uow_of(app, admin), "unit", duplicate.id, system="alto", external_id="P-1", external_oid="o"
    )

    units.merge_units(uow_of(app, admin), survivor_id=survivor.id, duplicate_id=duplicate.id)

    # issues
    all_issues = issues.list_issues(uow_of(app, admin), admin, limit=500).items
    assert {i.id: i.unit_id for i in all_issues} == {
        i.id: survivor.id for i in [on_survivor, *moved_issues]
    }
    # occupiers (through their tenancies)
    at_survivor = occupiers.list_occupiers(uow_of(app, admin), unit_id=survivor.id).items
    assert [o.id for o in at_survivor] == [occupier.id]
    assert occupiers.list_occupiers(uow_of(app, admin), unit_id=duplicate.id).items == []
    # landlords: one link each, the shared one not doubled
    with uow_of(app, admin) as u:
        rows = u.all(u.select(UnitLandlord))
        assert sorted((r.unit_id, r.landlord_id) for r in rows) == sorted(
            [(survivor.id, shared.id), (survivor.id, only_dup.id)]
        )
    # external references
    refs = references.references_of(uow_of(app, admin), "unit", survivor.id).items
    assert {(r.system, r.external_id, r.external_oid) for r in refs} == {
        ("propman", "U-1", None),
        ("alto", "P-1", "o"),
    }
    assert references.references_of(uow_of(app, admin), "unit", duplicate.id).items == []
    # the duplicate
    with uow_of(app, admin) as u:
        dup = u.get(Unit, duplicate.id)
        assert (dup.active, dup.merged_into_id, dup.deactivated_by) == (False, survivor.id, "user")
    assert listed(app, admin) == {survivor.id}

    # ... and the audit trail records each move
    def last_change(kind: str, record_id: int) -> dict[str, list[Any]]:
        return history.history(uow_of(app, admin), kind, record_id)[-1].changes

    for issue in moved_issues:
        assert last_change("issue", issue.id)["unit_id"] == [duplicate.id, survivor.id]
    assert last_change("external_ref", dup_ref.id)["entity_id"] == [duplicate.id, survivor.id]
    dup_changes = last_change("unit", duplicate.id)
    assert dup_changes["active"] == [True, False]
    assert dup_changes["merged_into_id"] == [None, survivor.id]
    with uow_of(app, admin) as u:
        link = cols(UnitLandlord)
        moved_link = u.first(u.select(UnitLandlord, link.landlord_id == only_dup.id))
        assert moved_link is not None
        moved_link_id = moved_link.id
    assert last_change("unit_landlord", moved_link_id)["unit_id"] == [duplicate.id, survivor.id]
    (merged,) = [e for e in unit_events(app, survivor.id) if e.event_type == "unit.merged"]
    assert merged.payload == {"duplicate_id": duplicate.id}


def test_h_06_a_comment_to_all_occupiers_reaches_the_moved_occupiers(
    app: App, admin: Principal
) -> None:
    survivor, duplicate = make_unit(app, admin), make_unit(app, admin)
    here = living_occupier(app, admin, survivor)
    there = living_occupier(app, admin, duplicate)
    issue = make_issue(app, admin, duplicate)
    units.merge_units(uow_of(app, admin), survivor_id=survivor.id, duplicate_id=duplicate.id)
    comment = issues.add_comment(
        uow_of(app, admin), admin, issue.id, body="Scaffolding up", to_all_occupiers=True
    )
    assert sorted(comment.recipient_ids) == sorted([here.id, there.id])


def test_h_06_merge_refusals(app: App, admin: Principal) -> None:
    a, b, c = make_unit(app, admin), make_unit(app, admin), make_unit(app, admin)
    with pytest.raises(InvalidError) as err:
        units.merge_units(uow_of(app, admin), survivor_id=a.id, duplicate_id=a.id)
    assert err.value.rule == "H-06"
    units.merge_units(uow_of(app, admin), survivor_id=a.id, duplicate_id=b.id)
    with pytest.raises(InvalidError) as err:  # merged once is enough
        units.merge_units(uow_of(app, admin), survivor_id=c.id, duplicate_id=b.id)
    assert (err.value.field, err.value.rule) == ("duplicate_id", "H-06")
    with pytest.raises(InvalidError) as err:  # nothing may be merged into a merged-away unit
        units.merge_units(uow_of(app, admin), survivor_id=b.id, duplicate_id=c.id)
    assert (err.value.field, err.value.rule) == ("survivor_id", "H-06")
    with pytest.raises(ConflictError) as conflict:
        units.reactivate_unit(uow_of(app, admin), b.id)
    assert conflict.value.rule == "H-06"
    with uow_of(app, admin) as u:
        assert u.get(Unit, c.id).active
        assert u.get(Unit, c.id).merged_into_id is None


def test_h_06_the_merged_unit_keeps_one_primary_landlord(app: App, admin: Principal) -> None:
    survivor, duplicate = make_unit(app, admin), make_unit(app, admin)
    mine, theirs = make_landlord(app, admin), make_landlord(app, admin)
    links.link_landlord(uow_of(app, admin), landlord_id=mine.id, unit_id=survivor.id, primary=True)
    links.link_landlord(
        uow_of(app, admin), landlord_id=theirs.id, unit_id=duplicate.id, primary=True
    )
    units.merge_units(uow_of(app, admin), survivor_id=survivor.id, duplicate_id=duplicate.id)
    with uow_of(app, admin) as u:
        rows = u.all(u.select(UnitLandlord, cols(UnitLandlord).unit_id == survivor.id))
        assert sorted((r.landlord_id, r.primary) for r in rows) == sorted(
            [(mine.id, True), (theirs.id, False)]
        )
