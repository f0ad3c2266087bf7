"""Who sees what: contractors their own jobs (C-10 contacts), occupiers their own issues,
agents no keys; API keys shown once, kept as argon2 hashes, dead once revoked."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.agency import Role
from repairlink.store.tables import api_keys
from tests.integration.api.conftest import (
    Client,
    client_for,
    instruct,
    make_contractor,
    make_occupier,
    make_unit,
    report,
)


def test_c_10_a_contractor_sees_only_its_jobs_and_only_active_occupiers_contacts(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    unit = make_unit(staff)
    living = make_occupier(staff, unit, phone="07700 900123")
    locked = make_occupier(staff, unit)
    staff.ok("POST", f"/occupiers/{locked['id']}/lock")
    mine, theirs = make_contractor(staff), make_contractor(staff)
    job = instruct(staff, report(staff, unit, reporter_occupier_id=locked["id"]), mine)
    asked = report(staff, unit)
    staff.ok("POST", f"/issues/{asked['id']}/quotes", 201, json={"contractor_ids": [mine["id"]]})
    other = instruct(staff, report(staff, unit), theirs)

    contractor = client_for(app, http, agency_id, Role.CONTRACTOR, mine["id"])
    listed = contractor.ok("GET", "/issues")["items"]
    assert sorted(i["id"] for i in listed) == sorted([job["id"], asked["id"]])
    assert contractor.get(f"/issues/{other['id']}").status_code == 404
    assert contractor.get(f"/issues/{other['id']}/contacts").status_code == 404

    contacts = contractor.ok("GET", f"/issues/{job['id']}/contacts")["items"]
    assert [c["id"] for c in contacts] == [living["id"]]
    assert contacts[0]["phone"] == "+447700900123"
    seen = contractor.ok("GET", f"/issues/{job['id']}")
    assert seen["reporter_email"] is None  # the locked reporter's contact stays hidden (C-10)
    assert staff.ok("GET", f"/issues/{job['id']}")["reporter_email"] == locked["email"]
    assert contractor.get("/units").status_code == 403
    assert contractor.get(f"/occupiers/{living['id']}").status_code == 403


def test_an_occupier_sees_only_the_issues_it_reported(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    unit = make_unit(staff)
    me, neighbour = make_occupier(staff, unit), make_occupier(staff, unit)
    occupier = client_for(app, http, agency_id, Role.OCCUPIER, me["id"])
    mine = occupier.ok("POST", "/issues", 201, json={"title": "Damp", "unit_id": unit["id"]})
    assert mine["reporter_occupier_id"] == me["id"]
    theirs = report(staff, unit, reporter_occupier_id=neighbour["id"])
    unowned = report(staff, unit)

    assert [i["id"] for i in occupier.ok("GET", "/issues")["items"]] == [mine["id"]]
    assert occupier.get(f"/issues/{theirs['id']}").status_code == 404
    assert occupier.get(f"/issues/{unowned['id']}/comments").status_code == 404
    assert occupier.get(f"/issues/{mine['id']}/contacts").status_code == 403
    assert occupier.get(f"/issues/{mine['id']}/quotes").status_code == 403
    assert occupier.get("/occupiers").status_code == 403


def test_an_occupier_reports_only_at_its_home_and_other_units_look_unknown(
    app: App, http: TestClient, agency_id: int, staff: Client
) -> None:
    home, elsewhere = make_unit(staff), make_unit(staff)
    me = make_occupier(staff, home)
    occupier = client_for(app, http, agency_id, Role.OCCUPIER, me["id"])
    refused = occupier.post("/issues", json={"title": "Damp", "unit_id": elsewhere["id"]})
    unknown = occupier.post("/issues", json={"title": "Damp", "unit_id": 999_999_999})
    answers = [(r.status_code, r.json()["code"], r.json()["field"]) for r in (refused, unknown)]
    assert answers == [(404, "unit.not_found", "unit_id")] * 2  # the same as a unit never made
    assert staff.ok("GET", "/issues")["items"] == []
    occupier.ok("POST", "/issues", 201, json={"title": "Damp", "unit_id": home["id"]})
    report(staff, elsewhere)  # staff report at any unit of the agency, as before


def test_an_agent_cannot_manage_api_keys_users_or_settings(
    app: App, http: TestClient, agency_id: int
) -> None:
    agent = client_for(app, http, agency_id, Role.AGENT)
    assert agent.post("/api-keys", json={"name": "mine"}).status_code == 403
    assert agent.get("/api-keys").status_code == 403
    new_user = {"email": "x@example.com", "role": "admin", "password": "long enough!"}
    assert agent.post("/users", json=new_user).status_code == 403
    assert agent.patch("/agency", json={"feedback_enabled": True}).status_code == 403
    assert agent.get("/agency").status_code == 200
    assert agent.ok("POST", "/units", 201, json={"line1": "2 Agent Way"})["active"] is True


def test_an_api_key_secret_is_shown_once_and_stored_only_as_an_argon2_hash(
    app: App, staff: Client
) -> None:
    created = staff.ok("POST", "/api-keys", 201, json={"name": "integration", "role": "agent"})
    secret = created["secret"]
    assert secret.startswith("rl_")
    listed = staff.get("/api-keys")
    assert secret not in listed.text
    assert all("secret" not in key for key in listed.json()["items"])
    assert "secret" not in staff.ok("GET", f"/api-keys/{created['id']}")
    with app.engine.connect() as conn:
        stored = conn.scalar(sa.select(api_keys.c.key_hash).where(api_keys.c.id == created["id"]))
    assert stored is not None
    assert stored.startswith("$argon2")
    assert secret not in stored


def test_a_revoked_api_key_is_refused_with_401(http: TestClient, staff: Client) -> None:
    for revoke in ("POST", "DELETE"):
        secret = staff.ok("POST", "/api-keys", 201, json={"name": "short-lived"})
        key = Client(http, secret["secret"])
        assert key.get("/units").status_code == 200
        if revoke == "POST":
            assert staff.ok("POST", f"/api-keys/{secret['id']}/revoke")["revoked_at"]
        else:
            assert staff.delete(f"/api-keys/{secret['id']}").status_code == 204
        refused = key.get("/units")
        assert refused.status_code == 401
        assert refused.json()["code"] == "auth.invalid_credentials"


def test_h_01_a_locked_occupier_can_no_longer_log_in_nor_use_its_token(
    http: TestClient, staff: Client
) -> None:
    occupier = make_occupier(staff, make_unit(staff))
    login = {"email": "tenant@example.com", "password": "a good password"}
    user = {**login, "name": "Tenant", "role": "occupier", "subject_id": occupier["id"]}
    assert staff.ok("POST", "/users", 201, json=user)["role"] == "occupier"
    anonymous = Client(http, None)
    token = anonymous.ok("POST", "/auth/login", json=login)["token"]
    me = Client(http, token).ok("GET", "/auth/me")
    assert (me["role"], me["subject_id"]) == ("occupier", occupier["id"])

    staff.ok("POST", f"/occupiers/{occupier['id']}/lock")
    assert Client(http, token).get("/issues").json()["rule"] == "H-01"
    refused = anonymous.post("/auth/login", json=login)
    assert (refused.status_code, refused.json()["code"]) == (401, "auth.locked_out")
    staff.ok("POST", f"/occupiers/{occupier['id']}/unlock")
    assert anonymous.post("/auth/login", json=login).status_code == 200


def test_a_wrong_password_is_a_401(http: TestClient, staff: Client) -> None:
    user = {"email": "clerk@example.com", "role": "agent", "password": "the right one"}
    staff.ok("POST", "/users", 201, json=user)
    wrong = Client(http, None).post(
        "/auth/login", json={"email": "clerk@example.com", "password": "the wrong one"}
    )
    assert wrong.status_code == 401
