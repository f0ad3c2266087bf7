"""The Propertyware simulator in a process of its own (benchmarks, the demo)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..kit.process import simulator_process

MODULE = "repairlink.simulators.propertyware"


@contextmanager
def propertyware_process(
    *, seed: int = 1, units: int = 500, args: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start the simulator in its own process, wait until it listens, yield its URL."""
    with simulator_process(MODULE, seed=seed, units=units, args=args) as url:
        yield url
