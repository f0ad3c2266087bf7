"""Alto -> Repairlink through the simulator over HTTP, on SQLite and PostgreSQL (AL-01..AL-09)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors.alto.profile import PROFILE, TRADES
from repairlink.domain.actors import Actor
from repairlink.domain.people import Contractor, Occupier
from repairlink.domain.places import Unit
from repairlink.jobs.sync_run import connect
from repairlink.pms.profile import Schedule
from repairlink.services import people_and_places
from repairlink.simulators.alto import running_alto
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.tables import contractors, landlords, occupiers, units
from tests.integration.sync.conftest import held, pull, row, settings_for, sync

GOOD = {"recordType": "Rent", "maintenanceType": "MaintainedByUs"}


def _syncs(
    item: dict[str, Any], categories: tuple[str, ...] = ("Residential", "Commercial")
) -> bool:
    """AL-02, written out from the article, to check the engine against."""
    return (
        item["recordType"] == "Rent"
        and item["managementType"] in ("Managed", "PartManaged")
        and item["maintenanceType"] == "MaintainedByUs"
        and item["status"] != "Appraisal"
        and item["categoryType"] in categories
    )


def _skips(app: App, agency_id: int, kind: str) -> dict[str, str]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT s.external_id, s.rule FROM sync_skips s "
                "JOIN sync_runs r ON r.id = s.run_id WHERE r.agency_id = :a AND s.kind = :k"
            ),
            {"a": agency_id, "k": kind},
        )
        return {r.external_id: r.rule for r in rows}


def _with_email(app: App, table: sa.Table, agency_id: int, email: str) -> int:
    """How many of the agency's records in `table` have this email (AL-09: one, merged)."""
    with app.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.agency_id == agency_id, table.c.email == email)
            ).scalar_one()
        )


def test_al_02_only_managed_rentals_handled_by_us_in_allowed_statuses_sync(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    inventory = pull(alto, "/inventory/filter", **{"max-results": 250})
    expected = {i["inventoryId"] for i in inventory if _syncs(i)}
    assert set(held(app, connected, "unit")) == expected
    skipped = _skips(app, connected, "unit")
    assert set(skipped) == {i["inventoryId"] for i in inventory} - expected
    assert set(skipped.values()) == {"AL-02"}
    assert "10000000" in skipped  # the simulator's sale record


def test_al_02_the_agency_chooses_residential_commercial_or_both(
    app: App, agency_id: int, alto: RunningAlto
) -> None:
    connect(app, agency_id, "alto", settings_for(alto, categories=["residential"]))
    sync(app, agency_id, full=True)
    inventory = {
        i["inventoryId"]: i for i in pull(alto, "/inventory/filter", **{"max-results": 250})
    }
    synced = held(app, agency_id, "unit")
    assert synced
    assert all(inventory[ext]["categoryType"] == "Residential" for ext in synced)
    assert any(_syncs(i) for i in inventory.values() if i["categoryType"] == "Commercial")


def test_al_03_units_carry_id_oid_flat_address_postcode_town_county(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    inventory = {
        i["inventoryId"]: i for i in pull(alto, "/inventory/filter", **{"max-results": 250})
    }
    with app.engine.connect() as conn:
        refs = conn.execute(
            sa.text(
                "SELECT external_id, external_oid, entity_id FROM "
                "external_refs WHERE agency_id = :a AND entity_kind = 'unit'"
            ),
            {"a": connected},
        ).all()
    assert refs
    for external_id, oid, unit_id in refs:
        source, ours = inventory[external_id], row(app, units, unit_id)
        address = source["address"]
        assert oid == source["oid"]
        assert ours["flat"] == (address["subDwelling"] or "")
        assert ours["line1"] == f"{address['nameNo']} {address['street']}".strip()
        assert ours["line2"] == (address["locality"] or "")
        assert ours["town"] == address["town"]
        assert ours["county"] == (address["county"] or "")
        assert ours["postcode"].replace(" ", "") == address["postcode"].replace(" ", "").upper()


def test_al_04_and_al_08_occupiers_of_live_tenancies_at_synced_units_with_an_email(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    synced_units = set(held(app, connected, "unit"))
    expected = set()
    for tenancy in pull(alto, "/tenancies", **{"include-tenants": "true"}):
        if (
            tenancy["status"] in ("Active", "Periodic")
            and str(tenancy["propertyId"]) in synced_units
        ):
            expected |= {t["id"] for t in tenancy["tenants"] if t["email"] and not t["archived"]}
    assert set(held(app, connected, "occupier")) == expected
    assert "AL-04" in set(_skips(app, connected, "occupier").values())


def test_al_05_an_occupier_archived_in_alto_or_whose_tenancy_ends_is_archived(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    occupier_ids = held(app, connected, "occupier")
    tenancies = pull(alto, "/tenancies", **{"include-tenants": "true"})
    live = [
        t
        for t in tenancies
        if t["status"] in ("Active", "Periodic")
        and all(x["id"] in occupier_ids for x in t["tenants"])
        and t["tenants"]
    ]
    archived_person = live[0]["tenants"][0]["id"]
    ended_tenancy = next(
        t for t in live[1:] if archived_person not in {x["id"] for x in t["tenants"]}
    )
    alto.admin("POST", f"tenants/{archived_person}/archive")
    alto.admin("POST", f"tenancies/{ended_tenancy['id']}/archive")
    sync(app, connected)
    assert row(app, occupiers, occupier_ids[archived_person])["archived_at"] is not None
    for tenant in ended_tenancy["tenants"]:
        assert row(app, occupiers, occupier_ids[tenant["id"]])["archived_at"] is not None


def test_al_06_only_client_landlords_and_never_archived_for_a_property_that_stopped(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    all_landlords = pull(alto, "/landlords", **{"active-status": "All"})
    synced = held(app, connected, "landlord")
    potential = {str(x["id"]) for x in all_landlords if x["userType"] != "Client - Landlord"}
    assert potential
    assert not potential & set(synced)
    assert {_skips(app, connected, "landlord")[p] for p in potential} <= {"AL-06", "AL-08"}
    owner = next(x for x in all_landlords if str(x["id"]) in synced and x["properties"])
    other = next(x for x in all_landlords if str(x["id"]) in synced and x is not owner)
    alto.admin("PATCH", f"inventory/{owner['properties'][0]['id']}", {"recordType": "Sale"})
    alto.admin("POST", f"landlords/{other['id']}/archive")
    sync(app, connected)
    assert row(app, landlords, synced[str(owner["id"])])["archived_at"] is None
    assert row(app, landlords, synced[str(other["id"])])["archived_at"] is not None


def test_al_07_contractors_need_a_listed_trade_and_are_archived_when_they_stop(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    suppliers = pull(alto, "/suppliers")
    synced = held(app, connected, "contractor")
    for supplier in suppliers:
        listed = any(t.lower() in TRADES for t in supplier["providedServices"])
        has_email = bool(supplier["people"] and supplier["people"][0]["emailAddresses"])
        assert (supplier["id"] in synced) == (listed and has_email and supplier["active"])
    first, second = list(synced)[:2]
    alto.admin("PATCH", f"suppliers/{first}", {"services": ["Locksmith"]})
    alto.admin("POST", f"suppliers/{second}/archive")
    sync(app, connected)
    assert row(app, contractors, synced[first])["archived_at"] is not None
    assert row(app, contractors, synced[second])["archived_at"] is not None


def test_al_09_a_platform_person_with_the_same_email_and_unit_with_the_same_address_merge(
    app: App, connected: int, alto: RunningAlto
) -> None:
    tenancy = next(
        t
        for t in pull(alto, "/tenancies", **{"include-tenants": "true"})
        if t["status"] == "Active" and t["tenants"] and t["tenants"][0]["email"]
    )
    tenant = tenancy["tenants"][0]
    uow = app.uow(Actor.system("test"), connected)
    mine = people_and_places.create(
        uow,
        Occupier,
        {"first_name": "Already", "surname": "Here", "email": tenant["email"].upper()},
    )
    place = next(i for i in pull(alto, "/inventory/filter", **{"max-results": 250}) if _syncs(i))
    address = place["address"]
    existing_unit = people_and_places.create(
        app.uow(Actor.system("test"), connected),
        Unit,
        {
            "flat": address["subDwelling"] or "",
            "line1": f"{address['nameNo']} {address['street']}",
            "line2": address["locality"] or "",
            "town": address["town"].upper(),
            "county": address["county"] or "",
            "postcode": address["postcode"].lower(),
        },
    )
    sync(app, connected, full=True)
    if str(tenancy["propertyId"]) in held(app, connected, "unit"):
        assert held(app, connected, "occupier")[tenant["id"]] == mine.id
    assert held(app, connected, "unit")[place["inventoryId"]] == existing_unit.id
    assert _with_email(app, occupiers, connected, tenant["email"].lower()) == 1


def test_al_09_two_new_alto_landlords_with_one_email_in_one_page_are_one_person(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """The second finds the first, written a moment before it, as it would a person synced
    earlier: merged, not duplicated."""
    first, second = [
        x
        for x in pull(alto, "/landlords", **{"active-status": "All"})
        if x["userType"] == "Client - Landlord"
        and x["active"]
        and x["people"]
        and x["people"][0]["emailAddresses"]
    ][:2]
    shared = "Shared.Owner@Example.co.uk"
    for landlord in (first, second):
        alto.admin("PATCH", f"landlords/{landlord['id']}", {"email": shared})
    sync(app, connected, full=True)
    synced = held(app, connected, "landlord")
    assert synced[str(first["id"])] == synced[str(second["id"])]
    assert _with_email(app, landlords, connected, shared.lower()) == 1


def test_al_09_new_alto_landlords_with_one_email_on_consecutive_pages_are_one_person(
    app: App, agency_id: int
) -> None:
    """The landlord the first page created, among several it wrote at once, is found by
    email from the next page, and merged, not duplicated."""
    size = 16  # two pages of landlords, read whole (too few for lanes)
    shared = "One.Owner@Example.co.uk"
    with running_alto(seed=7, units=120) as alto:
        every = pull(alto, "/landlords", **{"active-status": "All"})
        owners = [
            x for x in every if x["userType"] == "Client - Landlord" and x["active"] and x["people"]
        ]
        pair = [owners[0], owners[-1]]
        # Alto lists by modified time: the first of the pair first, the second last
        alto.admin("PATCH", f"landlords/{pair[0]['id']}", {"email": shared})
        for n, other in enumerate(x for x in every if x not in pair):
            alto.admin("PATCH", f"landlords/{other['id']}", {"email": f"owner{n}@example.co.uk"})
        alto.admin("PATCH", f"landlords/{pair[1]['id']}", {"email": shared})
        order = [x["id"] for x in pull(alto, "/landlords", **{"active-status": "All"})]
        assert size < len(order) < 2 * size
        assert order.index(pair[0]["id"]) < size <= order.index(pair[1]["id"])
        assert len([x for x in owners if order.index(x["id"]) < size]) >= 8  # a COPY of them
        connect(app, agency_id, "alto", settings_for(alto, page_size=size))
        sync(app, agency_id, full=True)
    synced = held(app, agency_id, "landlord")
    assert synced[str(pair[0]["id"])] == synced[str(pair[1]["id"])]
    assert _with_email(app, landlords, agency_id, shared.lower()) == 1


def test_al_01_daily_and_alto_overwrites_a_platform_edit(
    app: App, connected: int, alto: RunningAlto
) -> None:
    assert any(s.cron == "0 2 * * *" for s in PROFILE.of(Schedule))
    sync(app, connected, full=True)
    contractor_id, ours = next(iter(held(app, connected, "contractor").items()))
    people_and_places.update(
        app.uow(Actor.system("test"), connected), Contractor, ours, {"company": "Edited here"}
    )
    alto.admin("PATCH", f"suppliers/{contractor_id}", {"companyName": "Edited in Alto"})
    sync(app, connected)
    assert row(app, contractors, ours)["company"] == "Edited in Alto"


def test_al_04_a_tenants_own_change_in_alto_reaches_the_occupier_in_the_next_sync(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """The tenant's contact changed, not their tenancy: read from Alto's contacts (AL-04)."""
    sync(app, connected, full=True)
    tenant_id, occupier_id = next(iter(held(app, connected, "occupier").items()))
    alto.admin("PATCH", f"tenants/{tenant_id}", {"email": "new.address@example.co.uk"})
    state = sync(app, connected)
    assert row(app, occupiers, occupier_id)["email"] == "new.address@example.co.uk"
    assert row(app, occupiers, occupier_id)["archived_at"] is None
    assert state.counts["occupier"] == {"updated": 1}


def test_al_05_an_occupier_with_another_live_tenancy_is_not_archived_when_one_ends(
    app: App, connected: int, alto: RunningAlto
) -> None:
    sync(app, connected, full=True)
    synced_units = held(app, connected, "unit")
    live = [
        t
        for t in pull(alto, "/tenancies", **{"include-tenants": "true"})
        if t["status"] in ("Active", "Periodic")
        and t["tenants"]
        and str(t["propertyId"]) in synced_units
    ]
    tenant = live[0]["tenants"][0]["id"]
    occupier_id = held(app, connected, "occupier")[tenant]
    other_unit = next(u for u in synced_units if u != str(live[0]["propertyId"]))
    alto.admin(
        "POST",
        "tenancies",
        {"propertyId": int(other_unit), "tenantIds": [int(tenant)], "status": "Active"},
    )
    sync(app, connected)
    alto.admin("POST", f"tenancies/{live[0]['id']}/archive")  # the first tenancy ends
    sync(app, connected)
    assert row(app, occupiers, occupier_id)["archived_at"] is None
    again = sync(app, connected, full=True)
    assert again.counts["occupier"].get("archived", 0) == 0
    assert again.counts["occupier"].get("restored", 0) == 0
