"""The Alto profile's inbound rules, decided without I/O (AL-01..AL-09)."""

from __future__ import annotations

from typing import Any

import pytest

from repairlink.connectors.alto.profile import ALL_STATUSES, PROFILE
from repairlink.inbound.plan import Action
from repairlink.pms.profile import Match, MatchBy, Policy
from tests.unit.sync.helpers import held, record, run

GOOD_UNIT = {
    "record_type": "Rent",
    "management_type": "Managed",
    "maintenance": "MaintainedByUs",
    "status": "Let",
    "category": "Residential",
}


def unit(**attrs: Any) -> Any:
    return record("unit", {"line1": "1 High St", "postcode": "SW1A 1AA"}, **{**GOOD_UNIT, **attrs})


def test_al_02_a_managed_rental_handled_by_us_syncs() -> None:
    assert run(PROFILE, unit()).action is Action.CREATE


@pytest.mark.parametrize(
    ("attrs", "why"),
    [
        ({"record_type": "Sale"}, "record type"),
        ({"management_type": "LetOnly"}, "management type"),
        ({"maintenance": "MaintainedByLandlord"}, "maintenance"),
        ({"category": "Commercial"}, "category"),
    ],
)
def test_al_02_properties_outside_the_criteria_are_skipped_with_the_rule(
    attrs: dict[str, Any], why: str
) -> None:
    decision = run(PROFILE, unit(**attrs), {"categories": ["residential"]})
    assert decision.action is Action.SKIP
    assert decision.rule == "AL-02"
    assert why in decision.reason


def test_al_02_part_managed_and_every_default_status_sync() -> None:
    for status in ALL_STATUSES:
        assert (
            run(PROFILE, unit(status=status, management_type="PartManaged")).action is Action.CREATE
        )


def test_al_02_the_agency_status_allow_list_narrows_what_syncs() -> None:
    config = {"property_statuses": ["Let"]}
    assert run(PROFILE, unit(status="Let"), config).action is Action.CREATE
    assert run(PROFILE, unit(status="Withdrawn"), config).rule == "AL-02"


def test_al_04_occupier_without_a_live_tenancy_is_skipped() -> None:
    occupier = record("occupier", {"email": "a@example.com"}, tenancy_live=False)
    assert run(PROFILE, occupier).rule == "AL-04"


def test_al_04_occupier_at_a_property_that_does_not_sync_is_skipped() -> None:
    occupier = record("occupier", {"email": "a@example.com"}, tenancy_live=True)
    decision = run(PROFILE, occupier, unresolved={"_unit"})
    assert (decision.action, decision.rule) == (Action.SKIP, "AL-04")


def test_al_05_occupier_whose_tenancy_ended_is_archived() -> None:
    occupier = record("occupier", {"email": "a@example.com"}, tenancy_live=False)
    decision = run(PROFILE, occupier, have=held(email="a@example.com"))
    assert decision.action is Action.ARCHIVE


def test_al_05_occupier_archived_in_alto_is_archived() -> None:
    occupier = record("occupier", {"email": "a@example.com"}, tenancy_live=True)
    occupier.archived = True
    assert run(PROFILE, occupier, have=held()).action is Action.ARCHIVE


def test_al_06_potential_landlords_never_sync() -> None:
    landlord = record(
        "landlord", {"email": "l@example.com"}, user_type="Client - Potential landlord"
    )
    assert run(PROFILE, landlord).rule == "AL-06"


def test_al_06_a_landlord_is_not_archived_for_failing_a_filter_but_is_when_archived() -> None:
    landlord = record(
        "landlord", {"email": "l@example.com"}, user_type="Client - Potential landlord"
    )
    assert run(PROFILE, landlord, have=held()).action is Action.SKIP
    landlord.archived = True
    assert run(PROFILE, landlord, have=held()).action is Action.ARCHIVE


def test_al_07_contractor_needs_a_listed_trade_and_is_archived_when_it_stops() -> None:
    good = record("contractor", {"email": "c@example.com", "trades": ["Plumbing"]})
    bad = record("contractor", {"email": "c@example.com", "trades": ["Estate agency"]})
    assert run(PROFILE, good).action is Action.CREATE
    assert run(PROFILE, bad).rule == "AL-07"
    assert run(PROFILE, bad, have=held()).action is Action.ARCHIVE


@pytest.mark.parametrize("kind", ["occupier", "landlord", "contractor"])
def test_al_08_people_without_an_email_are_skipped(kind: str) -> None:
    person = record(
        kind, {"email": None, "trades": ["gas"]}, tenancy_live=True, user_type="Client - Landlord"
    )
    assert run(PROFILE, person).rule == "AL-08"


def test_al_09_people_match_by_email_and_units_by_address() -> None:
    matches = {m.kind: m.by for m in PROFILE.of(Match)}
    assert MatchBy.EMAIL in matches["occupier"]
    assert MatchBy.ADDRESS in matches["unit"]


def test_al_01_alto_owns_every_field_it_sends() -> None:
    for kind in ("unit", "occupier", "landlord", "contractor", "tenancy"):
        policy = PROFILE.policy_for(kind, "anything")
        assert policy is not None
        assert policy.policy is Policy.PMS_OWNED


def test_al_01_an_existing_record_takes_alto_values() -> None:
    decision = run(PROFILE, unit(), have=held(line1="Old name", postcode="SW1A 1AA"))
    assert decision.action is Action.UPDATE
    assert decision.changes["line1"] == ["Old name", "1 High St"]
