"""The service side of bench/outbound.py, in its own process: the hub's work for each change
(instruct an issue: its event and deliveries, committed) and, with `--runner embedded`, the
runner that sends them, as `repairlink serve` holds both; with `procrastinate`, the service
defers `deliver` jobs for `repairlink worker` processes. The bench's pacing and measuring stay
in the bench's process: it writes one issue id a line, on its beat, and `quit` at the end.

    python -m bench.outbound_service --database-url URL --runner embedded --agency 1 ...
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from repairlink.bootstrap import build
from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.agency import Role
from repairlink.domain.issues import Party, PayingForWork
from repairlink.jobs.embedded import EmbeddedRunner
from repairlink.jobs.worker import jobs_app, waker
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.settings import Settings

# Threads making the changes, as the API's request threads would: one change waiting on the
# database does not hold up the next.
DRIVERS = 8


def _say_failures(done: Future[None]) -> None:
    if done.exception() is not None:  # the bench counts the change as lost; say why
        print(f"change failed: {done.exception()!r}", file=sys.stderr, flush=True)


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

    print("ready", flush=True)
    with ThreadPoolExecutor(max_workers=DRIVERS) as pool:
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            pool.submit(instruct, int(line)).add_done_callback(_say_failures)
    if runner is not None:
        runner.stop()
    app.close()


if __name__ == "__main__":
    main()
