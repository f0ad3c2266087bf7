"""An httpx transport that resolves the host once, checks every address (guard.py), and
connects to the address it checked, keeping the name in the Host header and in TLS (SNI and
certificate checks): a name that answers differently the second time (DNS rebinding) never
gets a second chance. Redirects are never followed and no proxy from the environment is used,
so nothing bypasses the check. A client keeps a name's checked addresses for a short while
(`CHECKED_TTL_S`, in cachetools' TTLCache): resolving and checking them for every request cost
some 6% of a sender's CPU, and a name that answers differently meanwhile still reaches only the
addresses checked."""

from __future__ import annotations

import functools
import ssl
import threading

import httpx
from cachetools import TTLCache

from repairlink.egress import guard
from repairlink.errors import InvalidError


class AddressRefused(httpx.TransportError):
    """The host resolves to an address the policy refuses: retrying will not help."""


# Seconds a client keeps a name's checked addresses (a refusal is never kept: asked again)
CHECKED_TTL_S = 30.0
KEPT_NAMES = 256  # a webhook client meets many names: past this many, the oldest go


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's one TLS context, shared by every client (as httpx advises): making one
    reads and parses the CA bundle, some 20 ms that each sync run paid twice before its first
    request (its connector's client, then the reading process's twin). A forked process
    inherits it made."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: guard.Policy | None = None, **kwargs: object) -> None:
        kwargs.setdefault("verify", tls_context())
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.policy = policy  # None: the process's policy (PMS connections)
        self._checked: TTLCache[tuple[str, int, guard.Policy], list[str]] = TTLCache(
            maxsize=KEPT_NAMES, ttl=CHECKED_TTL_S
        )
        self._checked_lock = threading.Lock()  # TTLCache is not thread-safe

    def _addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses, each allowed by the policy (resolved again once kept for
        `CHECKED_TTL_S`), or InvalidError."""
        policy = self.policy or guard.default_policy()
        key = (host, port, policy)
        with self._checked_lock:
            kept = self._checked.get(key)
        if kept is not None:
            return kept
        addresses = guard.checked_addresses(host, port, policy)
        with self._checked_lock:
            self._checked[key] = addresses
        return addresses

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = self._addresses(url.host, port)
        except InvalidError as exc:
            raise AddressRefused(exc.message, request=request) from exc
        request.url = url.copy_with(host=addresses[0])
        if url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": url.host}
        return super().handle_request(request)


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing a server sets."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class CookielessClient(httpx.Client):
    """An httpx client that keeps no cookie between requests. The PMS APIs and webhook
    receivers are told who we are by a token, a key or a signature on each request, and a
    receiver has no business planting state in the client that calls the others; httpx's jar
    also read every answer for cookies through urllib's request objects, 15% of a delivery's
    interpreter time (bench/change_cpu.py, docs/performance.md)."""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NoCookies()

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        if cookies:
            raise ValueError("this client keeps no cookies")


def guarded_client(
    timeout: httpx.Timeout | float, policy: guard.Policy | None = None
) -> httpx.Client:
    """A client whose every request goes through the guard, and that keeps no cookies."""
    return CookielessClient(
        transport=GuardedTransport(policy),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
