"""`repairlink`: serve, migrate, create agencies and API keys, sync and reconcile, seed the demo."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from repairlink.cli_import import people_cli
from repairlink.cli_keys import keys_cli
from repairlink.cli_outbound import outbox_cli, worker
from repairlink.domain.actors import Actor
from repairlink.domain.agency import Role
from repairlink.errors import RepairlinkError
from repairlink.settings import Settings

cli = typer.Typer(
    help="Repairlink: maintenance platform and PMS integration hub.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
agency_cli = typer.Typer(help="Agencies (the tenants of the service).", no_args_is_help=True)
apikey_cli = typer.Typer(help="API keys of an agency.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(agency_cli, name="agency")
cli.add_typer(apikey_cli, name="apikey")
sync_cli = typer.Typer(help="Connections to PMSs and their syncs.", no_args_is_help=True)
cli.add_typer(sync_cli, name="sync")
cli.add_typer(outbox_cli, name="outbox")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(people_cli, name="people")
cli.command()(worker)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

AgencyOpt = Annotated[str, typer.Option("--agency", "-a", help="The agency's slug")]


def _settings() -> Settings:
    return Settings()


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the schema this code needs."""
    from repairlink.store.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    if settings.database_url.startswith("postgresql"):
        from repairlink.jobs.worker import ensure_schema

        ensure_schema(settings)  # the job queue of `repairlink worker`
    out.print(f"[green]Database is up to date[/] ({_safe_url(settings.database_url)})")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (0: any free one)")] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Also run the built-in PMS simulators, seeded, with "
            "the demo agency connected and synced",
        ),
    ] = False,
    simulator_port: Annotated[int, typer.Option(help="Port of the Alto simulator")] = 8101,
) -> None:
    """Run the web service: the console at /, the API at /api/v1, its documentation at /docs."""
    import contextlib

    import uvicorn

    from repairlink.bootstrap import build
    from repairlink.server import create_server, listening

    settings = _settings()
    # Bound first: a taken port is said before the demo's start, and the port chosen for
    # --port 0 is the one the console's links (mail) and the announcement give.
    listener = listening(host or settings.host, settings.port if port is None else port)
    host, port = listener.getsockname()[:2]
    settings = settings.model_copy(update={"host": host, "port": port})
    if demo and not settings.smtp_host:
        settings = settings.model_copy(update={"mail_catch": True})
    if demo:  # the simulators listen on 127.0.0.1
        settings = settings.model_copy(update={"outbound_allow_loopback": True})
    stack = contextlib.ExitStack()
    settings = _catch_mail(settings, stack)
    app = build(settings)  # refuses an unmigrated database before anything else starts
    if demo:
        _start_demo(app, stack, simulator_port)

    if demo:  # the bridge's demo: a PMS read by the reference client (docs/bridge.md)
        from repairlink.demo_bridge import start_platform_demo

        start_platform_demo(app, stack, f"http://{host}:{port}", out.print)
    _start_runner(app, stack)
    out.print(
        f"Repairlink console on [bold]http://{host}:{port}/[/]  "
        f"(API docs: http://{host}:{port}/docs)"
    )
    if demo:
        from repairlink.demo import DEMO_EMAIL, DEMO_PASSWORD

        out.print(
            f"Open [bold]http://{host}:{port}/login[/] and log in as the demo agency's admin: "
            f"[bold]{DEMO_EMAIL}[/] / [bold]{DEMO_PASSWORD}[/]"
        )
    from repairlink.observe import logs

    logs.configure(json=settings.log_json)  # JSON lines; uvicorn's loggers go through it too
    with stack, listener:
        uvicorn.Server(uvicorn.Config(create_server(app), log_config=None)).run([listener])


def _catch_mail(settings: Settings, stack: Any) -> Settings:
    """With mail_catch on, an SMTP server inside this process catches what is sent (the
    console's Mail page shows it); the sender is pointed at it."""
    if not settings.mail_catch:
        if settings.smtp_host:
            out.print(f"Mail: sent through {settings.smtp_host}:{settings.smtp_port}")
        return settings
    from repairlink.mail.catcher import run_in_process

    catcher = run_in_process(settings.mail_catch_port)
    stack.callback(catcher.stop)
    out.print(f"Mail: caught on 127.0.0.1:{catcher.port}, not sent on; see the console's Mail page")
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": catcher.port,
            "smtp_tls": "none",
            "smtp_user": "",
        }
    )


def _start_runner(app: Any, stack: Any) -> None:
    """Who sends outbox events and runs schedules (principle 6)."""
    if app.settings.runner == "embedded":
        from repairlink.jobs.embedded import EmbeddedRunner

        stack.callback(EmbeddedRunner(app).start().stop)
        out.print("Deliveries and schedules: embedded runner")
    elif app.settings.runner == "procrastinate":
        from repairlink.jobs.worker import jobs_app, waker

        app.event_listeners.append(waker(jobs_app(app)))
        out.print("Deliveries and schedules: `repairlink worker` processes (Procrastinate)")


def _start_demo(app: Any, stack: Any, simulator_port: int) -> None:
    from repairlink.demo import connect_demo_to_alto, on_port_or_any, seed_demo, seed_demo_issues
    from repairlink.demo_propman import start_propman_demo
    from repairlink.simulators.alto import running_alto

    seed_demo(app)
    sim = on_port_or_any(
        stack, lambda port: running_alto(seed=1, units=500, port=port), simulator_port
    )
    out.print(f"Alto simulator on [bold]{sim.base_url}[/] (500 units, seed 1)")
    state = connect_demo_to_alto(app, sim.base_url)
    made = sum(c.get("created", 0) + c.get("updated", 0) for c in state.counts.values())
    out.print(f"Demo agency synced from Alto: {made} records (run {state.run_id})")
    if seeded := seed_demo_issues(app):
        out.print(f"Demo issues reported on {seeded} of the synced properties")
    start_propman_demo(app, stack, simulator_port + 1, out.print)
    from repairlink.demo_propertyware import start_propertyware_demo  # the US demo agency

    out.print("\n".join(start_propertyware_demo(app, stack, simulator_port + 2)))


@agency_cli.command("create")
def agency_create(
    name: Annotated[str, typer.Option(help="The agency's name")],
    slug: Annotated[str, typer.Option(help="Short unique id: lower-case letters, digits, -")],
    admin_email: Annotated[str | None, typer.Option(help="Also create an admin login")] = None,
    admin_password: Annotated[
        str | None, typer.Option(help="Password for that login", hide_input=True)
    ] = None,
) -> None:
    """Create an agency, optionally with its first admin login."""
    from repairlink.bootstrap import build
    from repairlink.services import agencies, auth

    app = build(_settings())
    agency = agencies.create_agency(app.uow(Actor.system("cli")), name=name, slug=slug)
    out.print(f"[green]Created agency[/] {agency.name} ({agency.slug}, id {agency.id})")
    if admin_email:
        if not admin_password:
            admin_password = typer.prompt("Admin password", hide_input=True)
        auth.create_user(
            app.uow(Actor.system("cli"), agency.id),
            email=admin_email,
            name="Administrator",
            role=Role.ADMIN,
            password=admin_password,
        )
        out.print(f"[green]Admin login[/] {admin_email}")


@apikey_cli.command("create")
def apikey_create(
    agency: AgencyOpt,
    name: Annotated[str, typer.Option(help="What the key is for")] = "integration",
    role: Annotated[Role, typer.Option(help="The key's role")] = Role.ADMIN,
    subject_id: Annotated[
        int | None, typer.Option(help="The contractor's or occupier's id, for those roles")
    ] = None,
) -> None:
    """Create an API key. Its secret is printed this once and never stored."""
    from repairlink.bootstrap import build
    from repairlink.services import agencies, auth

    app = build(_settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    key, secret = auth.create_api_key(
        app.uow(Actor.system("cli"), found.id), name=name, role=role, subject_id=subject_id
    )
    err.print(
        f"API key {key.id} ({role.value}) for {found.slug}. Keep it now: it is not shown again."
    )
    out.print(secret)


ConnectorOpt = Annotated[str, typer.Option("--connector", "-c", help="The PMS, e.g. alto")]


@sync_cli.command("connect")
def sync_connect(
    agency: AgencyOpt,
    connector: ConnectorOpt,
    setting: Annotated[
        list[str], typer.Option("--set", help="A setting as name=value (repeat); lists as a,b")
    ],
) -> None:
    """Connect an agency to a PMS, or change the connection's settings."""
    from repairlink.bootstrap import build
    from repairlink.jobs.sync_run import connect
    from repairlink.services import agencies

    app = build(_settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    values: dict[str, object] = {}
    for item in setting:
        name, _, value = item.partition("=")
        values[name.strip()] = value.split(",") if "," in value else value
    try:
        connection_id = connect(app, found.id, connector, values)
    except ValueError as exc:  # pydantic's ValidationError names each field and rule
        err.print(f"[red]error:[/] invalid {connector} settings\n{escape(str(exc))}")
        raise typer.Exit(1) from exc
    out.print(f"[green]Connected[/] {found.slug} to {connector} (connection {connection_id})")


@sync_cli.command("run")
def sync_run(
    agency: AgencyOpt,
    connector: ConnectorOpt,
    full: Annotated[bool, typer.Option("--full", help="Read everything, not just changes")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing")
    ] = False,
) -> None:
    """Run a sync now, with progress per entity kind and a summary of what it did."""
    from repairlink.bootstrap import build
    from repairlink.cli_progress import SyncProgress
    from repairlink.jobs.sync_run import run_sync
    from repairlink.services import agencies

    app = build(_settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    with SyncProgress(err) as progress:
        state = run_sync(
            app, found.id, connector, full=full, dry_run=dry_run, progress=progress.update
        )
    progress.summary(out, state, dry_run=dry_run)


@cli.command()
def reconcile(
    agency: AgencyOpt,
    connector: ConnectorOpt,
    kind: Annotated[str, typer.Option(help="The record kind the profile reconciles")] = "unit",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be deactivated; write nothing")
    ] = False,
) -> None:
    """Reconcile now (PW-09): deactivate active units the PMS no longer lists."""
    from repairlink.bootstrap import build
    from repairlink.jobs.reconcile_run import run_reconciliation
    from repairlink.services import agencies

    app = build(_settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    with err.status(f"Reading {connector}'s complete lists…"):
        report = run_reconciliation(app, found.id, connector, kind=kind, dry_run=dry_run)
    name = "Dry run" if dry_run else f"Reconciliation {report.run_id}"
    verb = "would deactivate" if dry_run else "deactivated"
    ids = ", ".join(str(i) for i in report.deactivated[:50])
    more = " …" if len(report.deactivated) > 50 else ""
    out.print(
        f"{name} ({report.rule}, {report.status}): {connector} listed {report.listed} "
        f"{kind}s; {report.held} active here carried its reference; {verb} "
        f"{len(report.deactivated)}" + (f" (ids {ids}{more})" if ids else "")
    )
    if report.status != "succeeded":
        err.print(f"[red]error:[/] {escape(report.error or report.status)}")
        raise typer.Exit(1)


@cli.command()
def demo() -> None:
    """Seed the demo agency (idempotent) and print how to log in."""
    from repairlink.bootstrap import build
    from repairlink.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo

    app = build(_settings())
    created = seed_demo(app)
    verb = "Seeded" if created else "Found"
    out.print(
        f"{verb} the demo agency. Log in on the console (/login) or the API with "
        f"[bold]{DEMO_EMAIL}[/] / [bold]{DEMO_PASSWORD}[/]. Its properties, people and "
        "issues come with `repairlink serve --demo`, which syncs it from the Alto simulator."
    )


def _safe_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def main() -> None:
    from repairlink.store.sealing import MissingKeyError

    try:
        cli()
    except (RepairlinkError, MissingKeyError) as exc:  # no key: the service does not start
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(1)
