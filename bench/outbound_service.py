"""The service side of bench/outbound.py, in its own process: the hub's work for each change
(instruct an issue: its event and deliveries, committed) and, with `--runner embedded`, the
runner that sends them, as `repairlink serve` holds both; with `procrastinate`, the service
defers `deliver` jobs for `repairlink worker` processes. The bench's pacing and measuring stay
in the bench's process: it writes one issue id a line, on its beat, and `quit` at the end.

    python -m bench.outbound_service --database-url URL --runner embedded --agency 1 ...
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
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


class Service:
    """bench/outbound_service.py in its own process: the hub's side of each change."""

    def __init__(self, url: str, files: Path, runner: str, agency_id: int, contractor: int):
        command = [sys.executable, "-m", "bench.outbound_service", "--database-url", url]
        command += ["--files", str(files), "--runner", runner]
        command += ["--agency", str(agency_id), "--contractor", str(contractor)]
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self.proc.stdout is not None
        assert self.proc.stdin is not None
        self.stdin = self.proc.stdin
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the service process did not start")
        self._lock = threading.Lock()

    def change(self, issue_id: int) -> None:
        with self._lock:
            self.stdin.write(f"{issue_id}\n")

    def close(self) -> None:
        self.stdin.write("quit\n")
        self.stdin.close()
        self.proc.wait(timeout=300)


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
        # Not `sys.stdin` itself: a forked page worker's start closes `sys.stdin` and would
        # wait forever for the lock this loop's blocked read holds (bench/bridge_service.py)
        for line in open(sys.stdin.fileno(), closefd=False):
            if line.strip() == "quit":
                break
            pool.submit(instruct, int(line)).add_done_callback(_say_failures)
    if runner is not None:
        runner.stop()
    app.close()


if __name__ == "__main__":
    main()
