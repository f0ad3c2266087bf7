"""Propman's rules (seed 000, SPEC PM-01..PM-07), one declaration per rule."""

from __future__ import annotations

from datetime import timedelta

from repairlink.pms.profile import Entity, FieldPolicy, Policy, Profile, Schedule, StatusMap

KINDS = (
    "estate",
    "building",
    "unit",
    "agent",
    "contractor",
    "landlord",
    "rmc",
    "unit_landlord",
    "building_rmc",
    "cost_code",
)
PULLED = ("estate", "building", "unit", "agent", "contractor", "landlord", "rmc")

PROFILE = Profile(
    system="propman",
    rules=(
        # PM-01: estates, buildings (with rmcs, cost codes), units (with owners), agents,
        # suppliers -> contractors, owners -> landlords, rmc/rtm companies
        *(Entity("PM-01", kind) for kind in KINDS),
        # PM-02: Propman is the source of truth for all entity data; a platform edit is refused
        *(FieldPolicy("PM-02", kind, "*", Policy.PMS_OWNED) for kind in KINDS),
        # PM-03: owners daily; changes to existing entities hourly; everything, new included, weekly
        Schedule("PM-03", kinds=("landlord", "unit_landlord"), every=timedelta(days=1)),
        Schedule("PM-03", kinds=PULLED, every=timedelta(hours=1), creates=False),
        Schedule("PM-03", kinds=KINDS, every=timedelta(weeks=1), full=True),
        # PM-05: every status change from instruction to closure updates the repair order
        StatusMap(
            "PM-05",
            {
                "job_instructed": "Instructed",
                "awaiting_completion": "In progress",
                "completed": "Completed",
                "awaiting_feedback": "Completed",
                "closed": "Closed",
                "cancelled": "Cancelled",
            },
        ),
    ),
)
