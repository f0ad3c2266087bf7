"""The demo agency that `make run` seeds, so a newcomer sees real-looking data at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from repairlink.bootstrap import App
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.domain.people import Contractor, Landlord, Occupier, Tenancy, UnitLandlord
from repairlink.domain.places import Unit
from repairlink.errors import NotFoundError
from repairlink.inbound.run_state import RunState
from repairlink.services import agencies, auth, issues, people_and_places
from repairlink.services.auth import Principal
from repairlink.store.uow import UnitOfWork

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo-lettings.co.uk"
DEMO_PASSWORD = "repairlink-demo"

STREETS = [
    ("Flat 1", "12 Albion Road", "London", "N16 9PH"),
    ("Flat 2", "12 Albion Road", "London", "N16 9PH"),
    ("", "4 Cavendish Mews", "Bath", "BA1 2LT"),
    ("", "27 Quayside", "Bristol", "BS1 4QA"),
    ("Room 3", "88 Castle Street", "Cardiff", "CF10 1BS"),
]
PEOPLE = [
    ("Amira", "Khan"),
    ("Tom", "Hughes"),
    ("Grace", "Okafor"),
    ("Liam", "Evans"),
    ("Sofia", "Rossi"),
]
TRADES = [
    ("Brightwater Plumbing Ltd", ["plumbing", "gas"]),
    ("Sparks & Sons Electrical", ["electrician"]),
    ("Greenleaf Gardens", ["gardening"]),
]


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


def seed_demo(app: App) -> bool:
    """Create the demo agency and its data unless it exists. Returns whether it created it."""
    try:
        agencies.find_by_slug(app.uow(Actor.system("demo")), DEMO_SLUG)
        return False
    except NotFoundError:
        pass
    agency = agencies.create_agency(
        app.uow(Actor.system("demo")), name="Demo Lettings", slug=DEMO_SLUG
    )
    user = auth.create_user(
        app.uow(Actor.system("demo"), agency.id),
        email=DEMO_EMAIL,
        name="Demo Admin",
        role=Role.ADMIN,
        password=DEMO_PASSWORD,
    )
    who = Principal(agency.id, Role.ADMIN, None, Actor(ActorKind.USER, user.id, DEMO_EMAIL))

    def uow() -> UnitOfWork:
        return app.uow(who.actor, agency.id)

    landlord = people_and_places.create(
        uow(),
        Landlord,
        {
            "first_name": "Helen",
            "surname": "Marsh",
            "email": "helen.marsh@example.com",
            "phone": "020 7946 0101",
        },
    )
    contractors = [
        people_and_places.create(
            uow(),
            Contractor,
            {
                "company": name,
                "email": f"jobs@{name.split()[0].lower()}.example.com",
                "phone": f"0117 496 00{i}0",
                "trades": trades,
            },
        )
        for i, (name, trades) in enumerate(TRADES)
    ]
    units = []
    for i, (flat, line1, town, postcode) in enumerate(STREETS):
        unit = people_and_places.create(
            uow(),
            Unit,
            {
                "flat": flat,
                "line1": line1,
                "town": town,
                "postcode": postcode,
                "ref": f"DEMO-{i + 1:03d}",
            },
        )
        people_and_places.create(
            uow(), UnitLandlord, {"unit_id": unit.id, "landlord_id": landlord.id, "primary": True}
        )
        first, last = PEOPLE[i]
        occupier = people_and_places.create(
            uow(),
            Occupier,
            {
                "first_name": first,
                "surname": last,
                "email": f"{first.lower()}@example.com",
                "phone": f"07700 9001{i:02d}",
            },
        )
        people_and_places.create(
            uow(),
            Tenancy,
            {
                "occupier_id": occupier.id,
                "unit_id": unit.id,
                "start_date": date(2025, 9, 1),
                "periodic": True,
            },
        )
        units.append(unit)

    titles = [
        "Boiler not heating water",
        "Kitchen tap dripping",
        "Hallway light flickers",
        "Garden fence panel down",
        "Damp patch in bedroom",
    ]
    reported = [
        issues.report(uow(), who, title=t, unit_id=u.id, category="Repairs")
        for t, u in zip(titles, units, strict=True)
    ]
    issues.instruct(
        uow(),
        who,
        reported[0].id,
        party=Party.CONTRACTOR,
        party_id=contractors[0].id,
        paying=PayingForWork.LANDLORD,
    )
    issues.request_quotes(uow(), who, reported[1].id, [c.id for c in contractors[:2]])
    issues.instruct(
        uow(),
        who,
        reported[2].id,
        party=Party.CONTRACTOR,
        party_id=contractors[1].id,
        paying=PayingForWork.LANDLORD,
    )
    issues.set_appointment(
        uow(), who, reported[2].id, datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    )
    return True
