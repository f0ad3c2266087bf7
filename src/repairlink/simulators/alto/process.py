"""The Alto simulator in a process of its own, as a real PMS would be (benchmarks, and tests
that kill or time other processes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..kit.process import simulator_process


@contextmanager
def alto_process(*, seed: int = 1, units: int = 500, args: tuple[str, ...] = ()) -> Iterator[str]:
    """Start `python -m repairlink.simulators.alto`, wait until it listens, yield its URL."""
    with simulator_process("repairlink.simulators.alto", seed=seed, units=units, args=args) as url:
        yield url
