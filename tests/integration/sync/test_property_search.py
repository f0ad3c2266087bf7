"""Property search as the console offers it (issue 17): any part of the address as the list
writes it, the postcode with or without its space, any case, and the reference a PMS gave the
property, here through a real sync from the Alto simulator. On SQLite and PostgreSQL."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.domain.places import Unit
from repairlink.services import people_and_places, references, units
from repairlink.services.auth import Principal
from repairlink.services.units import UnitFilter
from tests.factories import uow_of
from tests.integration.sync.conftest import held, sync


def _found(app: App, who: Principal, q: str) -> list[int]:
    return [u.id for u in units.find_units(uow_of(app, who), q=q, status=UnitFilter.ALL).items]


def test_a_property_is_found_by_any_part_of_its_address_as_shown(
    app: App, admin: Principal
) -> None:
    flat = people_and_places.create(
        uow_of(app, admin),
        Unit,
        {"flat": "Flat 1", "line1": "12 Albion Road", "town": "London", "postcode": "n16 9ph"},
    )
    other = people_and_places.create(
        uow_of(app, admin),
        Unit,
        {"flat": "Flat 2", "line1": "12 Albion Road", "town": "London", "postcode": "N16 9PH"},
    )
    assert flat.address.one_line() == "Flat 1, 12 Albion Road, London, N16 9PH"
    for q in ("Flat 1, 12 Albion Road", "flat 1 12 albion", "N169PH", "n16 9ph", "LONDON N16"):
        assert flat.id in _found(app, admin, q), q
    assert _found(app, admin, "Flat 1, 12 Albion Road") == [flat.id]
    assert set(_found(app, admin, "N169PH")) == {flat.id, other.id}
    assert _found(app, admin, "Albion Road, Leeds") == []


def test_a_property_is_found_by_its_pms_reference_after_a_real_alto_sync(
    app: App, admin: Principal, connected: int
) -> None:
    sync(app, connected, full=True)
    ours = held(app, connected, "unit")
    alto_id, unit_id = sorted(ours.items())[0]
    assert _found(app, admin, alto_id) == [unit_id]
    refs = references.references_for(uow_of(app, admin), "unit", [unit_id])
    (ref,) = refs[unit_id]
    assert (ref.system, ref.external_id) == ("alto", alto_id)
    if ref.external_oid:  # the OID Alto gave it finds it too
        assert _found(app, admin, ref.external_oid) == [unit_id]
