"""`repairlink worker` and `repairlink outbox ...`: the distributed runner, the delivery log,
dead letters and replay (S-01), and "Sync now" / "Sync all" for PMS deliveries (PW-10)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from repairlink.domain.actors import Actor
from repairlink.settings import Settings

outbox_cli = typer.Typer(
    help="Deliveries to PMSs and webhooks: log, dead letters, replay.", no_args_is_help=True
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
AgencyOpt = Annotated[str, typer.Option("--agency", "-a", help="The agency's slug")]


def worker(
    concurrency: Annotated[
        int, typer.Option(help="Jobs run at once by this process; run more processes to scale")
    ] = 2,  # jobs.worker.CONCURRENCY, not imported here: `repairlink --help` stays quick
) -> None:
    """Run a worker on PostgreSQL: deliveries (two sender threads, told of new ones by the
    service), and Procrastinate's jobs: schedules, syncs (one per agency and PMS at a time).
    Start as many as you like, on as many machines."""
    from repairlink.bootstrap import build
    from repairlink.jobs.worker import ensure_schema, run_worker
    from repairlink.observe import logs

    settings = Settings()
    logs.configure(json=settings.log_json)
    if ensure_schema(settings):
        err.print("Created the job queue's tables")
    app = build(settings)
    err.print(f"Worker started (concurrency {concurrency}); Ctrl+C stops it")
    run_worker(app, concurrency=concurrency)


def _agency_uow(agency: str) -> Any:
    from repairlink.bootstrap import build
    from repairlink.services import agencies

    app = build(Settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    return app.uow(Actor.system("cli"), found.id)


@outbox_cli.command("list")
def list_deliveries(
    agency: AgencyOpt,
    state: Annotated[
        str | None, typer.Option(help="pending, delivered, skipped or dead (dead letters)")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 50,
) -> None:
    """The delivery log, newest first."""
    from repairlink.outbound.views import list_deliveries as listed

    page = listed(_agency_uow(agency), state=state, limit=limit)
    table = Table("id", "event", "to", "about", "state", "tries", "last error / note")
    for row in page.items:
        table.add_row(
            str(row["id"]),
            row["event_type"],
            f"{row['channel']} {row['target_id']}",
            f"{row['aggregate_kind']} {row['aggregate_id']}",
            row["state"],
            str(row["attempts"]),
            row["last_error"] or row["note"] or "",
        )
    out.print(table)


@outbox_cli.command("replay")
def replay(
    agency: AgencyOpt, delivery_id: Annotated[int, typer.Argument(help="The delivery")]
) -> None:
    """Send one delivery again now (a dead letter starts a new round of retries)."""
    from repairlink.outbound.views import replay as replay_one

    row = replay_one(_agency_uow(agency), delivery_id)
    out.print(f"Delivery {row['id']} is {row['state']}, due now")


@outbox_cli.command("replay-dead")
def replay_dead(agency: AgencyOpt) -> None:
    """Replay every dead letter of the agency."""
    from repairlink.outbound.views import replay_dead as replay_all

    out.print(f"{replay_all(_agency_uow(agency))} dead letter(s) due again now")


@outbox_cli.command("sync-issue")
def sync_issue(
    agency: AgencyOpt, issue_id: Annotated[int, typer.Argument(help="The issue's id")]
) -> None:
    """PW-10 "Sync now": send an issue to its PMS again at once."""
    from repairlink.outbound.views import sync_issue_now

    count = sync_issue_now(_agency_uow(agency), issue_id)
    out.print(f"Issue {issue_id}: {count or 'a new'} delivery(ies) due now")


@outbox_cli.command("sync-all")
def sync_all(
    agency: AgencyOpt,
    connector: Annotated[str, typer.Option("--connector", "-c", help="The PMS, e.g. alto")],
) -> None:
    """Retry now every delivery to a PMS that waits or failed."""
    from repairlink.outbound.views import sync_all as rearm_all

    out.print(f"{rearm_all(_agency_uow(agency), connector)} delivery(ies) to {connector} due now")
