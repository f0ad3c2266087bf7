"""An agency's Propertyware connection settings: validated on input, they draw the settings
form. PW-01 (one portfolio a connection) is the profile's rule, checked when connecting."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, HttpUrl, field_validator

from repairlink.pms.setting_fields import SettingSecret, SettingText

INTEGRATION_USER = "Repairlink Integration"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX = 254  # the longest address mail can deliver to (RFC 5321)


class PropertywareConfig(BaseModel):
    base_url: HttpUrl = Field(title="API address", description="Propertyware's REST API host")
    client_id: SettingText = Field(title="Client id")
    client_secret: SettingSecret = Field(title="Client secret")
    system_id: SettingText = Field(
        title="System id", description="The Propertyware system (account) id"
    )
    locations: list[int] = Field(
        title="Location (portfolio)",
        description="The one Propertyware portfolio this agency syncs, by its id",
    )
    integration_user: SettingText = Field(
        default=INTEGRATION_USER,
        title="Integration user",
        description="The Propertyware user a work order's 'Managed By' names for it to sync",
    )
    account_email: str = Field(
        title="Integration account email",
        description="The email used to access Propertyware; work orders of other owners stay out",
    )
    page_size: int = Field(default=500, ge=1, le=500, title="Records per page")
    timeout_s: float = Field(default=30.0, gt=0, title="Seconds to wait for one page")

    @field_validator("account_email")
    @classmethod
    def _an_email(cls, value: str) -> str:
        # said in words: a pattern's own error would show the regular expression
        if len(value) > EMAIL_MAX:
            raise ValueError(f"at most {EMAIL_MAX} characters, the longest an email can be")
        if not EMAIL.fullmatch(value):
            raise ValueError("must be an email address, like name@example.com")
        return value

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
