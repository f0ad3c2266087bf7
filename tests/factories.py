"""Plain factory functions that go through the real services (no shortcuts into the tables)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.people import Contractor, Landlord, Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.services import agencies, auth, issues, people_and_places
from repairlink.services.auth import Principal
from repairlink.store.uow import UnitOfWork

_n = itertools.count(1)


def make_unit(app: App, who: Principal, **fields: Any) -> Unit:
    n = next(_n)
    values = {"line1": f"{n} Test Street", "town": "London", "postcode": "SW1A 1AA", **fields}
    return people_and_places.create(app.uow(who.actor, who.agency_id), Unit, values)


def make_occupier(app: App, who: Principal, **fields: Any) -> Occupier:
    n = next(_n)
    values = {
        "first_name": "Olive",
        "surname": f"Occupier{n}",
        "email": f"olive{n}@example.com",
        "phone": "07700 900123",
        **fields,
    }
    return people_and_places.create(app.uow(who.actor, who.agency_id), Occupier, values)


def make_tenancy(
    app: App, who: Principal, occupier: Occupier, unit: Unit, **fields: Any
) -> Tenancy:
    values = {
        "occupier_id": occupier.id,
        "unit_id": unit.id,
        "start_date": date.today() - timedelta(days=30),
        **fields,
    }
    return people_and_places.create(app.uow(who.actor, who.agency_id), Tenancy, values)


def make_contractor(app: App, who: Principal, **fields: Any) -> Contractor:
    n = next(_n)
    values = {
        "company": f"Fixit {n} Ltd",
        "email": f"fixit{n}@example.com",
        "trades": ["plumbing"],
        **fields,
    }
    return people_and_places.create(app.uow(who.actor, who.agency_id), Contractor, values)


def make_landlord(app: App, who: Principal, **fields: Any) -> Landlord:
    n = next(_n)
    values = {
        "first_name": "Lena",
        "surname": f"Landlord{n}",
        "email": f"lena{n}@example.com",
        **fields,
    }
    return people_and_places.create(app.uow(who.actor, who.agency_id), Landlord, values)


def make_issue(app: App, who: Principal, unit: Unit | None = None, **fields: Any) -> Issue:
    unit = unit or make_unit(app, who)
    values = {"title": "Leaking tap", "description": "Kitchen tap drips", **fields}
    return issues.report(app.uow(who.actor, who.agency_id), who, unit_id=unit.id, **values)


def instructed_issue(
    app: App, who: Principal, contractor: Contractor | None = None, **issue_fields: Any
) -> Issue:
    """Instructed to `contractor` (or a new one); `issue_fields` go to `make_issue`."""
    issue = make_issue(app, who, **issue_fields)
    contractor = contractor or make_contractor(app, who)
    return issues.instruct(
        app.uow(who.actor, who.agency_id),
        who,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor.id,
        paying=PayingForWork.LANDLORD,
    )


def in_progress_issue(
    app: App, who: Principal, contractor: Contractor | None = None, **issue_fields: Any
) -> Issue:
    issue = instructed_issue(app, who, contractor, **issue_fields)
    when = datetime.now(UTC) + timedelta(days=2)
    return issues.set_appointment(app.uow(who.actor, who.agency_id), who, issue.id, when)


def uow_of(app: App, who: Principal) -> UnitOfWork:
    """A unit of work acting as `who` in `who`'s agency."""
    return app.uow(who.actor, who.agency_id)


def make_agency(app: App, **settings: Any) -> Principal:
    """A fresh agency (for C-01 tests that need two) and its admin; settings applied if given."""
    slug = f"f-{uuid.uuid4().hex[:12]}"
    agency = agencies.create_agency(app.uow(Actor.system()), name=f"Agency {slug}", slug=slug)
    who = Principal(agency.id, Role.ADMIN, None, Actor(ActorKind.USER, 1, f"admin@{slug}"))
    if settings:
        agencies.update_settings(uow_of(app, who), settings)
    return who


def as_contractor(contractor: Contractor) -> Principal:
    actor = Actor(ActorKind.USER, 10_000 + contractor.id, f"contractor-{contractor.id}")
    return Principal(contractor.agency_id, Role.CONTRACTOR, contractor.id, actor)


def as_occupier(occupier: Occupier) -> Principal:
    actor = Actor(ActorKind.USER, 20_000 + occupier.id, f"occupier-{occupier.id}")
    return Principal(occupier.agency_id, Role.OCCUPIER, occupier.id, actor)


def occupier_login(app: App, who: Principal, occupier: Occupier) -> tuple[str, str]:
    """A login (role occupier, subject_id = the occupier) -> (email, password)."""
    return _login(app, who, Role.OCCUPIER, occupier.id, occupier.display_name)


def contractor_login(app: App, who: Principal, contractor: Contractor) -> tuple[str, str]:
    """A login (role contractor, subject_id = the contractor) -> (email, password)."""
    return _login(app, who, Role.CONTRACTOR, contractor.id, contractor.display_name)


def _login(app: App, who: Principal, role: Role, subject_id: int, name: str) -> tuple[str, str]:
    email, password = f"login-{uuid.uuid4().hex[:10]}@example.com", "correct horse battery"
    auth.create_user(
        uow_of(app, who),
        email=email,
        name=name,
        role=role,
        password=password,
        subject_id=subject_id,
    )
    return email, password


def living_occupier(app: App, who: Principal, unit: Unit, **fields: Any) -> Occupier:
    """An occupier with an open-ended tenancy at `unit` that covers today."""
    occupier = make_occupier(app, who, **fields)
    make_tenancy(app, who, occupier, unit)
    return occupier


def quotes_requested_issue(app: App, who: Principal, *contractors: Contractor) -> Issue:
    issue = make_issue(app, who)
    issues.request_quotes(uow_of(app, who), who, issue.id, [c.id for c in contractors])
    return issues.get(uow_of(app, who), who, issue.id)


def completed_issue(
    app: App,
    who: Principal,
    contractor: Contractor | None = None,
    invoice: issues.Upload | None = None,
    **issue_fields: Any,
) -> Issue:
    """Completed with no costs (and no invoice unless given): the agency's settings must allow
    it. `issue_fields` go to `make_issue`."""
    issue = in_progress_issue(app, who, contractor, **issue_fields)
    return issues.complete(
        uow_of(app, who), who, issue.id, files=app.files, notes="Fixed", costs=None, invoice=invoice
    )
