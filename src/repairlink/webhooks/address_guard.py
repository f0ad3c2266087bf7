"""Refuse webhook URLs that would make the hub call into its own network (SSRF): only http(s),
and no private, loopback, link-local or reserved address unless the operator allows them (the
tests and a single-machine demo do). Checked when subscribing and again before each send, as a
name may resolve elsewhere later."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from repairlink.errors import InvalidError


def _refuse(message: str) -> InvalidError:
    return InvalidError("webhook.url_refused", message, field="url", rule="S-02")


def check_url(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _refuse("A webhook URL must start with http:// or https://")
    if not parts.hostname:
        raise _refuse("A webhook URL needs a host name")
    if parts.username or parts.password:
        raise _refuse("Put no credentials in a webhook URL: each subscription has a secret")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, ValueError) as exc:
        raise _refuse(f"The host {parts.hostname} cannot be resolved") from exc
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if not address.is_global:
            raise _refuse(
                f"{parts.hostname} is a private, loopback or reserved address ({address}); "
                "webhooks go to public addresses only"
            )
