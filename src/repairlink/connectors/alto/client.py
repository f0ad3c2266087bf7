"""Alto's HTTP API: OAuth2 client credentials, the AgencyRef header, cursor pages, and its
failures sorted into transient (retry) and terminal (stop) for the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from repairlink.connectors.alto.config import AltoConfig
from repairlink.pms.connector import TerminalFetchError, TransientFetchError

Json = dict[str, Any]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        when = parsedate_to_datetime(value)  # the HTTP-date form
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class AltoClient:
    def __init__(self, config: AltoConfig, http: httpx.Client | None = None) -> None:
        self.config = config
        self.base = str(config.base_url).rstrip("/")
        self.http = http or httpx.Client(timeout=config.timeout_s)
        self._token: str | None = None

    def close(self) -> None:
        self.http.close()

    def _authenticate(self) -> str:
        try:
            response = self.http.post(
                f"{self.base}/token",
                data={"grant_type": "client_credentials"},
                auth=(self.config.client_id, self.config.client_secret.get_secret_value()),
            )
        except httpx.TransportError as exc:
            raise TransientFetchError(f"Alto token endpoint unreachable: {exc}") from exc
        self._raise_for(response, "token")
        token: str = response.json()["access_token"]
        return token

    def get(self, path: str, params: dict[str, Any]) -> bytes:
        """GET one page, its body as sent (the page-preparing process parses it)."""
        return self._send("GET", path, params=params).content

    def call(self, method: str, path: str, *, key: str | None = None, **kwargs: Any) -> Json:
        """One request, answered as JSON. `key` goes out as the Idempotency-Key header: Alto
        publishes none, but it names the event in its logs."""
        response = self._send(method, path, key=key, **kwargs)
        if response.status_code == 204 or not response.content:  # Alto's PATCH: no body
            return {}
        try:
            body: Json = response.json()
        except ValueError as exc:
            raise TransientFetchError(f"Alto sent a body that is not JSON on {path}") from exc
        return body

    def _send(
        self, method: str, path: str, *, key: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request; a stale token is renewed once; failures sorted for the caller."""
        for attempt in (1, 2):
            if self._token is None:
                self._token = self._authenticate()
            headers = {
                "Authorization": f"Bearer {self._token}",
                "AgencyRef": self.config.agency_ref,
                **kwargs.pop("headers", {}),
            }
            if key is not None:
                headers["Idempotency-Key"] = key
            try:
                response = self.http.request(
                    method, f"{self.base}{path}", headers=headers, **kwargs
                )
            except httpx.TimeoutException as exc:
                raise TransientFetchError(f"Alto timed out on {path}") from exc
            except httpx.TransportError as exc:
                raise TransientFetchError(f"Alto unreachable on {path}: {exc}") from exc
            if response.status_code == 401 and attempt == 1:
                self._token = None
                continue
            self._raise_for(response, path)
            return response
        raise AssertionError("unreachable")

    @staticmethod
    def _raise_for(response: httpx.Response, what: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 429 or status >= 500:
            raise TransientFetchError(
                f"Alto answered {status} on {what}",
                retry_after=_retry_after(response),
                status=status,
            )
        detail = response.text[:200]
        raise TerminalFetchError(f"Alto refused {what} with {status}: {detail}", status=status)
