"""A sync reports a page of inbound work orders at once (services.reporting_many). Its result
must be exactly the issue use case's, one work order at a time: the same issues with the same
consecutive numbers, status, links and manager, the same audit entries, `issue.created` events
and deliveries (to the PMS's connection and to webhooks), the same refusals quarantined. Two
agencies sync the same Propertyware work orders, one each way, and are compared record by
record, with ids read as the PMS's ids and times left out."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.errors import RepairlinkError
from repairlink.inbound.apply import RunContext
from repairlink.inbound.page import UseCaseWriter
from repairlink.inbound.plan import Decision
from repairlink.inbound.run_state import RunState
from repairlink.jobs import sync_run
from repairlink.jobs.use_cases import managers_of, new_issue
from repairlink.services import agencies, issues
from repairlink.services.auth import Principal
from repairlink.simulators.propertyware import RunningPropertyware
from repairlink.store.mail_tables import mail_messages
from repairlink.store.outbound_tables import deliveries, webhook_subscriptions
from repairlink.store.sync_tables import connections, sync_quarantine
from repairlink.store.tables import audit_log, external_refs, issues_table, outbox, units
from repairlink.webhooks import subscriptions
from tests.factories import make_agency, uow_of
from tests.integration.pw import SYSTEM, connect_pw, pull, run_pw

TIMES = {"created_at", "updated_at"}
LINKS = {"unit_id": "unit", "reporter_occupier_id": "occupier"}


def _report_one_at_a_time(
    app: App, conn: sa.Connection, ctx: RunContext, decisions: list[Decision]
) -> list[int | RepairlinkError]:
    """The reference: each work order reported through `issues.report` in a savepoint of its
    own, as the sync did before it reported a page at once."""
    actor = Actor(ActorKind.SYNC_RUN, ctx.run_id, ctx.label)
    answers: list[int | RepairlinkError] = []
    for decision in decisions:
        managers = managers_of(conn, [decision.values.get("unit_id")])
        try:
            with conn.begin_nested():
                issue = issues.report(
                    app.uow_on(conn, actor, ctx.agency_id),
                    Principal(ctx.agency_id, Role.AGENT, None, actor),
                    **asdict(new_issue(decision.values, managers)),
                )
                answers.append(issue.id)
        except RepairlinkError as refused:
            answers.append(refused)
    return answers


def _prepared(app: App, pw: RunningPropertyware) -> tuple[Principal, str]:
    """An agency synced with Propertyware's properties and residents, a webhook on every
    issue event, and one property (with work orders of ours) switched off by hand while only
    the agency's properties may be reported against: its work orders are refused (C-11)."""
    who = make_agency(app)
    connect_pw(app, who.agency_id, pw)
    subscriptions.subscribe(
        uow_of(app, who),
        url="http://127.0.0.1:9/hook",
        event_types=["issue.*"],
        description="every issue event",
        allow_private=True,
    )
    run_pw(app, who.agency_id, "PW-02")
    ours = {ext: entity for entity, ext in _refs(app, who.agency_id, "unit").items()}
    switched_off = min(
        str(o["unitID"])
        for o in pull(pw, "/workorders")
        if o["managedBy"] == pw.integration_user
        and o["ownerEmail"] == pw.account_email
        and str(o["unitID"]) in ours
    )
    with app.engine.begin() as conn:
        conn.execute(
            sa.update(units)
            .where(units.c.id == ours[switched_off])
            .values(active=False, deactivated_by="user")
        )
    agencies.update_settings(uow_of(app, who), {"only_display_uploaded_properties": True})
    return who, switched_off


def _refs(app: App, agency_id: int, kind: str) -> dict[int, str]:
    """Our id -> the PMS's id, for the agency's records of `kind`."""
    r = external_refs.c
    with app.engine.connect() as conn:
        found = conn.execute(
            sa.select(r.entity_id, r.external_id).where(
                r.agency_id == agency_id, r.system == SYSTEM, r.entity_kind == kind
            )
        )
        return {entity: external for entity, external in found}


def _outcome(app: App, agency_id: int, run: RunState) -> dict[str, Any]:
    """What the run left, with our ids read as the PMS's ids and times left out."""
    by_kind = {kind: _refs(app, agency_id, kind) for kind in ("unit", "occupier", "issue")}

    def named(column: str, value: Any) -> Any:
        if column == "agency_id":
            return value == agency_id
        return by_kind[LINKS[column]].get(value) if column in LINKS else value

    def plain(row: Any) -> dict[str, Any]:
        return {k: named(k, v) for k, v in row.items() if k not in TIMES | {"id", "agency_id"}}

    def entry(changes: dict[str, list[Any]]) -> dict[str, Any]:
        return {
            k: [named(k, v) for v in vs] if k not in TIMES else "time" for k, vs in changes.items()
        }

    issue_of = by_kind["issue"]
    i, a, o, d, q = issues_table.c, audit_log.c, outbox.c, deliveries.c, sync_quarantine.c
    with app.engine.connect() as conn:
        made = conn.execute(sa.select(issues_table).where(i.agency_id == agency_id).order_by(i.id))
        trail = conn.execute(
            sa.select(a.entity_id, a.action, a.actor_kind, a.actor_id, a.actor_label, a.changes)
            .where(a.agency_id == agency_id, a.entity_kind == "issue")
            .order_by(a.id)
        )
        events = conn.execute(
            sa.select(o.event_type, o.aggregate_id, o.payload)
            .where(o.agency_id == agency_id, o.aggregate_kind == "issue")
            .order_by(o.id)
        )
        sent = conn.execute(
            sa.select(
                outbox.c.aggregate_id,
                d.channel,
                sa.func.coalesce(connections.c.system, webhook_subscriptions.c.url),
                d.state,
                d.attempts,
            )
            .join(outbox, outbox.c.id == d.event_id)
            .outerjoin(
                connections, sa.and_(d.channel == "connection", connections.c.id == d.target_id)
            )
            .outerjoin(
                webhook_subscriptions,
                sa.and_(d.channel == "webhook", webhook_subscriptions.c.id == d.target_id),
            )
            .where(d.agency_id == agency_id)
            .order_by(d.id)
        )
        refused = conn.execute(
            sa.select(q.kind, q.external_id, q.reason).where(q.run_id == run.run_id).order_by(q.id)
        )
        mail = conn.execute(
            sa.select(sa.func.count()).where(mail_messages.c.agency_id == agency_id)
        ).scalar_one()
        return {
            "issues": [(issue_of[r.id], plain(r._mapping)) for r in made],
            "audit": [
                (
                    issue_of[r.entity_id],
                    r.action,
                    r.actor_kind,
                    r.actor_id == run.run_id,
                    r.actor_label == f"{SYSTEM} sync #{run.run_id}",
                    entry(r.changes),
                )
                for r in trail
            ],
            "events": [(r.event_type, issue_of[r.aggregate_id], r.payload) for r in events],
            "deliveries": [(issue_of[r[0]], *r[1:]) for r in sent],
            "quarantined": [tuple(r) for r in refused],
            "mail": mail,
            "counts": run.counts["issue"],
        }


def test_a_page_of_work_orders_is_reported_exactly_as_one_at_a_time(
    app: App, pw: RunningPropertyware, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched, switched_off = _prepared(app, pw)
    by_page = _outcome(app, batched.agency_id, run_pw(app, batched.agency_id, "PW-03"))
    single, _ = _prepared(app, pw)
    one_at_a_time: dict[str, UseCaseWriter] = {
        "issue": lambda conn, ctx, ds: _report_one_at_a_time(app, conn, ctx, ds)
    }
    monkeypatch.setattr(sync_run, "use_cases", lambda _app: one_at_a_time)
    reference = _outcome(app, single.agency_id, run_pw(app, single.agency_id, "PW-03"))

    assert by_page == reference
    # and it is what the use case promises: numbered 1.., reported, audited, announced
    made = by_page["issues"]
    assert len(made) > 1
    assert [issue["number"] for _, issue in made] == list(range(1, len(made) + 1))
    assert {issue["status"] for _, issue in made} == {"reported"}
    assert all(issue["manager_ref"] for _, issue in made)
    assert any(issue["reporter_occupier_id"] for _, issue in made)
    assert [(ext, action) for ext, action, *_ in by_page["audit"]] == [
        (ext, "created") for ext, _ in made
    ]
    assert all(by_run and labelled for *_, by_run, labelled, _ in by_page["audit"])
    assert [(kind, ext) for kind, ext, _ in by_page["events"]] == [
        ("issue.created", ext) for ext, _ in made
    ]
    assert {(channel, target) for _, channel, target, *_ in by_page["deliveries"]} == {
        ("connection", SYSTEM),
        ("webhook", "http://127.0.0.1:9/hook"),
    }
    assert len(by_page["deliveries"]) == 2 * len(made)
    # the switched-off property's work orders were refused and wait in quarantine
    assert by_page["quarantined"]
    assert {reason for *_, reason in by_page["quarantined"]} == {
        "property: Issues can only be reported against active properties"
    }
    assert by_page["counts"]["quarantined"] == len(by_page["quarantined"])
    assert switched_off not in {issue["unit_id"] for _, issue in made}
