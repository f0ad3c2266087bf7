"""Propman's HTTP API: one API key in the `x-api-key` header; the rest (pages, Retry-After,
transient or terminal) is the shared `PmsHttp`."""

from __future__ import annotations

import httpx

from repairlink.connectors.propman.config import PropmanConfig
from repairlink.pms.http import FixedHeaders, PmsHttp


class PropmanClient(PmsHttp):
    def __init__(self, config: PropmanConfig, http: httpx.Client | None = None) -> None:
        auth = FixedHeaders({"x-api-key": config.api_key.get_secret_value()})
        super().__init__(
            str(config.base_url), auth, name="Propman", timeout_s=config.timeout_s, http=http
        )
        self.config = config
