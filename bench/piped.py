"""A bench's service process driven over a pipe (bench/outbound_service.py,
bench/bridge_service.py): the bench writes one command a line, on its beat, and `quit` at
the end; the service says `ready` (and what the bench needs to know) once it can take them,
and carries each out on a pool of threads, as the API's request threads would: one change
waiting on the database does not hold up the next."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

DRIVERS = 8  # threads carrying out the commands


class Piped:
    """The bench's side: `python -m module *args`, started and waited for until ready."""

    def __init__(self, module: str, args: Sequence[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdin is not None
        self.stdin = self.proc.stdin
        said = self.proc.stdout.readline().split()
        if not said or said[0] != "ready":
            raise SystemExit(f"{module} did not start")
        self.said = said[1:]  # what the service told once ready (its addresses, say)
        self._lock = threading.Lock()

    def send(self, command: str) -> None:
        with self._lock:
            self.stdin.write(f"{command}\n")

    def close(self) -> None:
        self.stdin.write("quit\n")
        self.stdin.close()
        self.proc.wait(timeout=300)


def serve_commands(ready: str, carry_out: Callable[[str], None]) -> None:
    """The service's side: say `ready`, then carry out each command line until `quit`."""
    print(ready, flush=True)
    with ThreadPoolExecutor(max_workers=DRIVERS) as pool:
        # Not `sys.stdin` itself: a sync run forks its page worker, whose start closes
        # `sys.stdin` and would wait forever for the lock this loop's blocked read holds.
        for line in open(sys.stdin.fileno(), closefd=False):
            command = line.strip()
            if command == "quit":
                break
            pool.submit(carry_out, command).add_done_callback(_say_failures)


def _say_failures(done: Future[None]) -> None:
    if done.exception() is not None:  # the bench counts the change as lost; say why
        print(f"change failed: {done.exception()!r}", file=sys.stderr, flush=True)
