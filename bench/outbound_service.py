"""The service side of bench/outbound.py, in its own process: the hub's work for each change
(instruct an issue: its event and deliveries, committed) and, with `--runner embedded`, the
runner that sends them, as `repairlink serve` holds both; with `procrastinate`, the service
defers `deliver` jobs for `repairlink worker` processes. The bench's pacing and measuring stay
in the bench's process: it writes one issue id a line, on its beat, and `quit` at the end.

    python -m bench.outbound_service --database-url URL --runner embedded --agency 1 ...
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.piped import Piped, serve_commands
from repairlink.bootstrap import build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.worker import jobs_app, waker
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.settings import Settings


class Service(Piped):
    """bench/outbound_service.py in its own process: the hub's side of each change."""

    def __init__(self, url: str, files: Path, runner: str, agency_id: int, contractor: int):
        args = ["--database-url", url, "--files", str(files), "--runner", runner]
        super().__init__(
            "bench.outbound_service",
            [*args, "--agency", str(agency_id), "--contractor", str(contractor)],
        )

    def change(self, issue_id: int) -> None:
        self.send(str(issue_id))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--runner", choices=("embedded", "procrastinate"), required=True)
    parser.add_argument("--agency", type=int, required=True)
    parser.add_argument("--contractor", type=int, required=True)
    args = parser.parse_args()
    settings = Settings(database_url=args.database_url, files_dir=args.files, runner=args.runner)
    app = build(settings)
    who = Principal(args.agency, Role.ADMIN, None, Actor(ActorKind.USER, 1, "bench@example.com"))
    runner = EmbeddedRunner(app, schedules=False).start() if args.runner == "embedded" else None
    if runner is None:
        app.event_listeners.append(waker(jobs_app(app)))

    def instruct(issue_id: int) -> None:
        issues.instruct(
            app.uow(who.actor, who.agency_id),
            who,
            issue_id,
            party=Party.CONTRACTOR,
            party_id=args.contractor,
            paying=PayingForWork.LANDLORD,
        )

    serve_commands("ready", lambda line: instruct(int(line)))
    if runner is not None:
        runner.stop()
    app.close()


if __name__ == "__main__":
    main()
