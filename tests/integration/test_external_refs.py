"""C-02: synced records keep their external references (system, external_id, external_oid?),
from more than one system; (agency, kind, system, external_id) names one record."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.people import ExternalRef
from repairlink.errors import ConflictError
from repairlink.services import references
from repairlink.services.auth import Principal
from repairlink.store.tables import cols
from tests.factories import make_agency, make_occupier, make_unit, uow_of


def test_c_02_a_record_carries_references_from_two_systems(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin)
    references.add_reference(
        uow_of(app, admin), "unit", unit.id, system="alto", external_id="P-1", external_oid="oid-9"
    )
    references.add_reference(
        uow_of(app, admin), "unit", unit.id, system="propman", external_id="U-77"
    )
    refs = references.references_of(uow_of(app, admin), "unit", unit.id).items
    assert {(r.system, r.external_id, r.external_oid) for r in refs} == {
        ("alto", "P-1", "oid-9"),
        ("propman", "U-77", None),
    }


def test_c_02_adding_the_same_reference_again_changes_nothing(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin)
    first = references.add_reference(
        uow_of(app, admin), "unit", unit.id, system="alto", external_id="P-2"
    )
    again = references.add_reference(
        uow_of(app, admin), "unit", unit.id, system="alto", external_id="P-2"
    )
    assert again.id == first.id
    assert len(references.references_of(uow_of(app, admin), "unit", unit.id).items) == 1


def test_c_02_one_identity_names_one_record_service_refuses_a_second(
    app: App, admin: Principal
) -> None:
    one, two = make_unit(app, admin), make_unit(app, admin)
    references.add_reference(uow_of(app, admin), "unit", one.id, system="alto", external_id="P-3")
    with pytest.raises(ConflictError) as err:
        references.add_reference(
            uow_of(app, admin), "unit", two.id, system="alto", external_id="P-3"
        )
    assert err.value.rule == "C-02"
    assert references.references_of(uow_of(app, admin), "unit", two.id).items == []


def test_c_02_the_database_enforces_the_identity_too(app: App, admin: Principal) -> None:
    """Even a writer that skips the service (a bulk sync path) cannot store a duplicate."""
    one, two = make_unit(app, admin), make_unit(app, admin)
    references.add_reference(uow_of(app, admin), "unit", one.id, system="alto", external_id="P-4")
    with uow_of(app, admin) as u:
        u.add(
            ExternalRef(
                agency_id=u.agency,
                entity_kind="unit",
                entity_id=two.id,
                system="alto",
                external_id="P-4",
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            u.flush()
    with uow_of(app, admin) as u:
        ref = cols(ExternalRef)
        rows = u.all(u.select(ExternalRef, ref.system == "alto", ref.external_id == "P-4"))
        assert [r.entity_id for r in rows] == [one.id]


def test_c_02_identity_is_per_agency_and_per_kind(app: App, admin: Principal) -> None:
    """The same PMS id may name a unit here, an occupier here, and a unit of another agency."""
    theirs = make_agency(app)
    unit, occupier, their_unit = (
        make_unit(app, admin),
        make_occupier(app, admin),
        make_unit(app, theirs),
    )
    references.add_reference(uow_of(app, admin), "unit", unit.id, system="alto", external_id="42")
    references.add_reference(
        uow_of(app, admin), "occupier", occupier.id, system="alto", external_id="42"
    )
    references.add_reference(
        uow_of(app, theirs), "unit", their_unit.id, system="alto", external_id="42"
    )
    mine = references.references_of(uow_of(app, admin), "unit", unit.id).items
    assert [(r.entity_id, r.external_id) for r in mine] == [(unit.id, "42")]
