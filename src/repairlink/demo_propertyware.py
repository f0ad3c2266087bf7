"""The US demo agency that `make run` also seeds: a property manager in California on
Propertyware (America/Los_Angeles, US English), connected to the Propertyware simulator and
synced with its own schedules: properties and residents, leases, work orders."""

from __future__ import annotations

from contextlib import ExitStack

from repairlink.bootstrap import App
from repairlink.demo import demo_agency, on_port_or_any
from repairlink.domain.actors import Actor
from repairlink.services import agencies

SLUG = "demo-us"
EMAIL = "admin@demo-pm.example"
PASSWORD = "repairlink-demo"
SCHEDULES = ("PW-02", "PW-05", "PW-03")  # residents before their leases, then work orders


def seed_us_agency(app: App) -> int:
    """The US demo agency (dollars, Pacific time) and its admin login, made once; answers its
    id."""
    agency_id, made = demo_agency(
        app,
        name="Golden State Property Management",
        slug=SLUG,
        email=EMAIL,
        password=PASSWORD,
        admin="Demo Manager",
    )
    if made:
        agencies.update_settings(
            app.uow(Actor.system("demo"), agency_id),
            {"locale": "en_US", "time_zone": "America/Los_Angeles"},
        )
    return agency_id


def start_propertyware_demo(app: App, stack: ExitStack, port: int = 8103) -> list[str]:
    """Serve the simulator on `port` (or any free one), connect the US agency to it and run
    each schedule once; answers what to tell the person who ran `make run`."""
    from repairlink.connectors.propertyware.profile import PROFILE
    from repairlink.jobs.sync_run import connect, run_sync
    from repairlink.pms.profile import Schedule
    from repairlink.simulators.propertyware import running_propertyware

    agency_id = seed_us_agency(app)
    sim = on_port_or_any(stack, lambda at: running_propertyware(seed=1, units=300, port=at), port)
    settings = {
        "base_url": sim.base_url,
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "system_id": sim.system_id,
        "locations": [sim.portfolio_id(1)],
        "account_email": sim.account_email,
    }
    connect(app, agency_id, "propertyware", settings)
    made = 0
    for rule in SCHEDULES:
        (schedule,) = [s for s in PROFILE.of(Schedule) if s.rule == rule]
        state = run_sync(app, agency_id, "propertyware", schedule=schedule)
        made += sum(c.get("created", 0) + c.get("updated", 0) for c in state.counts.values())
    return [
        f"Propertyware simulator on [bold]{sim.base_url}[/] (300 units, seed 1)",
        f"US demo agency synced from Propertyware: {made} records; log in as "
        f"[bold]{EMAIL}[/] / [bold]{PASSWORD}[/]",
    ]
