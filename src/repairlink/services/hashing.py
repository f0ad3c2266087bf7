"""argon2 for passwords and API keys (they are never stored in clear): slow on purpose, with
the parameters the settings name (`REPAIRLINK_PASSWORD_HASHING`).

- `standard`: RFC 9106's low-memory profile, argon2-cffi's default (some 0.1 s and 64 MiB a
  hash). Every deployment uses it.
- `cheapest`: argon2-cffi's profile "for testing purposes" (microseconds). The test suite makes
  a login or a key in most of its tests, and checks it: 0.14 s each with the standard profile.
  Refused outside development.

A hash carries its own parameters, so one made under either profile verifies under the other:
changing the setting never locks anyone out.
"""

from __future__ import annotations

import secrets
from functools import cached_property

from argon2 import PasswordHasher, profiles
from argon2.exceptions import VerificationError

from repairlink.errors import InvalidError
from repairlink.settings import PasswordHashing as Profile

PROFILES = {"standard": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


class _Chosen:
    """The hasher in use, and a hash of no one's secret made with it (see `matches`)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.hasher = PasswordHasher.from_parameters(PROFILES[profile])

    @cached_property
    def unknown(self) -> str:
        # made at the first login check, not at import: a process that checks none (the CLI,
        # a worker) does not pay for a hash
        return self.hasher.hash(secrets.token_urlsafe(16))


_chosen = _Chosen("standard")


def use(profile: Profile, *, development: bool) -> None:
    """Hash with `profile` from now on, in this process (as `sealing.use` for keys)."""
    global _chosen
    if profile != "standard" and not development:
        raise InvalidError(
            "settings.password_hashing",
            f"Password hashing '{profile}' is for test suites; outside development "
            "passwords and API keys are hashed with 'standard'",
            field="REPAIRLINK_PASSWORD_HASHING",
        )
    if profile != _chosen.profile:
        _chosen = _Chosen(profile)


def in_use() -> Profile:
    return _chosen.profile


def hash_secret(secret: str) -> str:
    return _chosen.hasher.hash(secret)


def matches(stored_hash: str | None, secret: str) -> bool:
    """Whether `secret` is the one `stored_hash` was made from. With no hash (an unknown
    account), the secret is checked against no one's: the same argon2 work as a known account,
    so the answer takes the same time (no enumeration), and it is False."""
    try:
        _chosen.hasher.verify(stored_hash if stored_hash is not None else _chosen.unknown, secret)
    except VerificationError:
        return False
    return stored_hash is not None
