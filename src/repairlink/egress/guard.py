"""Which addresses the hub may call. One guard for PMS connections and webhooks: a URL must be
http(s) without credentials, and every address its host resolves to must be public. Refused:
loopback, private, link-local (169.254.169.254, the cloud metadata service), multicast,
reserved, unspecified, shared, and an IPv4 address of those kinds embedded in IPv6 (mapped
::ffff:a.b.c.d, compatible ::a.b.c.d, 6to4 2002::/16, Teredo, NAT64 64:ff9b::/96 and
64:ff9b:1::/48). A policy lets loopback through for the simulators and tests."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from repairlink.errors import InvalidError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK, PRIVATE = "a loopback address", "a private address"
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class Policy:
    allow_loopback: bool = False  # 127.0.0.0/8 and ::1: simulators, tests, one-machine demos
    allow_private: bool = False  # also private ranges (webhooks_allow_private)


_default = Policy()


def configure(policy: Policy) -> None:
    """The process's policy for PMS connections (set once at start by bootstrap.build)."""
    global _default
    _default = policy


def default_policy() -> Policy:
    return _default


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))


# Module-level so tests can play a name server that answers differently each time.
resolver: Resolver = system_resolver


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, by the usual transition schemes."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in NAT64) or (int(ip) >> 32 == 0 and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))  # NAT64, or compatible
    return found


def _kind(ip: Address) -> str | None:
    """What makes `ip` not a public address (None: it is one)."""
    checks = (
        ("an unspecified address", ip.is_unspecified),
        (LOOPBACK, ip.is_loopback),
        ("a link-local address", ip.is_link_local),
        ("a multicast address", ip.is_multicast),
        ("a reserved address", ip.is_reserved),
        (PRIVATE, ip.is_private),
        ("not a public address", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def refusal(ip: Address, policy: Policy) -> str | None:
    """Why `ip` may not be called under `policy`, in words; None when it may."""
    carried = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    for candidate in (ip, *carried):
        kind = _kind(candidate)
        if kind is None:
            continue
        if kind == LOOPBACK and (policy.allow_loopback or policy.allow_private):
            continue
        if kind == PRIVATE and policy.allow_private:
            continue
        inside = f" (inside {ip})" if candidate != ip else ""
        return f"{candidate}{inside} is {kind}"
    return None


def refuse(message: str, field: str, rule: str | None = None) -> InvalidError:
    return InvalidError("egress.address_refused", message, field=field, rule=rule)


def check_url(url: str, policy: Policy, *, field: str = "url", rule: str | None = None) -> str:
    """The URL's host, once its form is acceptable (the addresses are checked by `resolve`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise refuse("The address must start with http:// or https://", field, rule)
    if not parts.hostname:
        raise refuse("The address needs a host name", field, rule)
    if parts.username or parts.password:
        raise refuse("Put no credentials in the address", field, rule)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise refuse("The address has a port that is not a number", field, rule) from exc
    checked_addresses(parts.hostname, port, policy, field=field, rule=rule)
    return parts.hostname


def checked_addresses(
    host: str, port: int, policy: Policy, *, field: str = "url", rule: str | None = None
) -> list[str]:
    """Every address `host` resolves to, each allowed by `policy`, or InvalidError."""
    try:
        found = resolver(host.strip("[]"), port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise refuse(f"The host {host} cannot be resolved", field, rule) from exc
    if not found:
        raise refuse(f"The host {host} cannot be resolved", field, rule)
    for text in found:
        why = refusal(ipaddress.ip_address(text.split("%", 1)[0]), policy)
        if why:
            raise refuse(
                f"{host} resolves to {why}: only public addresses may be called", field, rule
            )
    return found
