"""Refuse webhook URLs that would make the hub call into its own network (SSRF), with the one
egress guard (`egress/guard.py`): when subscribing, and again at each send by the guarded
transport, which connects to the address it checked (no second resolution)."""

from __future__ import annotations

from repairlink.egress import guard
from repairlink.errors import InvalidError


def policy(*, allow_private: bool, allow_loopback: bool = False) -> guard.Policy:
    return guard.Policy(allow_loopback=allow_loopback, allow_private=allow_private)


def check_url(url: str, *, allow_private: bool, allow_loopback: bool = False) -> None:
    try:
        guard.check_url(url, policy(allow_private=allow_private, allow_loopback=allow_loopback))
    except InvalidError as exc:
        raise InvalidError(
            "webhook.url_refused", f"Webhook URL: {exc.message}", field="url", rule="S-02"
        ) from exc
