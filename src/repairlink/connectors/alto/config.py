"""An agency's Alto connection settings: validated on input, and they draw the settings form."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, HttpUrl, field_validator

from repairlink.connectors.alto.profile import ALL_STATUSES
from repairlink.pms.setting_fields import SettingSecret, SettingText

# Alto sends the AgencyRef header with every call: the GUID it issued for the agency
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
GUID_EXAMPLE = "6f1c1d0e-2b7a-4c33-9e55-5a1e0a170001"


class AltoConfig(BaseModel):
    base_url: HttpUrl = Field(title="API address", description="Alto's API host")
    client_id: SettingText = Field(title="Client id")
    client_secret: SettingSecret = Field(title="Client secret")
    agency_ref: str = Field(
        title="AgencyRef", description=f"The GUID Alto issued for the agency, like {GUID_EXAMPLE}"
    )
    categories: list[Literal["residential", "commercial"]] = Field(
        default=["residential", "commercial"],
        title="Property categories (AL-02)",
        description="Sync residential properties, commercial ones, or both",
    )
    property_statuses: list[str] = Field(
        default=list(ALL_STATUSES),
        title="Property statuses that sync (AL-02)",
        json_schema_extra={"options": list(ALL_STATUSES)},  # the settings form's choices
    )
    page_size: int = Field(default=100, ge=1, le=250, title="Records per page")
    timeout_s: float = Field(default=30.0, gt=0, title="Seconds to wait for one page")

    @field_validator("agency_ref")
    @classmethod
    def _a_guid(cls, value: str) -> str:
        if not GUID.fullmatch(value):
            raise ValueError(
                "must be the GUID Alto issued for the agency: 32 hexadecimal digits in groups "
                f"of 8-4-4-4-12, like {GUID_EXAMPLE}"
            )
        return value

    @field_validator("property_statuses")
    @classmethod
    def _known_statuses(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(ALL_STATUSES))
        if unknown:
            raise ValueError(f"unknown Alto property statuses: {', '.join(unknown)}")
        if not value:
            raise ValueError("choose at least one property status")
        return value

    @field_validator("categories")
    @classmethod
    def _some_category(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("choose residential, commercial or both")
        return value

    def rules_view(self) -> dict[str, object]:
        """What the profile's filters read (no secrets)."""
        return {"categories": self.categories, "property_statuses": self.property_statuses}
