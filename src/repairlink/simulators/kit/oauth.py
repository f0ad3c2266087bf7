"""OAuth2 client credentials at a token endpoint, plus a header every data call must carry.

The token endpoint takes `grant_type=client_credentials` with the client id and secret in HTTP
Basic (client_secret_basic; form fields are accepted too) and answers `{"access_token",
"token_type": "Bearer", "expires_in"}`. Data calls send `Authorization: Bearer <token>` and,
when the PMS asks for one, an extra header naming the tenant (Alto's `AgencyRef`). A bad or
expired token is 401 with a Bearer challenge; the extra header missing or wrong answers the
statuses the PMS gives.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

import httpx
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .auth import AuthError, Count

GRANT = {"grant_type": "client_credentials"}


@dataclass(frozen=True)
class RequiredHeader:
    """A header every data call carries beside the token, compared without regard to case."""

    name: str
    value: str
    missing_status: int = 400
    wrong_status: int = 403


class ClientCredentials:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        extra: RequiredHeader | None = None,
        *,
        token_path: str = "/token",
        lifetime_seconds: int = 3600,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.extra = extra
        self.token_path = token_path
        self.exempt = frozenset({token_path})
        self.lifetime_seconds = lifetime_seconds
        self._tokens: dict[str, float] = {}

    def issue(self, authorization: str | None, body: bytes) -> dict[str, object]:
        form = {key: values[0] for key, values in parse_qs(body.decode("latin-1")).items()}
        if form.get("grant_type") != "client_credentials":
            raise AuthError(400, "unsupported_grant_type")
        client_id, secret = _basic(authorization) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        if not (
            hmac.compare_digest(client_id, self.client_id)
            and hmac.compare_digest(secret, self.client_secret)
        ):
            raise AuthError(401, "invalid_client")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = time.monotonic() + self.lifetime_seconds
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime_seconds}

    def check(self, headers: Headers) -> None:
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        expiry = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if expiry is None or expiry < time.monotonic():
            raise AuthError(
                401,
                "The bearer token is missing, unknown or expired.",
                {"WWW-Authenticate": "Bearer"},
            )
        extra = self.extra
        if extra is None:
            return
        sent = headers.get(extra.name)
        if not sent:
            raise AuthError(extra.missing_status, f"The {extra.name} header is required.")
        if sent.strip().lower() != extra.value.lower():
            raise AuthError(
                extra.wrong_status, f"The {extra.name} does not grant access to this data."
            )

    def routes(self, count: Count) -> list[Route]:
        name = f"POST {self.token_path}"

        async def token(request: Request) -> Response:
            # OAuth's own error body ({"error": ...}), whatever the PMS's API errors look like.
            try:
                body = self.issue(request.headers.get("authorization"), await request.body())
            except AuthError as error:
                count(name, error.status)
                return JSONResponse({"error": error.detail}, status_code=error.status)
            count(name, 200)
            return JSONResponse(body)

        return [Route(self.token_path, token, methods=["POST"])]

    def fetch_token(self, base_url: str) -> str:
        response = httpx.post(
            f"{base_url}{self.token_path}", auth=(self.client_id, self.client_secret), data=GRANT
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def client_headers(self, base_url: str) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.fetch_token(base_url)}"}
        if self.extra is not None:
            headers[self.extra.name] = self.extra.value
        return headers

    def expire_all(self) -> int:
        """Forget every token, so clients must fetch a new one (tests of token refresh)."""
        count = len(self._tokens)
        self._tokens.clear()
        return count


def _basic(authorization: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret
