"""Phones in the console's audit trail (C-13) as the agency's country writes them, never in
the E.164 form they are stored in: a UK agency's own numbers nationally ('07700 900248'),
another country's internationally."""

from __future__ import annotations

from repairlink.bootstrap import App
from repairlink.domain.people import Occupier
from repairlink.services import people_and_places
from repairlink.services.auth import Principal
from tests.factories import uow_of
from tests.integration.console_login import console_as_admin


def test_c_13_a_phone_change_reads_as_the_agency_writes_phones(
    app: App, agency_id: int, admin: Principal
) -> None:
    values = {"first_name": "Ada", "surname": "Lovelace", "phone": "07700 900542"}
    ada = people_and_places.create(uow_of(app, admin), Occupier, values)
    changes = {"phone": "07700 900248", "phone2": "+1 415 555 2671"}
    people_and_places.update(uow_of(app, admin), Occupier, ada.id, changes)
    with console_as_admin(app, agency_id) as console:
        page = console.get(f"/occupiers/{ada.id}")
    assert page.status_code == 200, page.text
    assert "Phone: 07700 900542 → 07700 900248" in page.text
    assert "Second phone: — → +1 415-555-2671" in page.text
    assert "+44" not in page.text
