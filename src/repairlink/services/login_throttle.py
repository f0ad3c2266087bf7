"""Login throttling: failed logins are counted per e-mail address and per client address with
the `limits` library (a moving window), and a caller over either limit is refused with 429 and
Retry-After before any password is checked, so guessing can neither find a password nor eat
the CPU that argon2 needs for everyone else."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from repairlink.errors import ThrottledError


class LoginThrottle:
    def __init__(
        self,
        per_account: str = "10/minute",
        per_client: str = "30/minute",
        storage: str = "memory://",
    ) -> None:
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage))
        self.per_account = parse(per_account)
        self.per_client = parse(per_client)

    def _keys(self, email: str, client: str) -> list[tuple[RateLimitItem, tuple[str, str]]]:
        return [
            (self.per_account, ("login-account", email.strip().lower())),
            (self.per_client, ("login-client", client or "unknown")),
        ]

    def check(self, email: str, client: str) -> None:
        """Refuse (429) a caller who has failed too often lately, whatever it sends now."""
        for item, key in self._keys(email, client):
            if not self.limiter.test(item, *key):
                reset = self.limiter.get_window_stats(item, *key).reset_time
                raise ThrottledError(
                    "auth.throttled",
                    "Too many failed logins: wait a minute and try again",
                    retry_after_s=max(1, math.ceil(reset - time.time())),
                    field="email" if key[0] == "login-account" else None,
                )

    def failed(self, email: str, client: str) -> None:
        for item, key in self._keys(email, client):
            self.limiter.hit(item, *key)

    def succeeded(self, email: str) -> None:
        """The account's own count starts again; the client's stays (it may guess others)."""
        item, key = self._keys(email, "")[0]
        self.limiter.clear(item, *key)
