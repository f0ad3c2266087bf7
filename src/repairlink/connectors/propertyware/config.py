"""An agency's Propertyware connection settings: validated on input, they draw the settings
form. PW-01 (one portfolio a connection) is the profile's rule, checked when connecting."""

from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl, SecretStr

INTEGRATION_USER = "Repairlink Integration"


class PropertywareConfig(BaseModel):
    base_url: HttpUrl = Field(title="API address", description="Propertyware's REST API host")
    client_id: str = Field(title="Client id", min_length=1)
    client_secret: SecretStr = Field(title="Client secret")
    system_id: str = Field(
        title="System id", description="The Propertyware system (account) id", min_length=1
    )
    locations: list[int] = Field(
        title="Location (portfolio)",
        description="The one Propertyware portfolio this agency syncs, by its id",
    )
    integration_user: str = Field(
        default=INTEGRATION_USER,
        title="Integration user",
        description="The Propertyware user a work order's 'Managed By' names for it to sync",
        min_length=1,
    )
    account_email: str = Field(
        title="Integration account email",
        description="The email used to access Propertyware; work orders of other owners stay out",
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    )
    page_size: int = Field(default=500, ge=1, le=500, title="Records per page")
    timeout_s: float = Field(default=30.0, gt=0, title="Seconds to wait for one page")

    @property
    def portfolio_id(self) -> int:
        return self.locations[0]

    def rules_view(self) -> dict[str, object]:
        """What the profile's rules read (no secrets)."""
        return {
            "locations": self.locations,
            "integration_user": self.integration_user,
            "account_email": self.account_email,
        }
