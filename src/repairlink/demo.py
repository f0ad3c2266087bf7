"""The demo agency that `make run` seeds, so a newcomer sees real-looking data at once."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role, User
from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.people import ExternalRef
from repairlink.errors import NotFoundError
from repairlink.inbound.run_state import RunState
from repairlink.services import agencies, auth, issues
from repairlink.services.auth import Principal
from repairlink.services.occupiers import active_at_unit
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork

T = TypeVar("T")

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo-lettings.co.uk"
DEMO_PASSWORD = "repairlink-demo"

TITLES = [
    "Boiler not heating water",
    "Kitchen tap dripping",
    "Hallway light flickers",
    "Garden fence panel down",
    "Damp patch in bedroom",
]


def on_port_or_any(
    stack: ExitStack, serve: Callable[[int | None], AbstractContextManager[T]], port: int
) -> T:
    """A demo simulator on its usual port, or on any free one when that is taken (a second
    `make run`, or another program that took it first)."""
    try:
        return stack.enter_context(serve(port))
    except OSError:
        return stack.enter_context(serve(None))


def connect_demo_to_alto(app: App, base_url: str) -> RunState:
    """Connect the demo agency to a (simulated) Alto and run its first sync."""
    from repairlink.jobs.sync_run import connect, run_sync
    from repairlink.simulators.alto.state import (
        DEFAULT_AGENCY_REF,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
    )

    agency = agencies.find_by_slug(app.uow(Actor.system("demo")), DEMO_SLUG)
    connect(
        app,
        agency.id,
        "alto",
        {
            "base_url": base_url,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "agency_ref": DEFAULT_AGENCY_REF,
        },
    )
    return run_sync(app, agency.id, "alto")


def demo_agency(
    app: App, *, name: str, slug: str, email: str, password: str, admin: str = "Demo Admin"
) -> tuple[int, bool]:
    """A demo agency and its admin login, made once: (its id, whether it was made now)."""
    try:
        return agencies.find_by_slug(app.uow(Actor.system("demo")), slug).id, False
    except NotFoundError:
        pass
    agency = agencies.create_agency(app.uow(Actor.system("demo")), name=name, slug=slug)
    auth.create_user(
        app.uow(Actor.system("demo"), agency.id),
        email=email,
        name=admin,
        role=Role.ADMIN,
        password=password,
    )
    return agency.id, True


def seed_demo(app: App) -> bool:
    """Create the demo agency and its admin login unless it exists. Returns whether it created
    it. Its people and places come from the PMS (`connect_demo_to_alto`), its issues after
    (`seed_demo_issues`)."""
    _, made = demo_agency(
        app, name="Demo Lettings", slug=DEMO_SLUG, email=DEMO_EMAIL, password=DEMO_PASSWORD
    )
    return made


def synced_ids(uow: UnitOfWork, kind: str, limit: int, system: str = "alto") -> list[int]:
    """Ids of records of `kind` that the PMS knows (they bear its reference), oldest first."""
    ref = cols(ExternalRef)
    with uow:
        return list(
            uow.session.scalars(
                sa.select(ref.entity_id)
                .where(ref.agency_id == uow.agency, ref.entity_kind == kind, ref.system == system)
                .order_by(ref.entity_id)
                .limit(limit)
            )
        )


def _homes(uow: UnitOfWork, count: int) -> list[tuple[int, int]]:
    """(unit, occupier living there today) on units synced from the PMS."""
    homes = []
    for unit_id in synced_ids(uow, "unit", 200):
        with uow:
            living = active_at_unit(uow, unit_id, date.today())
        if living:
            homes.append((unit_id, living[0].id))
        if len(homes) == count:
            break
    return homes


def seed_demo_issues(app: App) -> int:
    """Report the demo's issues on units synced from the PMS, by the occupiers living there,
    and move some on with the PMS's contractors, so instructing sends a works order the PMS
    accepts. Does nothing when the demo agency has issues already. Answers how many it made."""
    agency = agencies.find_by_slug(app.uow(Actor.system("demo")), DEMO_SLUG)
    with app.uow(Actor.system("demo"), agency.id) as read:
        admin = read.first(read.select(User, cols(User).email == DEMO_EMAIL))
    actor = Actor(ActorKind.USER, admin.id if admin else None, DEMO_EMAIL)
    who = Principal(agency.id, Role.ADMIN, None, actor)

    def uow() -> UnitOfWork:
        return app.uow(who.actor, agency.id)

    if issues.list_issues(uow(), who, limit=1).items:
        return 0
    contractors = synced_ids(uow(), "contractor", 2)
    reported = [
        issues.report(
            uow(),
            who,
            title=title,
            unit_id=unit_id,
            reporter_occupier_id=occupier_id,
            category="Repairs",
        )
        for title, (unit_id, occupier_id) in zip(TITLES, _homes(uow(), len(TITLES)), strict=False)
    ]
    if len(reported) < 3 or len(contractors) < 2:
        return len(reported)
    for issue, contractor_id in ((reported[0], contractors[0]), (reported[2], contractors[1])):
        issues.instruct(
            uow(),
            who,
            issue.id,
            party=Party.CONTRACTOR,
            party_id=contractor_id,
            paying=PayingForWork.LANDLORD,
        )
    issues.request_quotes(uow(), who, reported[1].id, contractors)
    issues.set_appointment(
        uow(), who, reported[2].id, datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    )
    return len(reported)
