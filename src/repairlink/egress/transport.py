"""An httpx transport that resolves the host once, checks every address (guard.py), and
connects to the address it checked, keeping the name in the Host header and in TLS (SNI and
certificate checks): a name that answers differently the second time (DNS rebinding) never
gets a second chance. Redirects are never followed and no proxy from the environment is used,
so nothing bypasses the check."""

from __future__ import annotations

import httpx

from repairlink.egress import guard
from repairlink.errors import InvalidError


class AddressRefused(httpx.TransportError):
    """The host resolves to an address the policy refuses: retrying will not help."""


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: guard.Policy | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.policy = policy  # None: the process's policy (PMS connections)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = guard.checked_addresses(
                url.host, port, self.policy or guard.default_policy()
            )
        except InvalidError as exc:
            raise AddressRefused(exc.message, request=request) from exc
        request.url = url.copy_with(host=addresses[0])
        if url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": url.host}
        return super().handle_request(request)


def guarded_client(
    timeout: httpx.Timeout | float, policy: guard.Policy | None = None
) -> httpx.Client:
    """A client whose every request goes through the guard."""
    return httpx.Client(
        transport=GuardedTransport(policy),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
