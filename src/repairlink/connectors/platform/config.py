"""An agency's connection to a PMS read through the browser-extension bridge: the typed
settings the PX rules read. No address or credentials: the PMS is reached by the agency's
own browser (or bridge client), which authenticates to us with a bridge token."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from repairlink.pms.setting_fields import SettingText


def _today() -> date:
    return datetime.now(UTC).date()


class PlatformConfig(BaseModel):
    sync_method: Literal["all", "assigned", "none"] = Field(
        default="assigned",
        title="Integration sync method",
        description=(
            "all: every work order, both ways; assigned: only work orders assigned to the "
            "integration user come in, and later changes go only to those still assigned to "
            "it; none: no work orders either way"
        ),
    )
    integration_user: SettingText = Field(
        default="1",
        title="Integration user",
        description="The id of the PMS user that stands for Repairlink",
    )
    sync_start: date = Field(
        default_factory=_today,
        title="Sync start date",
        description="Issues reported before this date are not sent to the PMS",
    )

    def rules_view(self) -> dict[str, object]:
        """What the profile's filters read."""
        return {
            "sync_method": self.sync_method,
            "integration_user": self.integration_user,
            "sync_start": self.sync_start.isoformat(),
        }
