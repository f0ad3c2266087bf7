"""C-01 through the API: every route, given another agency's ids, answers 404 and changes
nothing; routes without ids never show another agency's data."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor
from repairlink.simulators.propertyware import running_propertyware
from repairlink.webhooks import subscriptions
from tests.integration.api.conftest import Client, client_for, login_client, new_agency
from tests.integration.pw import pw_settings

SENTINEL = "ZZ-AGENCY-A-ONLY"
SEGMENT_KIND = {
    "estates": "estate",
    "buildings": "building",
    "units": "unit",
    "cost-codes": "cost_code",
    "occupiers": "occupier",
    "tenancies": "tenancy",
    "landlords": "landlord",
    "contractors": "contractor",
    "agents": "agent",
    "rmcs": "rmc",
    "issues": "issue",
    "api-keys": "api_key",
    "users": "user",
}
PDF = ("invoice.pdf", b"%PDF-1.4 agency A invoice", "application/pdf")


@dataclass
class Sample:
    """What to send to a route, and (for routes without path ids) what to expect."""

    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    expect: int = 404


def build_agency_a(a: Client) -> dict[str, int]:
    """One record of every kind, each marked with SENTINEL where it has text."""
    ids: dict[str, int] = {}

    def make(kind: str, path: str, body: dict[str, Any]) -> int:
        ids[kind] = a.ok("POST", path, 201, json=body)["id"]
        return ids[kind]

    make("estate", "/estates", {"name": f"{SENTINEL} estate"})
    make("agent", "/agents", {"first_name": SENTINEL, "email": "agent@a.example.com"})
    make(
        "building",
        "/buildings",
        {"name": SENTINEL, "estate_id": ids["estate"], "property_manager_id": ids["agent"]},
    )
    make("cost_code", "/cost-codes", {"code": SENTINEL, "building_id": ids["building"]})
    make(
        "unit",
        "/units",
        {"line1": f"1 {SENTINEL} Road", "postcode": "N16 9PH", "building_id": ids["building"]},
    )
    make("occupier", "/occupiers", {"first_name": SENTINEL, "email": "occ@a.example.com"})
    make(
        "tenancy",
        "/tenancies",
        {
            "occupier_id": ids["occupier"],
            "unit_id": ids["unit"],
            "start_date": str(date.today() - timedelta(days=10)),
        },
    )
    make("landlord", "/landlords", {"surname": SENTINEL, "email": "ll@a.example.com"})
    a.ok("POST", f"/landlords/{ids['landlord']}/units", json={"unit_id": ids["unit"]})
    make("rmc", "/rmcs", {"company": SENTINEL})
    a.ok("POST", f"/rmcs/{ids['rmc']}/buildings", json={"building_id": ids["building"]})
    make("contractor", "/contractors", {"company": SENTINEL, "trades": ["plumbing"]})
    reference = {"system": "alto", "external_id": SENTINEL}
    a.ok("POST", f"/references/unit/{ids['unit']}", 201, json=reference)

    quoted = a.ok("POST", "/issues", 201, json={"title": SENTINEL, "unit_id": ids["unit"]})["id"]
    quotes = a.ok(
        "POST", f"/issues/{quoted}/quotes", 201, json={"contractor_ids": [ids["contractor"]]}
    )
    ids["quote"] = quotes[0]["id"]
    issue = make(
        "issue",
        "/issues",
        {"title": SENTINEL, "unit_id": ids["unit"], "reporter_occupier_id": ids["occupier"]},
    )
    a.ok(
        "POST",
        f"/issues/{issue}/instruct",
        json={"party": "contractor", "party_id": ids["contractor"], "paying_for_work": "landlord"},
    )
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    a.ok("POST", f"/issues/{issue}/appointment", json={"appointment_at": when})
    a.ok("POST", f"/issues/{issue}/complete", data={"notes": SENTINEL}, files={"invoice": PDF})
    ids["document"] = a.ok("GET", f"/issues/{issue}/documents")["items"][0]["id"]
    a.ok("POST", f"/issues/{issue}/comments", 201, json={"body": SENTINEL})
    ids["api_key"] = a.ok("POST", "/api-keys", 201, json={"name": SENTINEL})["id"]
    make(
        "user",
        "/users",
        {
            "email": "occupier-login@a.example.com",
            "name": SENTINEL,
            "role": "occupier",
            "password": "a long password",
            "subject_id": ids["occupier"],
        },
    )
    return ids


def synced_once(a: Client) -> tuple[int, int]:
    """Connect A to a simulated Propertyware, sync it once and reconcile it once (PW-09)
    through the API: the run's id and the reconciliation's."""
    with running_propertyware(seed=3, units=20) as sim:
        a.ok("PUT", "/connections/propertyware", json=pw_settings(sim))
        run_id: int = a.ok("POST", "/connections/propertyware/runs", 202, json={})["run_id"]
        deadline = time.monotonic() + 60
        while a.ok("GET", f"/sync-runs/{run_id}")["status"] == "running":
            assert time.monotonic() < deadline, "the sync did not finish"
            time.sleep(0.05)
        started = a.ok("POST", "/connections/propertyware/reconciliations", 202, json={})
        reconciliation_id: int = started["reconciliation_id"]
        while a.ok("GET", f"/reconciliations/{reconciliation_id}")["status"] == "running":
            assert time.monotonic() < deadline, "the reconciliation did not finish"
            time.sleep(0.05)
    return run_id, reconciliation_id


def with_webhook(app: App, agency_id: int, a: Client, issue_id: int) -> tuple[int, int]:
    """A webhook subscription of A's and one delivery to it: (subscription id, delivery id)."""
    row, _ = subscriptions.subscribe(
        app.uow(Actor.system(), agency_id),
        url="http://127.0.0.1:9/a-hooks",
        event_types=["*"],
        description=SENTINEL,
        allow_private=True,
    )
    a.ok("POST", f"/issues/{issue_id}/comments", 201, json={"body": "for the webhook"})
    (delivery,) = a.ok("GET", "/deliveries", params={"channel": "webhook"})["items"]
    return int(row["id"]), int(delivery["id"])


# a bad row: checked in B, nothing written (a list walked later must show B nothing)
B_CSV = ("b.csv", b"surname,email\nB owner,not-an-email\n", "text/csv")


def samples(a: dict[str, int]) -> dict[tuple[str, str], Sample]:
    """Bodies for the routes that need one. Ids in bodies are agency A's too."""
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    person = Sample(json={"first_name": "B person"}, expect=201)
    return {
        # routes with path ids: 404 whatever the body
        ("PATCH", "/api/v1/{kind}/{id}"): Sample(json={}),
        ("DELETE", "/api/v1/occupiers/{id}"): Sample(params={"confirm": "true"}),
        ("POST", "/api/v1/landlords/{id}/units"): Sample(json={"unit_id": a["unit"]}),
        ("POST", "/api/v1/rmcs/{id}/buildings"): Sample(json={"building_id": a["building"]}),
        ("POST", "/api/v1/references/{kind}/{record_id}"): Sample(
            json={"system": "alto", "external_id": "B-1"}
        ),
        ("POST", "/api/v1/issues/{id}/quotes"): Sample(json={"contractor_ids": [a["contractor"]]}),
        ("POST", "/api/v1/issues/{id}/quotes/submit"): Sample(
            json={"contractor_id": a["contractor"], "net": 100}
        ),
        ("POST", "/api/v1/issues/{id}/quotes/award"): Sample(
            json={"quote_id": a["quote"], "paying_for_work": "landlord"}
        ),
        ("POST", "/api/v1/issues/{id}/instruct"): Sample(
            json={"party": "contractor", "party_id": a["contractor"], "paying_for_work": "agency"}
        ),
        ("POST", "/api/v1/issues/{id}/appointment"): Sample(json={"appointment_at": when}),
        ("POST", "/api/v1/issues/{id}/complete"): Sample(
            data={"notes": "B"}, files={"invoice": PDF}
        ),
        ("POST", "/api/v1/issues/{id}/feedback"): Sample(json={"rating": 5}),
        ("POST", "/api/v1/issues/{id}/cancel"): Sample(json={"reason": "B cancels"}),
        ("POST", "/api/v1/issues/{id}/comments"): Sample(json={"body": "B comments"}),
        ("PUT", "/api/v1/issues/{id}/cost-code"): Sample(json={"cost_code_id": a["cost_code"]}),
        # routes without path ids that name A's records in the body: 404
        ("POST", "/api/v1/buildings"): Sample(json={"name": "B", "estate_id": a["estate"]}),
        ("POST", "/api/v1/units"): Sample(json={"line1": "B", "building_id": a["building"]}),
        ("POST", "/api/v1/cost-codes"): Sample(json={"code": "B", "building_id": a["building"]}),
        ("POST", "/api/v1/units/merge"): Sample(
            json={"survivor_id": a["unit"], "duplicate_id": a["unit"] + 1}
        ),
        ("POST", "/api/v1/occupiers/bulk-archive"): Sample(json={"occupier_ids": [a["occupier"]]}),
        ("POST", "/api/v1/tenancies"): Sample(
            json={"occupier_id": a["occupier"], "unit_id": a["unit"], "start_date": "2024-01-01"}
        ),
        ("POST", "/api/v1/issues"): Sample(json={"title": "B", "unit_id": a["unit"]}),
        ("POST", "/api/v1/api-keys"): Sample(
            json={"name": "B", "role": "contractor", "subject_id": a["contractor"]}
        ),
        ("POST", "/api/v1/users"): Sample(
            json={
                "email": "b-login@b.example.com",
                "role": "occupier",
                "password": "a long password",
                "subject_id": a["occupier"],
            }
        ),
        # routes without path ids that only touch B's own data
        ("POST", "/api/v1/estates"): Sample(json={"name": "B estate"}, expect=201),
        ("POST", "/api/v1/occupiers"): person,
        ("POST", "/api/v1/landlords"): person,
        ("POST", "/api/v1/contractors"): person,
        ("POST", "/api/v1/agents"): person,
        ("POST", "/api/v1/rmcs"): person,
        ("POST", "/api/v1/landlords/import"): Sample(files={"file": B_CSV}, expect=200),
        ("POST", "/api/v1/contractors/import"): Sample(files={"file": B_CSV}, expect=200),
        ("PATCH", "/api/v1/agency"): Sample(json={"feedback_enabled": True}, expect=200),
        # list filters naming A's records find nothing
        ("GET", "/api/v1/occupiers"): Sample(
            params={"unit_id": a["unit"], "status": "all"}, expect=200
        ),
        ("GET", "/api/v1/tenancies"): Sample(params={"occupier_id": a["occupier"]}, expect=200),
        # B's own connection, refused for its settings: B stays unconnected, so B's "sync now"
        # finds nothing to run, and A's connection is never touched
        ("PUT", "/api/v1/connections/{system}"): Sample(json={"base_url": "nope"}, expect=422),
        ("POST", "/api/v1/connections/{system}/runs"): Sample(json={}, expect=404),
        ("POST", "/api/v1/connections/{system}/sync-all"): Sample(expect=404),
        ("POST", "/api/v1/connections/{system}/reconciliations"): Sample(json={}, expect=404),
        # the catalogue of connectors: the same for every agency, no agency's data in it
        ("GET", "/api/v1/connectors/{system}"): Sample(expect=200),
        # B's own dead letters (none) and B's own webhook, refused for its private address
        ("POST", "/api/v1/deliveries/replay-dead"): Sample(expect=200),
        # logging out an API key revokes nothing (keys have their own route)
        ("POST", "/api/v1/auth/logout"): Sample(expect=204),
        ("POST", "/api/v1/webhooks"): Sample(
            json={"url": "http://10.0.0.1/hook", "event_types": ["*"]}, expect=422
        ),
        ("PATCH", "/api/v1/webhooks/{webhook_id}"): Sample(json={"active": False}),
        # a bridge token for A's connection: B has no such connection
        ("POST", "/api/v1/connections/{system}/bridge-tokens"): Sample(json={"label": "b"}),
        # the bridge answers bridge tokens only: B's login is refused before any id is read
        **{
            (method, f"/api/v1/bridge/connections/{{connection_id}}{tail}"): Sample(
                json={} if method == "POST" else None, expect=401
            )
            for method, tail in (
                ("GET", ""),
                ("POST", "/pages"),
                ("POST", "/runs"),
                ("POST", "/runs/{run_id}/pages/{stream}"),
                ("POST", "/runs/{run_id}/finish"),
                ("POST", "/poll"),
                ("POST", "/commands/{command_id}/ack"),
            )
        },
    }


def _sample_for(table: dict[tuple[str, str], Sample], method: str, path: str) -> Sample:
    if (method, path) in table:
        return table[(method, path)]
    generic = re.sub(r"^/api/v1/[^/]+/\{id\}$", "/api/v1/{kind}/{id}", path)
    return table.get((method, generic), Sample(expect=404 if "{" in path else 200))


def _concrete(path: str, a: dict[str, int]) -> str:
    kind = SEGMENT_KIND.get(path.split("/")[3], "")
    values = {
        "id": a.get(kind, 0),
        "unit_id": a["unit"],
        "building_id": a["building"],
        "document_id": a["document"],
        "kind": "unit",
        "record_id": a["unit"],
        "system": "alto",
        "run_id": a["sync_run"],
        "reconciliation_id": a["reconciliation"],
        "issue_id": a["issue"],
        "delivery_id": a["delivery"],
        "webhook_id": a["webhook"],
        "token_id": 1,
        "connection_id": a["connection"],
        "command_id": 1,
        "stream": "properties",
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _routes(api: FastAPI) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(api.routes):
        if isinstance(context.original_route, APIRoute) and context.path:
            found += [(method, context.path) for method in sorted(context.methods or ())]
    return found


def test_c_01_every_route_answers_404_for_another_agencys_ids(
    app: App, http: TestClient, api: FastAPI
) -> None:
    """C-01: agency B's admin, walking every route of the API with agency A's ids, gets 404
    from each; routes without ids show B nothing of A; A's records are unchanged after."""
    agency_a, agency_b = new_agency(app), new_agency(app)
    a = login_client(app, http, agency_a)
    ids = build_agency_a(a)
    ids["sync_run"], ids["reconciliation"] = synced_once(a)
    ids["connection"] = a.ok("GET", "/connections")["items"][0]["id"]
    ids["webhook"], ids["delivery"] = with_webhook(app, agency_a, a, ids["issue"])
    b = client_for(app, http, agency_b)
    table = samples(ids)
    a_key_ids = {ids["api_key"]}
    before = {
        "issue": a.ok("GET", f"/issues/{ids['issue']}"),
        "occupier": a.ok("GET", f"/occupiers/{ids['occupier']}"),
        "unit": a.ok("GET", f"/units/{ids['unit']}"),
        "agency": a.ok("GET", "/agency"),
    }

    failures: list[str] = []
    walked = 0
    for method, path in _routes(api):
        if path == "/api/v1/auth/login" or not path.startswith("/api/v1/"):
            continue  # no bearer token: credentials in; or health and metrics, no agency's
        sample = _sample_for(table, method, path)
        response = http.request(
            method,
            _concrete(path, ids),
            headers={"Authorization": f"Bearer {b.token}"},
            json=sample.json,
            params=sample.params,
            data=sample.data,
            files=sample.files,
        )
        walked += 1
        if response.status_code != sample.expect:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
            continue
        if SENTINEL in response.text:
            failures.append(f"{method} {path}: shows agency A's data")
        body = response.json() if response.content else None
        if method == "GET" and isinstance(body, dict) and "items" in body:
            # (a catalogue's entries, the same for every agency, have no id)
            shown = {item["id"] for item in body["items"] if "id" in item}
            if path.endswith("/api-keys"):
                shown &= a_key_ids  # B's own key is listed, A's never
            if shown:
                failures.append(f"{method} {path}: lists {shown}")
        if response.status_code == 404:
            assert response.headers["content-type"] == "application/problem+json"

    assert not failures, "\n".join(failures)
    assert walked >= 60
    after = {
        "issue": a.ok("GET", f"/issues/{ids['issue']}"),
        "occupier": a.ok("GET", f"/occupiers/{ids['occupier']}"),
        "unit": a.ok("GET", f"/units/{ids['unit']}"),
        "agency": a.ok("GET", "/agency"),
    }
    assert after == before
    assert a.ok("GET", f"/api-keys/{ids['api_key']}")["revoked_at"] is None
    assert b.ok("GET", "/agency")["id"] == agency_b


def test_c_01_a_token_of_one_agency_reads_only_that_agency(app: App, http: TestClient) -> None:
    """C-01: the same id space, two agencies: each lists only its own units."""
    one, two = new_agency(app), new_agency(app)
    first, second = client_for(app, http, one), client_for(app, http, two)
    mine = first.ok("POST", "/units", 201, json={"line1": "1 Own Road", "postcode": "BA1 2LT"})
    assert [u["id"] for u in first.ok("GET", "/units")["items"]] == [mine["id"]]
    assert second.ok("GET", "/units")["items"] == []
    assert second.get(f"/units/{mine['id']}").json()["rule"] == "C-01"
