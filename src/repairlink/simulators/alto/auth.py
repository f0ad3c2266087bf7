"""OAuth2 client credentials at /token, and the two headers every data call must carry.

As Alto documents it: the token endpoint takes `grant_type=client_credentials` with the
client id and secret in HTTP Basic (client_secret_basic; form fields are accepted too);
data calls send `Authorization: Bearer <token>` and `AgencyRef: <GUID>`. A bad or expired
token is 401, a missing AgencyRef 400, a wrong one 403.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

TOKEN_LIFETIME_SECONDS = 3600


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    agency_ref: str


class AuthError(Exception):
    def __init__(self, status: int, title: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title


class Authority:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._tokens: dict[str, float] = {}

    def issue(self, authorization: str | None, body: bytes) -> dict[str, object]:
        form = {key: values[0] for key, values in parse_qs(body.decode("latin-1")).items()}
        if form.get("grant_type") != "client_credentials":
            raise AuthError(400, "unsupported_grant_type")
        client_id, secret = _basic(authorization) or (
            form.get("client_id", ""),
            form.get("client_secret", ""),
        )
        expected = self.credentials
        if not (
            hmac.compare_digest(client_id, expected.client_id)
            and hmac.compare_digest(secret, expected.client_secret)
        ):
            raise AuthError(401, "invalid_client")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = time.monotonic() + TOKEN_LIFETIME_SECONDS
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS}

    def check(self, authorization: str | None, agency_ref: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        expiry = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if expiry is None or expiry < time.monotonic():
            raise AuthError(401, "The bearer token is missing, unknown or expired.")
        if not agency_ref:
            raise AuthError(400, "The AgencyRef header is required.")
        if agency_ref.strip().lower() != self.credentials.agency_ref.lower():
            raise AuthError(403, "The AgencyRef does not grant access to this agency's data.")

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
