"""The generic PMS in a thread of this process (tests, the demo)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..kit.faults import FaultSettings
from ..kit.server import Running, serving
from .app import PLATFORM
from .state import PlatformConfig, PlatformState


@contextmanager
def running_platform(
    *,
    seed: int = 1,
    units: int = 50,
    recent: float = 0.3,
    faults: FaultSettings | None = None,
    port: int | None = None,
) -> Iterator[Running[PlatformState]]:
    config = PlatformConfig(seed=seed, units=units, recent=recent, faults=faults or FaultSettings())
    with serving(PLATFORM, config, port) as (base_url, state):
        yield Running(base_url, state)
