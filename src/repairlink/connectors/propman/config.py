"""An agency's Propman connection settings: validated on input, and they draw the settings form."""

from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl, SecretStr


class PropmanConfig(BaseModel):
    base_url: HttpUrl = Field(title="API address", description="Propman's API host")
    api_key: SecretStr = Field(title="API key", description="Sent as the x-api-key header")
    page_size: int = Field(default=500, ge=1, le=500, title="Records per page")
    timeout_s: float = Field(default=30.0, gt=0, title="Seconds to wait for one page")

    def rules_view(self) -> dict[str, object]:
        """What the profile's filters read (no secrets): Propman's rules read no settings."""
        return {}
