"""An agency's Propman connection settings: validated on input, and they draw the settings form."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pydantic import BaseModel, Field, HttpUrl

from repairlink.connectors.propman.profile import OWNERS
from repairlink.pms.profile import Schedule
from repairlink.pms.setting_fields import SettingSecret


class PropmanConfig(BaseModel):
    base_url: HttpUrl = Field(title="API address", description="Propman's API host")
    api_key: SettingSecret = Field(title="API key", description="Sent as the x-api-key header")
    page_size: int = Field(default=500, ge=1, le=500, title="Records per page")
    timeout_s: float = Field(default=30.0, gt=0, title="Seconds to wait for one page")
    # PM-03's three schedules, each timed per agency
    owners_every_hours: int = Field(
        default=24, ge=1, le=168, title="Owners sync every (hours)", description="Daily: 24"
    )
    changes_every_minutes: int = Field(
        default=60,
        ge=5,
        le=1440,
        title="Changes to existing records sync every (minutes)",
        description="New records wait for the run of everything",
    )
    everything_every_days: int = Field(
        default=7,
        ge=1,
        le=28,
        title="Everything, new records included, syncs every (days)",
        description="Weekly: 7",
    )

    def timed(self, schedule: Schedule) -> Schedule:
        """One of the profile's PM-03 schedules, as this agency times it."""
        if schedule.full:
            return replace(schedule, every=timedelta(days=self.everything_every_days))
        if not schedule.creates:
            return replace(schedule, every=timedelta(minutes=self.changes_every_minutes))
        if schedule.kinds == OWNERS:
            return replace(schedule, every=timedelta(hours=self.owners_every_hours))
        return schedule

    def rules_view(self) -> dict[str, object]:
        """What the profile's filters read (no secrets): Propman's rules read no settings."""
        return {}
