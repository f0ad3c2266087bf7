"""Places and people through the API: unit hygiene (H-05, H-06), occupier hygiene
(H-01..H-04), links, external references (C-02), audit trails (C-13), agency settings."""

from __future__ import annotations

from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.agency import Role
from tests.integration.api.conftest import (
    Client,
    client_for,
    make_occupier,
    make_unit,
    report,
)


def _ids(page: dict[str, list[dict[str, int]]]) -> list[int]:
    return [item["id"] for item in page["items"]]


def test_h_05_a_deactivated_unit_leaves_the_default_list_until_reactivated(staff: Client) -> None:
    kept, gone = make_unit(staff), make_unit(staff)
    off = staff.ok("POST", f"/units/{gone['id']}/deactivate")
    assert (off["active"], off["deactivated_by"]) == (False, "user")
    assert _ids(staff.ok("GET", "/units")) == [kept["id"]]
    assert _ids(staff.ok("GET", "/units", params={"status": "deactivated"})) == [gone["id"]]
    assert _ids(staff.ok("GET", "/units", params={"status": "all"})) == [kept["id"], gone["id"]]
    twice = staff.post(f"/units/{gone['id']}/deactivate")
    assert (twice.status_code, twice.json()["rule"]) == (409, "H-05")
    assert staff.ok("POST", f"/units/{gone['id']}/reactivate")["active"] is True
    assert _ids(staff.ok("GET", "/units")) == [kept["id"], gone["id"]]
    assert staff.get("/units", params={"status": "gone"}).json()["field"] == "status"


def test_units_are_searched_by_address_and_postcode(staff: Client) -> None:
    albion = make_unit(staff, line1="12 Albion Road", postcode="n169ph")
    make_unit(staff, line1="4 Cavendish Mews", postcode="BA1 2LT")
    assert albion["postcode"] == "N16 9PH"
    assert _ids(staff.ok("GET", "/units", params={"q": "albion"})) == [albion["id"]]
    assert _ids(staff.ok("GET", "/units", params={"q": "n16 9"})) == [albion["id"]]


def test_h_06_merging_moves_issues_and_references_to_the_survivor(staff: Client) -> None:
    survivor = make_unit(staff, line1="3 Quayside")
    duplicate = make_unit(staff, line1="3, Quayside")
    issue = report(staff, duplicate)
    ref = {"system": "alto", "external_id": "P-77"}
    staff.ok("POST", f"/references/unit/{duplicate['id']}", 201, json=ref)
    merged = staff.ok(
        "POST",
        "/units/merge",
        json={"survivor_id": survivor["id"], "duplicate_id": duplicate["id"]},
    )
    assert merged["id"] == survivor["id"]
    assert staff.ok("GET", f"/issues/{issue['id']}")["unit_id"] == survivor["id"]
    gone = staff.ok("GET", f"/units/{duplicate['id']}")
    assert (gone["active"], gone["merged_into_id"]) == (False, survivor["id"])
    refs = staff.ok("GET", f"/references/unit/{survivor['id']}")["items"]
    assert [(r["system"], r["external_id"]) for r in refs] == [("alto", "P-77")]
    itself = staff.post(
        "/units/merge", json={"survivor_id": survivor["id"], "duplicate_id": survivor["id"]}
    )
    assert (itself.status_code, itself.json()["rule"]) == (422, "H-06")


def test_h_01_lock_archives_an_occupier_and_unlock_restores_them(staff: Client) -> None:
    occupier = make_occupier(staff)
    locked = staff.ok("POST", f"/occupiers/{occupier['id']}/lock")
    assert locked["active"] is False
    assert locked["archived_at"] is not None
    again = staff.post(f"/occupiers/{occupier['id']}/lock")
    assert (again.status_code, again.json()["rule"]) == (409, "H-01")
    assert staff.ok("POST", f"/occupiers/{occupier['id']}/unlock")["active"] is True


def test_h_02_occupier_filters_and_search(staff: Client) -> None:
    unit = make_unit(staff)
    active = make_occupier(staff, unit, phone="07700 900555", surname="Khan")
    archived = make_occupier(staff)
    staff.ok("POST", f"/occupiers/{archived['id']}/lock")
    both = [active["id"], archived["id"]]
    assert _ids(staff.ok("GET", "/occupiers")) == both  # recently archived stay in view
    assert _ids(staff.ok("GET", "/occupiers", params={"status": "active"})) == [active["id"]]
    assert _ids(staff.ok("GET", "/occupiers", params={"status": "archived"})) == [archived["id"]]
    assert _ids(staff.ok("GET", "/occupiers", params={"status": "all"})) == both
    assert _ids(staff.ok("GET", "/occupiers", params={"q": "KHAN"})) == [active["id"]]
    assert _ids(staff.ok("GET", "/occupiers", params={"q": "07700 900555"})) == [active["id"]]
    assert _ids(staff.ok("GET", "/occupiers", params={"unit_id": unit["id"]})) == [active["id"]]


def test_h_03_bulk_archive_archives_the_whole_selection(staff: Client) -> None:
    chosen = [make_occupier(staff)["id"] for _ in range(3)]
    spared = make_occupier(staff)
    archived = staff.ok("POST", "/occupiers/bulk-archive", json={"occupier_ids": chosen})
    assert sorted(o["id"] for o in archived) == chosen
    assert all(not o["active"] for o in archived)
    assert _ids(staff.ok("GET", "/occupiers", params={"status": "active"})) == [spared["id"]]
    empty = staff.post("/occupiers/bulk-archive", json={"occupier_ids": []})
    assert (empty.status_code, empty.json()["field"]) == (422, "occupier_ids")


def test_h_04_deleting_an_occupier_needs_confirmation_and_anonymises_their_issues(
    staff: Client,
) -> None:
    unit = make_unit(staff)
    occupier = make_occupier(staff, unit, phone="07700 900999")
    issue = report(staff, unit, reporter_occupier_id=occupier["id"])
    assert issue["reporter_email"] == occupier["email"]

    unconfirmed = staff.delete(f"/occupiers/{occupier['id']}")
    assert (unconfirmed.status_code, unconfirmed.json()["rule"]) == (422, "H-04")
    assert staff.get(f"/occupiers/{occupier['id']}").status_code == 200

    assert (
        staff.delete(f"/occupiers/{occupier['id']}", params={"confirm": "true"}).status_code == 204
    )
    assert staff.get(f"/occupiers/{occupier['id']}").status_code == 404
    after = staff.ok("GET", f"/issues/{issue['id']}")
    assert after["reporter_email"] is None
    assert after["reporter_phone"] is None
    assert after["reporter_occupier_id"] is None
    assert occupier["email"] not in staff.get(f"/audit/issue/{issue['id']}").text


def test_h_04_confirmation_can_be_given_in_the_body(staff: Client) -> None:
    occupier = make_occupier(staff)
    gone = staff.request("DELETE", f"/occupiers/{occupier['id']}", json={"confirm": True})
    assert gone.status_code == 204
    assert staff.get(f"/occupiers/{occupier['id']}").status_code == 404


def test_c_02_records_carry_references_from_several_systems(staff: Client) -> None:
    occupier = make_occupier(staff)
    other = make_occupier(staff)
    path = f"/references/occupier/{occupier['id']}"
    alto = {"system": "Alto", "external_id": "T-1", "external_oid": "oid-9"}
    first = staff.ok("POST", path, 201, json=alto)
    assert (first["system"], first["external_oid"]) == ("alto", "oid-9")
    assert staff.ok("POST", path, 201, json=alto)["id"] == first["id"]  # idempotent
    staff.ok("POST", path, 201, json={"system": "propman", "external_id": "T-1"})
    systems = [r["system"] for r in staff.ok("GET", path)["items"]]
    assert systems == ["alto", "propman"]
    taken = staff.post(f"/references/occupier/{other['id']}", json=alto)
    assert (taken.status_code, taken.json()["rule"]) == (409, "C-02")
    unknown = staff.get(f"/references/planet/{occupier['id']}")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "kind")


def test_c_13_an_api_change_is_in_the_trail_with_its_actor_and_fields(
    app: App, http: TestClient, agency_id: int
) -> None:
    agent = client_for(app, http, agency_id, Role.AGENT)
    unit = make_unit(agent, town="Bath")
    agent.ok("PATCH", f"/units/{unit['id']}", json={"town": "Bristol", "postcode": "bs1 4qa"})
    trail = agent.ok("GET", f"/audit/unit/{unit['id']}")["items"]
    assert [e["action"] for e in trail] == ["created", "updated"]
    assert trail[1]["actor_kind"] == "api_key"
    assert trail[1]["actor_label"] == "agent key"
    assert trail[1]["changes"]["town"] == ["Bath", "Bristol"]
    assert trail[1]["changes"]["postcode"] == ["SW1A 1AA", "BS1 4QA"]
    assert agent.get("/audit/unit/999999999").status_code == 404


def test_landlords_link_to_units_with_one_primary(staff: Client) -> None:
    unit = make_unit(staff)
    first = staff.ok(
        "POST", "/landlords", 201, json={"surname": "Marsh", "email": "HM@Example.com"}
    )
    assert first["email"] == "hm@example.com"
    second = staff.ok("POST", "/landlords", 201, json={"company": "Rentco"})
    staff.ok(
        "POST", f"/landlords/{first['id']}/units", json={"unit_id": unit["id"], "primary": True}
    )
    staff.ok(
        "POST", f"/landlords/{second['id']}/units", json={"unit_id": unit["id"], "primary": True}
    )
    links = staff.ok("GET", f"/units/{unit['id']}/landlords")["items"]
    assert {(link["landlord_id"], link["primary"]) for link in links} == {
        (first["id"], False),
        (second["id"], True),
    }
    assert staff.delete(f"/landlords/{first['id']}/units/{unit['id']}").status_code == 204
    assert _ids(staff.ok("GET", f"/landlords/{first['id']}/units")) == []
    assert staff.delete(f"/landlords/{first['id']}/units/{unit['id']}").status_code == 404


def test_rmcs_link_to_buildings(staff: Client) -> None:
    building = staff.ok("POST", "/buildings", 201, json={"name": "Albion Court"})
    rmc = staff.ok("POST", "/rmcs", 201, json={"company": "Albion RTM Ltd", "ref": "RTM1"})
    link = staff.ok("POST", f"/rmcs/{rmc['id']}/buildings", json={"building_id": building["id"]})
    again = staff.ok("POST", f"/rmcs/{rmc['id']}/buildings", json={"building_id": building["id"]})
    assert again["id"] == link["id"]
    assert [x["rmc_id"] for x in staff.ok("GET", f"/buildings/{building['id']}/rmcs")["items"]] == [
        rmc["id"]
    ]
    assert staff.delete(f"/rmcs/{rmc['id']}/buildings/{building['id']}").status_code == 204
    assert staff.ok("GET", f"/rmcs/{rmc['id']}/buildings")["items"] == []


def test_plain_records_are_created_read_changed_and_listed(staff: Client) -> None:
    estate = staff.ok("POST", "/estates", 201, json={"name": "Albion Estate", "ref": "E1"})
    changed = staff.ok("PATCH", f"/estates/{estate['id']}", json={"ref": "E2"})
    assert (changed["name"], changed["ref"]) == ("Albion Estate", "E2")
    code = staff.ok("POST", "/cost-codes", 201, json={"code": "MAINT", "description": "Repairs"})
    assert staff.ok("GET", f"/cost-codes/{code['id']}")["code"] == "MAINT"
    contractor = staff.ok(
        "POST", "/contractors", 201, json={"company": "Sparks", "trades": ["electrician"]}
    )
    assert contractor["trades"] == ["electrician"]
    agent = staff.ok("POST", "/agents", 201, json={"first_name": "Pat", "username": "pat"})
    assert _ids(staff.ok("GET", "/agents", params={"q": "pat"})) == [agent["id"]]
    bad_phone = staff.post("/landlords", json={"phone": "not a phone"})
    assert (bad_phone.status_code, bad_phone.json()["field"]) == (422, "phone")
    bad_email = staff.patch(f"/agents/{agent['id']}", json={"email": "nope"})
    assert (bad_email.status_code, bad_email.json()["field"]) == (422, "email")


def test_tenancies_are_listed_by_occupier_and_unit_and_refuse_a_null_unit(staff: Client) -> None:
    unit = make_unit(staff)
    occupier = make_occupier(staff, unit)
    tenancies = staff.ok("GET", "/tenancies", params={"occupier_id": occupier["id"]})["items"]
    assert [t["unit_id"] for t in tenancies] == [unit["id"]]
    tenancy = tenancies[0]
    ended = staff.ok("PATCH", f"/tenancies/{tenancy['id']}", json={"end_date": "2024-06-30"})
    assert ended["end_date"] == "2024-06-30"
    null_unit = staff.patch(f"/tenancies/{tenancy['id']}", json={"unit_id": None})
    assert (null_unit.status_code, null_unit.json()["field"]) == (422, "unit_id")
    assert _ids(staff.ok("GET", "/tenancies", params={"unit_id": unit["id"]})) == [tenancy["id"]]


def test_agency_settings_are_read_by_staff_and_changed_by_admins(staff: Client) -> None:
    before = staff.ok("GET", "/agency")
    assert before["costs_option"] == "optional"
    after = staff.ok("PATCH", "/agency", json={"costs_option": "provide_costs"})
    assert after["costs_option"] == "provide_costs"
    assert after["feedback_enabled"] == before["feedback_enabled"]
    unknown = staff.patch("/agency", json={"slug": "stolen"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "slug")
    wrong = staff.patch("/agency", json={"invoice_option": "sometimes"})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "invoice_option")


def test_agency_locale_and_time_zone_are_read_and_changed_through_the_api(staff: Client) -> None:
    """A US agency (Propertyware's) writes dollars and its own local dates."""
    assert (staff.ok("GET", "/agency")["locale"], staff.ok("GET", "/agency")["time_zone"]) == (
        "en_GB",
        "Europe/London",
    )
    body = {"locale": "en_US", "time_zone": "America/Los_Angeles"}
    changed = staff.ok("PATCH", "/agency", json=body)
    assert (changed["locale"], changed["time_zone"]) == ("en_US", "America/Los_Angeles")
    for field, value in (("time_zone", "Mars/Olympus_Mons"), ("locale", "xx_XX")):
        refused = staff.patch("/agency", json={field: value})
        assert (refused.status_code, refused.json()["field"]) == (422, field)
    assert staff.ok("GET", "/agency")["time_zone"] == "America/Los_Angeles"  # nothing else lost


def test_the_agency_name_is_never_blanked_by_a_change(staff: Client) -> None:
    """It is the From name of the agency's mail: a blank one is refused, the rest kept."""
    before = staff.ok("GET", "/agency")
    for blank in ("", "   "):
        refused = staff.patch("/agency", json={"name": blank, "costs_option": "provide_costs"})
        assert (refused.status_code, refused.json()["field"]) == (422, "name")
    assert staff.ok("GET", "/agency") == before
    assert staff.ok("PATCH", "/agency", json={"name": " Harbour Lettings "})["name"] == (
        "Harbour Lettings"
    )


def test_users_are_created_with_a_role_and_listed_without_passwords(staff: Client) -> None:
    occupier = make_occupier(staff)
    body = {
        "email": "Resident@Example.com",
        "role": "occupier",
        "password": "a long password",
        "subject_id": occupier["id"],
    }
    user = staff.ok("POST", "/users", 201, json=body)
    assert (user["email"], user["subject_id"]) == ("resident@example.com", occupier["id"])
    listed = staff.get("/users")
    assert "password" not in listed.text
    assert user["id"] in _ids(listed.json())
    no_subject = staff.post(
        "/users", json={"email": "c@example.com", "role": "contractor", "password": "long enough!"}
    )
    assert (no_subject.status_code, no_subject.json()["field"]) == (422, "subject_id")
