"""`repairlink people import`: owners (landlords) and service providers (contractors) from a CSV
file (PW-07), with a progress bar, the per-row report printed and optionally saved as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from repairlink.domain.actors import Actor
from repairlink.domain.formats import plural
from repairlink.settings import Settings

people_cli = typer.Typer(help="Owners and service providers uploaded as CSV.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@people_cli.command("import")
def import_csv(
    agency: Annotated[str, typer.Option("--agency", "-a", help="The agency's slug")],
    kind: Annotated[str, typer.Option(help="landlord or contractor")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A UTF-8 CSV file")],
    valid_rows: Annotated[
        bool, typer.Option("--valid-rows", help="Write the good rows even if some are bad")
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Save the per-row report here (CSV)")] = None,
) -> None:
    """Check every row, then write all of them or none (or, with --valid-rows, the good ones)."""
    from repairlink.bootstrap import build
    from repairlink.services import agencies
    from repairlink.services.people_import import import_people

    app = build(Settings())
    found = agencies.find_by_slug(app.uow(Actor.system("cli")), agency)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"Importing {kind}s", total=None)

        def moved(stage: str, done: int, total: int) -> None:
            doing = "Checking" if stage == "checked" else "Adding"
            bar.update(task, description=f"{doing} {kind}s", completed=done, total=total)

        result = import_people(
            app.uow(Actor.system("cli-import"), found.id),
            kind,
            file.read_bytes(),
            mode="valid_rows" if valid_rows else "all_or_nothing",
            progress=moved,
        )
    for problem in result.errors:
        err.print(
            f"row {problem.row}, {problem.column}: {escape(problem.reason)} {escape(problem.value)}"
        )
    if report is not None:
        report.write_text(result.errors_csv())
    rows, problems, created = result.rows, len(result.errors), result.created
    out.print(
        f"{rows} {plural(rows, 'row')}, {problems} {plural(problems, 'problem')}; "
        f"created {created} {plural(created, kind)}"
    )
    if result.errors and not result.written:
        raise typer.Exit(1)
