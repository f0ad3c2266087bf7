"""C-13: every change records who or what made it (user, sync run, reconciliation) and when,
per record and per field (before, after)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Quote
from repairlink.domain.people import Occupier
from repairlink.services import auth, history, issues, people_and_places, units
from repairlink.services.auth import Principal
from tests.factories import as_contractor, instructed_issue, make_contractor, make_unit, uow_of

SYNC = Actor(ActorKind.SYNC_RUN, 812, "alto nightly run 812")
RECON = Actor(ActorKind.RECONCILIATION, 27, "monthly reconciliation")


def trail(app: App, who: Principal, kind: str, record_id: int) -> list[history.Change]:
    return history.history(uow_of(app, who), kind, record_id)


def test_c_13_create_records_the_actor_and_every_field_set(app: App, admin: Principal) -> None:
    started = datetime.now(UTC)
    occupier = people_and_places.create(
        uow_of(app, admin),
        Occupier,
        {
            "first_name": "Ada",
            "surname": "Lovelace",
            "email": "Ada@Example.com",
            "phone": "07700 900321",
        },
    )
    (entry,) = trail(app, admin, "occupier", occupier.id)
    assert entry.action == "created"
    assert (entry.actor_kind, entry.actor_id, entry.actor_label) == ("user", 1, "admin@test")
    assert started - timedelta(seconds=1) <= entry.at <= datetime.now(UTC) + timedelta(seconds=1)
    assert entry.changes["first_name"] == [None, "Ada"]
    assert entry.changes["surname"] == [None, "Lovelace"]
    assert entry.changes["email"] == [None, "ada@example.com"]
    assert entry.changes["phone"] == [None, "+447700900321"]
    assert entry.changes["agency_id"] == [None, admin.agency_id]


def test_c_13_an_update_by_a_sync_run_names_the_run_and_only_the_changed_fields(
    app: App, admin: Principal
) -> None:
    occupier = people_and_places.create(
        uow_of(app, admin), Occupier, {"first_name": "Ada", "email": "ada.old@example.com"}
    )
    people_and_places.update(
        app.uow(SYNC, admin.agency_id),
        Occupier,
        occupier.id,
        {"email": "ada.new@example.com", "first_name": "Ada"},  # the name does not change
    )
    created, updated = trail(app, admin, "occupier", occupier.id)
    assert created.actor_kind == "user"
    assert updated.action == "updated"
    assert (updated.actor_kind, updated.actor_id, updated.actor_label) == (
        "sync_run",
        812,
        "alto nightly run 812",
    )
    assert updated.changes == {"email": ["ada.old@example.com", "ada.new@example.com"]}
    assert created.at <= updated.at


def test_c_13_an_update_that_changes_nothing_writes_no_entry(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin, line1="5 Quiet Close")
    people_and_places.update(
        app.uow(SYNC, admin.agency_id), type(unit), unit.id, {"line1": "5 Quiet Close"}
    )
    assert [e.action for e in trail(app, admin, "unit", unit.id)] == ["created"]


def test_c_13_a_lifecycle_transition_is_in_the_issue_trail(app: App, admin: Principal) -> None:
    contractor = make_contractor(app, admin)
    issue = instructed_issue(app, admin, contractor)
    me = as_contractor(contractor)
    when = datetime(2031, 5, 6, 8, 0, tzinfo=UTC)
    issues.set_appointment(uow_of(app, me), me, issue.id, when)
    entries = trail(app, admin, "issue", issue.id)
    assert [e.action for e in entries] == ["created", "updated", "updated"]
    assert entries[0].changes["status"] == [None, "reported"]
    assert entries[1].changes["status"] == ["reported", "job_instructed"]
    assert entries[1].changes["contractor_id"] == [None, contractor.id]
    assert entries[1].changes["paying_for_work"] == [None, "landlord"]
    last = entries[2]
    assert (last.actor_kind, last.actor_id, last.actor_label) == (
        "user",
        me.actor.id,
        me.actor.label,
    )
    assert last.changes["status"] == ["job_instructed", "awaiting_completion"]
    assert datetime.fromisoformat(last.changes["appointment_at"][1]) == when
    assert last.changes["appointment_at"][0] is None


def test_c_13_a_reconciliation_is_named_as_such(app: App, admin: Principal) -> None:
    unit = make_unit(app, admin)
    units.deactivate_unit(app.uow(RECON, admin.agency_id), unit.id)
    last = trail(app, admin, "unit", unit.id)[-1]
    assert (last.actor_kind, last.actor_id, last.actor_label) == (
        "reconciliation",
        27,
        "monthly reconciliation",
    )
    assert last.changes["active"] == [True, False]
    assert last.changes["deactivated_by"] == [None, "reconciliation"]


def test_c_13_secrets_never_reach_the_trail(app: App, admin: Principal) -> None:
    email = f"agent-{uuid.uuid4().hex[:8]}@example.com"
    user = auth.create_user(
        uow_of(app, admin),
        email=email,
        name="Agent",
        role=Role.AGENT,
        password="a long password 123",
    )
    (entry,) = trail(app, admin, "user", user.id)
    assert "password_hash" not in entry.changes
    assert entry.changes["email"] == [None, email]


def test_c_13_a_zero_set_at_creation_is_recorded(app: App, admin: Principal) -> None:
    """0 pence is a value, not an unset field (and `0 == False` in Python)."""
    contractor = make_contractor(app, admin)
    issue = instructed_issue(app, admin)
    with uow_of(app, admin) as u:
        quote = Quote(
            agency_id=u.agency,
            issue_id=issue.id,
            contractor_id=contractor.id,
            net=0,
            vat=0,
            gross=0,
        )
        u.add(quote)
        u.commit()
    (entry,) = trail(app, admin, "quote", quote.id)
    assert (entry.changes["net"], entry.changes["gross"]) == ([None, 0], [None, 0])
    assert "notes" not in entry.changes  # still: unset fields stay out
