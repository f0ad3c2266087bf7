"""Plain factory functions that go through the real services (no shortcuts into the tables)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from repairlink.bootstrap import App
from repairlink.domain.issues import Issue, Party, PayingForWork
from repairlink.domain.people import Contractor, Landlord, Occupier, Tenancy
from repairlink.domain.places import Unit
from repairlink.services import issues, records
from repairlink.services.auth import Principal

_n = itertools.count(1)


def make_unit(app: App, who: Principal, **fields: Any) -> Unit:
    n = next(_n)
    values = {"line1": f"{n} Test Street", "town": "London", "postcode": "SW1A 1AA", **fields}
    return records.create(app.uow(who.actor, who.agency_id), Unit, values)


def make_occupier(app: App, who: Principal, **fields: Any) -> Occupier:
    n = next(_n)
    values = {
        "first_name": "Olive",
        "surname": f"Occupier{n}",
        "email": f"olive{n}@example.com",
        "phone": "07700 900123",
        **fields,
    }
    return records.create(app.uow(who.actor, who.agency_id), Occupier, values)


def make_tenancy(
    app: App, who: Principal, occupier: Occupier, unit: Unit, **fields: Any
) -> Tenancy:
    values = {
        "occupier_id": occupier.id,
        "unit_id": unit.id,
        "start_date": date.today() - timedelta(days=30),
        **fields,
    }
    return records.create(app.uow(who.actor, who.agency_id), Tenancy, values)


def make_contractor(app: App, who: Principal, **fields: Any) -> Contractor:
    n = next(_n)
    values = {
        "company": f"Fixit {n} Ltd",
        "email": f"fixit{n}@example.com",
        "trades": ["plumbing"],
        **fields,
    }
    return records.create(app.uow(who.actor, who.agency_id), Contractor, values)


def make_landlord(app: App, who: Principal, **fields: Any) -> Landlord:
    n = next(_n)
    values = {
        "first_name": "Lena",
        "surname": f"Landlord{n}",
        "email": f"lena{n}@example.com",
        **fields,
    }
    return records.create(app.uow(who.actor, who.agency_id), Landlord, values)


def make_issue(app: App, who: Principal, unit: Unit | None = None, **fields: Any) -> Issue:
    unit = unit or make_unit(app, who)
    values = {"title": "Leaking tap", "description": "Kitchen tap drips", **fields}
    return issues.report(app.uow(who.actor, who.agency_id), who, unit_id=unit.id, **values)


def instructed_issue(app: App, who: Principal, contractor: Contractor | None = None) -> Issue:
    issue = make_issue(app, who)
    contractor = contractor or make_contractor(app, who)
    return issues.instruct(
        app.uow(who.actor, who.agency_id),
        who,
        issue.id,
        party=Party.CONTRACTOR,
        party_id=contractor.id,
        paying=PayingForWork.LANDLORD,
    )


def in_progress_issue(app: App, who: Principal, contractor: Contractor | None = None) -> Issue:
    issue = instructed_issue(app, who, contractor)
    when = datetime.now(UTC) + timedelta(days=2)
    return issues.set_appointment(app.uow(who.actor, who.agency_id), who, issue.id, when)
