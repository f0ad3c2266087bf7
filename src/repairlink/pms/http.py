"""Talking HTTP to a PMS, once for every connector: how it is authenticated, how a list's page is
asked for, and every failure sorted into transient (worth another try, after Retry-After when
the PMS says) or terminal (retrying will not help) for the engine and the way out.

Timeouts are split: a PMS that does not accept the connection is given a few seconds, one that
accepted it the connector's read timeout; a page read that stalls is asked for again beside
itself long before that (`pms/hedge.py`). Redirects are not followed: a PMS API answers where
it was asked, and a credential must never follow a redirect elsewhere. Every request goes
through the egress guard (`egress/`): a base_url that resolves to a private, loopback or
metadata address is refused, terminally, before the client secret is sent.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, Self

import httpx

from repairlink.egress.transport import AddressRefused, guarded_client
from repairlink.pms.connector import TerminalFetchError, TransientFetchError
from repairlink.pms.hedge import Hedger
from repairlink.pms.streams import Paging, RawPage, Stream

Json = dict[str, Any]
CONNECT_TIMEOUT_S = 5.0


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for, in either form (seconds, or an HTTP date)."""
    if value is None or not value.strip():
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: the caller's own back-off applies
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class Auth(Protocol):
    """How requests to one PMS prove who we are."""

    def headers(self, http: httpx.Client, base: str) -> dict[str, str]: ...
    def forget(self, sent: Mapping[str, str]) -> None:
        """The PMS said 401 to a request with these headers: its token is renewed before the
        one retry."""

    def reopened(self) -> Auth:
        """The same credentials with locks of their own, for a process forked from this one
        (a lock another thread held at the fork would stay held there)."""


@dataclass
class FixedHeaders:
    """Headers sent as they are: an API key (`x-api-key`), or Propertyware's three."""

    values: Mapping[str, str]

    def headers(self, http: httpx.Client, base: str) -> dict[str, str]:
        return dict(self.values)

    def forget(self, sent: Mapping[str, str]) -> None:
        pass

    def reopened(self) -> FixedHeaders:
        return self


@dataclass
class ClientCredentials:
    """OAuth2 client credentials (client_secret_basic) for a bearer token, kept until the PMS
    refuses it; `extra` headers go with every request (Alto's AgencyRef).

    One token is fetched at a time: a run's threads (a stream's lanes, the streams read
    ahead) start together, and each fetched a token of its own (up to three at the start of
    the Alto runs traced), and a token refused mid-run was renewed by every thread it was
    refused to. Now the others wait for the one fetch, and a refusal of a token already
    renewed renews nothing."""

    token_path: str
    client_id: str
    client_secret: str
    extra: Mapping[str, str] = field(default_factory=dict)
    name: str = "The PMS"
    _token: str | None = None
    _fetching: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def headers(self, http: httpx.Client, base: str) -> dict[str, str]:
        token = self._token
        if token is None:
            with self._fetching:
                if self._token is None:  # not fetched by another thread while this one waited
                    self._token = self._fetch_token(http, base)
                token = self._token
        return {"Authorization": f"Bearer {token}", **self.extra}

    def forget(self, sent: Mapping[str, str]) -> None:
        with self._fetching:
            if sent.get("Authorization") == f"Bearer {self._token}":
                self._token = None

    def reopened(self) -> ClientCredentials:
        return replace(self, _fetching=threading.Lock())  # the token is kept

    def _fetch_token(self, http: httpx.Client, base: str) -> str:
        try:
            response = http.post(
                f"{base}{self.token_path}",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret),
            )
        except AddressRefused as exc:
            raise TerminalFetchError(f"{self.name}'s address is refused: {exc}") from exc
        except httpx.TransportError as exc:
            raise TransientFetchError(
                f"{self.name}'s token endpoint unreachable: {exc}",
                unconnected=isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout),
            ) from exc
        raise_for(response, self.name, "token")
        token: str = response.json()["access_token"]
        return token


def raise_for(response: httpx.Response, name: str, what: str) -> None:
    """429 and 5xx are transient (with the PMS's Retry-After); other errors are terminal."""
    status = response.status_code
    if status < 400:
        return
    if status == 429 or status >= 500:
        raise TransientFetchError(
            f"{name} answered {status} on {what}",
            retry_after=retry_after(response.headers.get("Retry-After")),
            status=status,
        )
    detail = response.text[:200]
    raise TerminalFetchError(f"{name} refused {what} with {status}: {detail}", status=status)


class PmsHttp:
    """One PMS's API: `page` for a stream's pages, `call` for JSON requests."""

    def __init__(
        self,
        base_url: str,
        auth: Auth,
        *,
        name: str,
        timeout_s: float,
        http: httpx.Client | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.auth = auth
        self.name = name
        timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self.http = http or guarded_client(timeout)
        # a stalled page read is asked for again promptly, and always before it would time out
        self.hedger = Hedger(timeout_s * 0.8)

    def close(self) -> None:
        self.hedger.close()
        self.http.close()

    def reopened(self) -> Self:
        """This client with connections and read threads of its own, for a process forked
        from this one: a pooled socket would be shared with the parent's, and no thread
        crosses a fork (`inbound/page_worker` reads pages so)."""
        twin = copy.copy(self)
        twin.auth = self.auth.reopened()
        twin.http = guarded_client(self.http.timeout)
        twin.hedger = Hedger(self.hedger.ceiling_s, min_s=self.hedger.min_s)
        return twin

    def page(
        self,
        stream: Stream,
        *,
        cursor: str | None,
        size: int,
        window: Mapping[str, str] | None = None,
    ) -> RawPage:
        """One page of `stream`, its body as sent (the page worker parses it)."""
        params: dict[str, Any] = {**stream.params, **(window or {})}
        params[stream.size_param] = min(size, stream.max_size)
        if stream.paging is Paging.OFFSET:
            params[stream.cursor_param] = int(cursor or 0)
        elif cursor:
            params[stream.cursor_param] = cursor
        response = self.hedger.call(lambda: self.request("GET", stream.path, params=params))
        total = response.headers.get("X-Total-Count")
        return RawPage(response.content, cursor, int(total) if total is not None else None)

    def call(self, method: str, path: str, *, key: str | None = None, **kwargs: Any) -> Json:
        """One request, answered as JSON ({} for an empty answer). `key` goes out as the
        Idempotency-Key header."""
        response = self.request(method, path, key=key, **kwargs)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            body: Json = response.json()
        except ValueError as exc:
            raise TransientFetchError(
                f"{self.name} sent a body that is not JSON on {path}"
            ) from exc
        return body

    def request(
        self, method: str, path: str, *, key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request; a refused token is renewed once; failures sorted for the caller."""
        extra = kwargs.pop("headers", {})
        for attempt in (1, 2):
            headers = {**self.auth.headers(self.http, self.base), **extra}
            if key is not None:
                headers["Idempotency-Key"] = key
            try:
                response = self.http.request(
                    method, f"{self.base}{path}", headers=headers, **kwargs
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached it
                raise TransientFetchError(
                    f"{self.name} unreachable on {path}: {exc}", unconnected=True
                ) from exc
            except httpx.TimeoutException as exc:
                raise TransientFetchError(f"{self.name} timed out on {path}") from exc
            except AddressRefused as exc:
                raise TerminalFetchError(f"{self.name}'s address is refused: {exc}") from exc
            except httpx.TransportError as exc:
                raise TransientFetchError(f"{self.name} unreachable on {path}: {exc}") from exc
            if response.status_code == 401 and attempt == 1:
                self.auth.forget(headers)
                continue
            raise_for(response, self.name, path)
            return response
        raise AssertionError("unreachable")


def next_offset(page: RawPage, served: int, size: int) -> str | None:
    """Offset paging: where the next page starts, or None at the end (by the total when the
    PMS gives one, else by a short page)."""
    start = int(page.cursor or 0)
    if page.total is not None:
        return str(start + served) if start + served < page.total and served else None
    return str(start + served) if served >= size else None
