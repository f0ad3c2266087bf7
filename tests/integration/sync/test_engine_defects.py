"""Four engine defects found by acceptance testing through the public API, each proven fixed
through the Alto simulator over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.domain.places import Unit
from repairlink.services import people_and_places, references
from repairlink.simulators.alto.server import RunningAlto
from repairlink.store.tables import external_refs, occupiers, units
from tests.integration.sync.changes import audited, planned
from tests.integration.sync.conftest import held, pull, row, sync


def _only_tenancy_of_a_synced_tenant(
    app: App, agency_id: int, sim: RunningAlto
) -> tuple[dict[str, Any], str]:
    """A live tenancy whose one tenant we hold and who has no other tenancy."""
    ours = held(app, agency_id, "occupier")
    tenancies = pull(sim, "/tenancies", **{"include-tenants": "true"})
    count: dict[str, int] = {}
    for tenancy in tenancies:
        for tenant in tenancy["tenants"]:
            count[tenant["id"]] = count.get(tenant["id"], 0) + 1
    tenancy = next(
        t
        for t in tenancies
        if t["status"] in ("Active", "Periodic")
        and len(t["tenants"]) == 1
        and t["tenants"][0]["id"] in ours
        and count[t["tenants"][0]["id"]] == 1
    )
    return tenancy, tenancy["tenants"][0]["id"]


def test_al_05_an_occupier_whose_tenancy_ended_stays_archived_when_their_contact_changes(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """AL-05: a tenant whose only tenancy ended is archived; their contact record, changed in
    the same day and read on the same run, updates them but must not bring them back."""
    sync(app, connected, full=True)
    tenancy, tenant = _only_tenancy_of_a_synced_tenant(app, connected, alto)
    occupier_id = held(app, connected, "occupier")[tenant]
    alto.admin("POST", f"tenancies/{tenancy['id']}/archive")
    alto.admin("PATCH", f"tenants/{tenant}", {"surname": "Okonkwo"})
    run = sync(app, connected)
    after = row(app, occupiers, occupier_id)
    assert after["archived_at"] is not None
    assert after["surname"] == "Okonkwo"
    assert run.counts["occupier"].get("restored", 0) == 0


def test_al_05_an_archived_occupier_with_a_new_live_tenancy_is_restored(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """AL-05 the other way: archived because their tenancy ended, then let again: restored."""
    sync(app, connected, full=True)
    tenancy, tenant = _only_tenancy_of_a_synced_tenant(app, connected, alto)
    occupier_id = held(app, connected, "occupier")[tenant]
    alto.admin("POST", f"tenancies/{tenancy['id']}/archive")
    sync(app, connected)
    assert row(app, occupiers, occupier_id)["archived_at"] is not None
    alto.admin(
        "POST",
        "tenancies",
        {"propertyId": int(tenancy["propertyId"]), "tenantIds": [int(tenant)], "status": "Active"},
    )
    run = sync(app, connected)
    assert row(app, occupiers, occupier_id)["archived_at"] is None
    assert run.counts["occupier"]["restored"] == 1


def _refs_of(app: App, agency_id: int, kind: str, external_id: str) -> list[dict[str, Any]]:
    ref = external_refs.c
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(external_refs).where(
                ref.agency_id == agency_id,
                ref.entity_kind == kind,
                ref.system == "alto",
                ref.external_id == external_id,
            )
        )
        return [dict(r) for r in rows.mappings()]


def test_al_09_a_reference_attached_by_hand_is_adopted_by_the_sync(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """AL-09 + C-02: an agent attaches a property's Alto id to a unit they made by hand; every
    later run, full ones included, takes that unit as the Alto property instead of failing."""
    synced = pull(alto, "/inventory/filter", **{"max-results": 250})
    sync(app, connected, full=True)
    ext = next(iter(held(app, connected, "unit")))
    uow = app.uow(Actor.system(), connected)
    # the unit the agent made before the first sync, with the Alto id typed in by hand
    with app.engine.begin() as conn:
        ref = external_refs.c
        conn.execute(
            sa.delete(external_refs).where(
                ref.agency_id == connected, ref.entity_kind == "unit", ref.external_id == ext
            )
        )
    mine = people_and_places.create(uow, Unit, {"line1": "1 Typed Road", "postcode": "EX4 3AN"})
    references.add_reference(
        app.uow(Actor.system(), connected), "unit", mine.id, system="alto", external_id=ext
    )
    first = sync(app, connected)
    second = sync(app, connected, full=True)
    assert first.counts.get("unit", {}).get("quarantined", 0) == 0
    assert second.counts["unit"].get("quarantined", 0) == 0
    (ref,) = _refs_of(app, connected, "unit", ext)
    assert ref["entity_id"] == mine.id
    item = next(i for i in synced if i["inventoryId"] == ext)
    assert row(app, units, mine.id)["postcode"].replace(" ", "") == item["address"][
        "postcode"
    ].replace(" ", "")


def test_s_07_a_dry_run_foresees_an_archival_that_follows_from_another_change(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """S-07 with AL-05: the tenancy ends, so its tenant is archived; the dry run says so."""
    sync(app, connected, full=True)
    tenancy, tenant = _only_tenancy_of_a_synced_tenant(app, connected, alto)
    alto.admin("POST", f"tenancies/{tenancy['id']}/archive")
    dry = sync(app, connected, dry_run=True)
    occupier_id = held(app, connected, "occupier")[tenant]
    foreseen = planned(app, connected, dry.run_id)
    assert ("occupier", str(occupier_id), "archive") in {c[:3] for c in foreseen}
    real = sync(app, connected)
    assert foreseen == audited(app, connected, real.run_id)


def test_s_07_a_dry_run_shows_two_new_landlords_with_one_email_as_one_person(
    app: App, connected: int, alto: RunningAlto
) -> None:
    """S-07 with AL-09: two new Alto landlords sharing an email, in one page, become one
    person; the dry run previews one creation and one merge, as the real run then does."""
    sync(app, connected, full=True)
    fields = {"email": "twice@example.com"}
    first = alto.admin("POST", "landlords", {**fields, "surname": "First"})["id"]
    second = alto.admin("POST", "landlords", {**fields, "surname": "Second"})["id"]
    dry = sync(app, connected, dry_run=True)
    foreseen = planned(app, connected, dry.run_id)
    assert {c[:3] for c in foreseen if c[0] == "landlord"} == {
        ("landlord", f"new:{first}", "create"),
        ("landlord", f"new:{first}", "update"),
    }
    real = sync(app, connected)
    synced = held(app, connected, "landlord")
    assert synced[str(first)] == synced[str(second)]
    assert foreseen == audited(app, connected, real.run_id)
