"""How a client proves who it is: the strategy a simulator picks, and fixed-header schemes.

An `Auth` checks every data request's headers (read and write alike), may serve routes of its
own (a token endpoint), names the paths an outage leaves alone, and tells a test client which
headers to send. `HeaderAuth` is the simplest: fixed headers that must all be there and match,
as Propman's `x-api-key` or Propertyware's client id, secret and system id triple.
`oauth.ClientCredentials` is OAuth2 with a token endpoint.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Protocol

from starlette.datastructures import Headers
from starlette.routing import Route

Count = Callable[[str, int], None]  # (endpoint name, status): the simulator's request counter


class AuthError(Exception):
    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


class Auth(Protocol):
    # Paths that answer even in an outage (where clients log in).
    exempt: frozenset[str]

    def check(self, headers: Headers) -> None:
        """Accept a data request's headers, or raise AuthError."""

    def routes(self, count: Count) -> list[Route]:
        """Endpoints of the scheme itself, e.g. POST /token."""

    def client_headers(self, base_url: str) -> dict[str, str]:
        """What a well-behaved client sends (fetching a token first if the scheme has them)."""

    def expire_all(self) -> int:
        """Make every issued credential stop working; how many did (0: nothing expires)."""


class HeaderAuth:
    """Fixed headers, every one required and matched exactly (names are case-insensitive, as
    in HTTP). A missing one and a wrong one both answer `status`."""

    exempt: frozenset[str] = frozenset()

    def __init__(self, values: Mapping[str, str], *, status: int = 401) -> None:
        self.values = dict(values)
        self.status = status

    def check(self, headers: Headers) -> None:
        for name, expected in self.values.items():
            sent = headers.get(name)
            if sent is None:
                raise AuthError(self.status, f"The {name} header is required.")
            if not hmac.compare_digest(sent.encode(), expected.encode()):
                raise AuthError(self.status, f"The {name} header is not valid.")

    def routes(self, count: Count) -> list[Route]:
        return []

    def client_headers(self, base_url: str) -> dict[str, str]:
        return dict(self.values)

    def expire_all(self) -> int:
        return 0


def api_key(key: str, header: str = "x-api-key") -> HeaderAuth:
    """One API key in one header (Propman's `x-api-key`)."""
    return HeaderAuth({header: key})
