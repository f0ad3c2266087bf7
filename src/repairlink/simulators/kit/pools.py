"""Word pools drawn once from Faker, from which a simulator assembles every record.

Calling Faker per record costs tens of microseconds a field; drawing a few thousand values
once and picking from them per record keeps 100k units to a couple of seconds while the data
still reads like the locale (en_GB for a UK PMS, en_US for a US one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType

from faker import Faker

# (pool name, Faker method, how many distinct values), drawn in this order from one seed.
Plan = tuple[tuple[str, str, int], ...]


def _distinct(draw: Callable[[], object], count: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    # Faker's lists are finite; stop after a fair number of tries rather than loop forever.
    for _ in range(count * 4):
        seen[str(draw())] = None
        if len(seen) >= count:
            break
    return tuple(seen)


# Pools are immutable and cost over half a second, so simulators in one process share them.
@lru_cache(maxsize=8)
def draw(locale: str, seed: int, plan: Plan) -> Mapping[str, tuple[str, ...]]:
    fake = Faker(locale)
    fake.seed_instance(seed)
    pools = {name: _distinct(getattr(fake, method), count) for name, method, count in plan}
    return MappingProxyType(pools)
