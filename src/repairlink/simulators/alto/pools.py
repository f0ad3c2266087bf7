"""Word pools drawn once from Faker en_GB, from which every record is assembled.

Calling Faker per record costs tens of microseconds a field; drawing a few thousand values
once and picking from them per record keeps 100k units to a couple of seconds while the
data still reads like the UK.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker


@dataclass(frozen=True)
class Pools:
    male_names: tuple[str, ...]
    female_names: tuple[str, ...]
    surnames: tuple[str, ...]
    streets: tuple[str, ...]
    localities: tuple[str, ...]
    towns: tuple[str, ...]
    counties: tuple[str, ...]
    postcodes: tuple[str, ...]
    companies: tuple[str, ...]
    mobiles: tuple[str, ...]
    landlines: tuple[str, ...]
    email_domains: tuple[str, ...]


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
def build_pools(seed: int) -> Pools:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return Pools(
        male_names=_distinct(fake.first_name_male, 200),
        female_names=_distinct(fake.first_name_female, 200),
        surnames=_distinct(fake.last_name, 500),
        streets=_distinct(fake.street_name, 2500),
        localities=_distinct(fake.city, 400),
        towns=_distinct(fake.city, 400),
        counties=_distinct(fake.county, 120),
        postcodes=_distinct(fake.postcode, 3000),
        companies=_distinct(fake.company, 1000),
        mobiles=_distinct(fake.cellphone_number, 800),
        landlines=_distinct(fake.phone_number, 1500),
        email_domains=(
            "gmail.com",
            "yahoo.co.uk",
            "hotmail.co.uk",
            "outlook.com",
            "btinternet.com",
        ),
    )
