"""A simulator in a process of its own, as a real PMS would be: for benchmarks and for tests
that kill or time other processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def simulator_process(
    module: str, *, seed: int = 1, units: int = 500, args: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start `python -m <module>` on a port the OS picks as it binds (no other process can
    take it first), wait until it listens, yield the URL it announces."""
    command = [sys.executable, "-m", module, "--port", "0"]
    command += ["--seed", str(seed), "--units", str(units), *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # it prints "... ready on http://..." once listening
            if "ready on " in line:
                url = line.rsplit("ready on ", 1)[1].strip()
                break
        else:
            raise RuntimeError(f"{module} exited before it was ready")
        # keep reading its output, so that a full pipe can never stall it
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
