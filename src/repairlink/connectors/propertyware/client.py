"""Propertyware's HTTP API: the three `x-propertyware-*` headers on every call (research §4.1);
the rest (pages, Retry-After, transient or terminal) is the shared `PmsHttp`."""

from __future__ import annotations

import httpx

from repairlink.connectors.propertyware.config import PropertywareConfig
from repairlink.pms.http import FixedHeaders, PmsHttp


class PropertywareClient(PmsHttp):
    def __init__(self, config: PropertywareConfig, http: httpx.Client | None = None) -> None:
        auth = FixedHeaders(
            {
                "x-propertyware-client-id": config.client_id,
                "x-propertyware-client-secret": config.client_secret.get_secret_value(),
                "x-propertyware-system-id": config.system_id,
            }
        )
        super().__init__(
            str(config.base_url), auth, name="Propertyware", timeout_s=config.timeout_s, http=http
        )
        self.config = config
