"""Alto's word pools: UK names, addresses, companies and phones, drawn once from Faker en_GB
(`kit.pools`) and combined per record."""

from __future__ import annotations

from dataclasses import dataclass

from ..kit.pools import Plan, draw

PLAN: Plan = (
    ("male_names", "first_name_male", 200),
    ("female_names", "first_name_female", 200),
    ("surnames", "last_name", 500),
    ("streets", "street_name", 2500),
    ("localities", "city", 400),
    ("towns", "city", 400),
    ("counties", "county", 120),
    ("postcodes", "postcode", 3000),
    ("companies", "company", 1000),
    ("mobiles", "cellphone_number", 800),
    ("landlines", "phone_number", 1500),
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.co.uk", "hotmail.co.uk", "outlook.com", "btinternet.com")


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


def build_pools(seed: int) -> Pools:
    return Pools(**draw("en_GB", seed, PLAN), email_domains=EMAIL_DOMAINS)
