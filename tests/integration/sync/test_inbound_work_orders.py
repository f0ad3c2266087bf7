"""An inbound work order becomes an issue through the issue service, not as a bulk row: it
gets the agency's next number, the reported status, an audit entry naming the sync run and an
`issue.created` event, in the run's transaction. No PMS with a client lists work orders yet
(PW-04 and PX-04 will), so a test connector over the recording PMS lists them here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.connectors import REGISTRY, ConnectorKind
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.jobs.sync_run import connect, run_sync
from repairlink.pms.connector import FetchedPage
from repairlink.pms.incoming import Incoming, Malformed
from repairlink.pms.profile import Entity, FieldPolicy, Policy, Profile, RequiresSynced
from repairlink.pms.retry import RetryPolicy
from repairlink.pms.streams import RawPage, Stream
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.store.tables import audit_log, issues_table, outbox
from tests.integration.outbound.recording_connector import RecorderConfig, RecorderConnector
from tests.integration.outbound.recording_pms import RecordingPms, running_pms
from tests.integration.sync.conftest import held

PROFILE = Profile(
    "requests",
    (
        Entity("T-1", "unit"),
        Entity("T-1", "issue"),
        RequiresSynced("T-1", "issue", "unit_id", "its property does not sync"),
        FieldPolicy("T-1", "issue", "*", Policy.SET_ON_CREATE_ONLY),
    ),
)


def _request(item: dict[str, Any]) -> list[Incoming | Malformed]:
    fields = {"title": item["title"], "description": item.get("details", ""), "priority": "high"}
    return [Incoming("issue", item["id"], fields, links={"unit_id": ("unit", item["property"])})]


class Requests(RecorderConnector):
    """The recording PMS's properties, and the work orders raised there."""

    profile = PROFILE
    streams = (
        Stream("properties", "/properties", ("unit",), lambda item: [], dated=False),
        Stream("requests", "/requests", ("issue",), _request, dated=False),
    )

    @staticmethod
    def parse(stream: str, page: RawPage) -> FetchedPage:
        if stream == "properties":
            return RecorderConnector.parse(stream, page)
        records: list[Incoming | Malformed] = []
        for item in orjson.loads(page.body)["items"]:
            records.extend(_request(item))
        return FetchedPage(records, None)


@pytest.fixture
def pms(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingPms]:
    kind = ConnectorKind("requests", "Requests", RecorderConfig, Requests, PROFILE)
    monkeypatch.setitem(REGISTRY, "requests", kind)
    with running_pms() as running:
        running.requests_raised = [
            {"id": "R-1", "title": "Leaking tap", "details": "Kitchen", "property": "P-1"},
            {"id": "R-2", "title": "Elsewhere", "property": "P-404"},
        ]
        yield running


def _sync(app: App, agency_id: int, *, dry_run: bool = False) -> Any:
    no_wait = RetryPolicy(sleep=lambda _s: None)
    return run_sync(app, agency_id, "requests", full=True, dry_run=dry_run, retry=no_wait)


def _issues(app: App, agency_id: int) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            sa.select(issues_table).where(issues_table.c.agency_id == agency_id)
        ).mappings()
        return [dict(r) for r in rows]


def test_a_work_order_raised_in_the_pms_is_reported_as_an_issue_by_the_sync(
    app: App, agency_id: int, pms: RecordingPms
) -> None:
    connect(app, agency_id, "requests", {"base_url": pms.url})
    run = _sync(app, agency_id)
    (issue,) = _issues(app, agency_id)
    assert (issue["number"], issue["title"], issue["status"]) == (1, "Leaking tap", "reported")
    assert issue["unit_id"] == held(app, agency_id, "unit", system="requests")["P-1"]
    assert held(app, agency_id, "issue", system="requests") == {"R-1": issue["id"]}
    assert run.counts["issue"]["created"] == 1
    assert run.counts["issue"]["skipped"] == 1  # its property does not sync
    with app.engine.connect() as conn:
        trail = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.actor_kind, audit_log.c.actor_id).where(
                audit_log.c.entity_kind == "issue", audit_log.c.entity_id == issue["id"]
            )
        ).all()
        events = (
            conn.execute(
                sa.select(outbox.c.event_type).where(
                    outbox.c.aggregate_kind == "issue", outbox.c.aggregate_id == issue["id"]
                )
            )
            .scalars()
            .all()
        )
    assert [tuple(t) for t in trail] == [("created", "sync_run", run.run_id)]
    assert events == ["issue.created"]
    # a person's issue after it takes the next number
    who = Principal(agency_id, Role.ADMIN, None, Actor.system("test"))
    mine = issues.report(app.uow(who.actor, agency_id), who, title="Mine", unit_id=issue["unit_id"])
    assert mine.number == 2


def test_a_work_order_the_pms_changes_is_not_reported_twice_nor_updated(
    app: App, agency_id: int, pms: RecordingPms
) -> None:
    connect(app, agency_id, "requests", {"base_url": pms.url})
    _sync(app, agency_id)
    pms.requests_raised[0]["title"] = "Leaking tap (urgent)"
    again = _sync(app, agency_id)
    (issue,) = _issues(app, agency_id)
    assert issue["title"] == "Leaking tap"
    assert again.counts["issue"].get("created", 0) == 0


def test_a_dry_run_previews_the_issue_and_reports_none(
    app: App, agency_id: int, pms: RecordingPms
) -> None:
    connect(app, agency_id, "requests", {"base_url": pms.url})
    dry = _sync(app, agency_id, dry_run=True)
    assert dry.counts["issue"]["created"] == 1
    assert _issues(app, agency_id) == []
    with app.engine.connect() as conn:
        events = sa.select(sa.func.count()).where(
            outbox.c.agency_id == agency_id, outbox.c.aggregate_kind == "issue"
        )
        assert conn.execute(events).scalar_one() == 0
