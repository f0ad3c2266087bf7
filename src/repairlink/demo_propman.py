"""The second demo agency `make run` seeds: a block manager on Propman (estates, buildings,
leaseholders, RMCs), connected to the Propman simulator and synced, with a few issues, one of
them instructed so that its repair order is in Propman."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from repairlink.bootstrap import App
from repairlink.demo import demo_agency, on_port_or_any, synced_ids
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.services import issue_costing, issues
from repairlink.services.auth import Principal
from repairlink.store.uow import UnitOfWork

SLUG = "demo-blocks"
EMAIL = "admin@demo-blocks.co.uk"
PASSWORD = "repairlink-demo"
UNITS = 300
TITLES = ("Communal door does not close", "Lift out of service", "Roof leak above flat 4")


def start_propman_demo(app: App, stack: ExitStack, port: int, say: Callable[[str], None]) -> None:
    """Serve the Propman simulator on `port` (or any free one), connect the block-management
    demo agency to it, sync everything, seed its issues (once) and say how to log in."""
    from repairlink.jobs.sync_run import connect, run_sync
    from repairlink.simulators.propman import running_propman

    agency_id, _ = demo_agency(
        app,
        name="Demo Block Management",
        slug=SLUG,
        email=EMAIL,
        password=PASSWORD,
        admin="Block Admin",
    )
    sim = on_port_or_any(stack, lambda at: running_propman(seed=1, units=UNITS, port=at), port)
    say(f"Propman simulator on [bold]{sim.base_url}[/] ({UNITS} units, seed 1)")
    connect(app, agency_id, "propman", {"base_url": sim.base_url, "api_key": sim.api_key})
    state = run_sync(app, agency_id, "propman", full=True)
    made = sum(c.get("created", 0) + c.get("updated", 0) for c in state.counts.values())
    say(f"Block-management demo agency synced from Propman: {made} records (run {state.run_id})")
    _seed_issues(app, agency_id)
    say(f"Block management demo (Propman): log in as [bold]{EMAIL}[/] / [bold]{PASSWORD}[/]")


def _seed_issues(app: App, agency_id: int) -> None:
    who = Principal(agency_id, Role.ADMIN, None, Actor(ActorKind.USER, None, EMAIL))

    def uow() -> UnitOfWork:
        return app.uow(who.actor, agency_id)

    if issues.list_issues(uow(), who, limit=1).items:
        return
    places = synced_ids(uow(), "unit", len(TITLES), "propman")
    contractors = synced_ids(uow(), "contractor", 1, "propman")
    made = [
        issues.report(uow(), who, title=t, unit_id=u, category="Communal repairs")
        for t, u in zip(TITLES, places, strict=False)
    ]
    if not made or not contractors:
        return
    codes = issue_costing.cost_codes_for(uow(), who, made[0].id)
    if codes:
        issue_costing.choose_cost_code(uow(), who, made[0].id, codes[0].id)
    issues.instruct(
        uow(),
        who,
        made[0].id,
        party=Party.CONTRACTOR,
        party_id=contractors[0],
        paying=PayingForWork.LANDLORD,
    )
