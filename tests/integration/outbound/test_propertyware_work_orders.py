"""PW-08 and PW-10 through the Propertyware simulator over HTTP: a work order made here is
created in Propertyware at once, every later change follows, at completion its photos,
invoices, documents and a PDF of the issue are uploaded; each issue shows its sync and has
"Sync now"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from repairlink.api.app import create_app
from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.people import Contractor
from repairlink.jobs.channels import Channels
from repairlink.pms.issue_facts import work_order_marker
from repairlink.services import issues, people_and_places
from repairlink.services.issues import Upload
from repairlink.simulators.propertyware import RunningPropertyware
from tests.integration.api.conftest import Client, TestClient, login_client
from tests.integration.outbound.conftest import send_due
from tests.integration.outbound.issues_in_alto import appoint, close, complete, staff
from tests.integration.pw import connect_pw, run_pw
from tests.integration.sync.conftest import held

PHOTO = Upload("leak.jpg", "image/jpeg", b"\xff\xd8\xff" + b"p" * 64)


@dataclass
class PwAgency:
    app: App
    agency_id: int
    sim: RunningPropertyware

    def writes(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.sim.admin("GET", "writes")["items"]
        return items

    def order(self, order_id: str) -> dict[str, Any]:
        with self.sim.client() as api:
            found: dict[str, Any] = api.get(f"/workorders/{order_id}").json()
            return found

    def documents(self, order_id: str) -> list[dict[str, Any]]:
        with self.sim.client() as api:
            found: list[dict[str, Any]] = api.get(f"/workorders/{order_id}/documents").json()
            return found


@pytest.fixture
def synced(app: App, agency_id: int, pw: RunningPropertyware) -> PwAgency:
    connect_pw(app, agency_id, pw)
    run_pw(app, agency_id, "PW-02")
    return PwAgency(app, agency_id, pw)


def _reported(s: PwAgency) -> Issue:
    unit_id = sorted(held(s.app, s.agency_id, "unit", "propertyware").values())[0]
    who = staff(s)
    return issues.report(
        s.app.uow(who.actor, s.agency_id),
        who,
        title="Kitchen tap leaking",
        description="Drips all night",
        priority="high",
        unit_id=unit_id,
        photos=[PHOTO],
        files=s.app.files,
    )


def _instruct(s: PwAgency, issue: Issue) -> Issue:
    who = staff(s)
    uow = s.app.uow(who.actor, s.agency_id)
    plumber = people_and_places.create(
        uow, Contractor, {"company": "Bay Plumbing", "email": "jobs@bayplumbing.example"}
    )
    return issues.instruct(
        s.app.uow(who.actor, s.agency_id),
        who,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=plumber.id,
        paying=PayingForWork.LANDLORD,
    )


def _work_order_id(s: PwAgency, issue: Issue) -> str:
    return {v: k for k, v in held(s.app, s.agency_id, "issue", "propertyware").items()}.get(
        issue.id
    ) or next(w["work_order_id"] for w in s.writes() if w["method"] == "POST")


def test_pw_08_a_work_order_made_here_is_created_in_propertyware_at_once(
    synced: PwAgency, channels: Channels
) -> None:
    issue = _reported(synced)
    send_due(synced.app, channels)
    (created,) = synced.writes()
    assert (created["method"], created["path"]) == ("POST", "/workorders")
    order = synced.order(str(created["work_order_id"]))
    assert order["description"].startswith(f"{work_order_marker(issue)} Kitchen tap leaking")
    assert (order["status"], order["priority"]) == ("Open", "HIGH")
    assert order["managedBy"] == synced.sim.integration_user


def test_pw_08_every_change_follows_and_completion_uploads_the_files(
    synced: PwAgency, channels: Channels
) -> None:
    issue = _reported(synced)
    send_due(synced.app, channels)
    order_id = str(synced.writes()[0]["work_order_id"])
    issue = _instruct(synced, issue)
    send_due(synced.app, channels)
    assert synced.order(order_id)["status"] == "Assigned"
    appoint(synced, issue)
    send_due(synced.app, channels)
    assert synced.order(order_id)["status"] == "Scheduled"
    assert synced.documents(order_id) == []  # nothing before completion
    complete(synced, issue)
    send_due(synced.app, channels)
    assert synced.order(order_id)["status"] == "Completed"
    names = sorted(d["fileName"] for d in synced.documents(order_id))
    assert "leak.jpg" in names
    assert "invoice-77.pdf" in names
    assert "gas-safety.pdf" in names
    assert any(name.endswith(".pdf") and name.startswith("IS") for name in names), names
    close(synced, issue)
    send_due(synced.app, channels)
    closed = synced.order(order_id)
    assert closed["status"] == "Closed"
    assert closed["completedDate"]
    paths = [w["path"] for w in synced.writes()]
    assert paths.count("/workorders") == 1  # one work order, however many changes
    assert f"/workorders/closeworkorder/{order_id}" in paths


def test_pw_08_a_work_order_that_came_from_propertyware_is_not_created_again(
    synced: PwAgency, channels: Channels
) -> None:
    run_pw(synced.app, synced.agency_id, "PW-03")
    assert held(synced.app, synced.agency_id, "issue", "propertyware")
    send_due(synced.app, channels)
    assert [w for w in synced.writes() if w["method"] == "POST"] == []


@pytest.fixture
def agent(synced: PwAgency) -> Iterator[Client]:
    with TestClient(create_app(synced.app)) as http:
        yield login_client(synced.app, http, synced.agency_id)


def test_pw_10_a_propertyware_work_order_shows_failed_with_reason_then_sync_now(
    synced: PwAgency, channels: Channels, agent: Client
) -> None:
    issue = _reported(synced)
    synced.sim.admin("PUT", "outage", {"status": 503})
    send_due(synced.app, channels)
    (status,) = agent.ok("GET", f"/issues/{issue.id}/sync")["items"]
    assert status["connector"] == "propertyware"
    assert status["status"] == "failed"
    assert "Propertyware answered 503" in status["reason"]
    synced.sim.admin("DELETE", "outage")
    assert agent.ok("POST", f"/issues/{issue.id}/sync", 202) == {"rearmed": 1}
    send_due(synced.app, channels)
    (status,) = agent.ok("GET", f"/issues/{issue.id}/sync")["items"]
    assert status["status"] == "synced"
    assert [w["path"] for w in synced.writes()] == ["/workorders"]
