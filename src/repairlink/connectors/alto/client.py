"""Alto's HTTP API: OAuth2 client credentials plus the AgencyRef header on every call (research
§3); the rest (pages, Retry-After, transient or terminal) is the shared `PmsHttp`."""

from __future__ import annotations

import httpx

from repairlink.connectors.alto.config import AltoConfig
from repairlink.pms.http import ClientCredentials, PmsHttp


class AltoClient(PmsHttp):
    def __init__(self, config: AltoConfig, http: httpx.Client | None = None) -> None:
        auth = ClientCredentials(
            "/token",
            config.client_id,
            config.client_secret.get_secret_value(),
            extra={"AgencyRef": config.agency_ref},
            name="Alto",
        )
        super().__init__(
            str(config.base_url), auth, name="Alto", timeout_s=config.timeout_s, http=http
        )
        self.config = config
