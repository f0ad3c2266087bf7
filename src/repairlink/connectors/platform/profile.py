"""The browser-extension PMS sync's rules (seed 003, SPEC PX-01..PX-08)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    Config,
    Entity,
    FieldPolicy,
    Filter,
    Policy,
    Profile,
    RenumberOnFirstSync,
    Schedule,
    SendIssues,
    StatusMap,
    Unsupported,
    UpdateGuard,
    UpdateOnlyWhileAssigned,
)


def _unit_still_active(row: Mapping[str, Any], _record: Incoming) -> bool:
    return bool(row.get("active", True))


def _resident_still_living(row: Mapping[str, Any], record: Incoming) -> bool:
    """PX-03: a resident's tenancy changes only while active and before their move-out date
    (as we hold them: a move-out just set in the PMS still comes through, once)."""
    move_out = row.get("end_date")
    today = datetime.now(UTC).date()
    before_move_out = move_out is None or today < _as_date(move_out)
    return bool(row.get("active", True)) and before_move_out


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _sync_method_allows(record: Incoming, config: Config) -> bool:
    method = config.get("sync_method", "assigned")
    if method == "all":
        return True
    if method == "assigned":
        return str(record.attrs.get("assignee") or "") == str(config.get("integration_user"))
    return False


PROFILE = Profile(
    system="platform",
    rules=(
        Entity("PX-02", "unit"),
        Entity("PX-03", "occupier"),
        Entity("PX-03", "tenancy"),
        Entity("PX-04", "issue"),
        # PX-01: no initial sync: every run reads what changed in the last 72 hours
        Schedule(
            "PX-01",
            kinds=("unit", "occupier", "tenancy", "issue"),
            every=timedelta(hours=1),
            lookback=timedelta(hours=72),
            initial_full=False,
        ),
        # PX-02: properties change only while active here; active -> inactive only, never back
        UpdateGuard(
            "PX-02", "unit", _unit_still_active, "the property is inactive in the platform"
        ),
        FieldPolicy("PX-02", "unit", "active", Policy.MONOTONIC, towards=False),
        # PX-03: residents change only while active and before move-out; never name or
        # contacts (the occupier); only move-in, move-out, active and unit (their tenancy)
        FieldPolicy("PX-03", "occupier", "*", Policy.SET_ON_CREATE_ONLY),
        UpdateGuard(
            "PX-03", "tenancy", _resident_still_living, "the resident is inactive or has moved out"
        ),
        *(
            FieldPolicy("PX-03", "tenancy", name, Policy.PMS_OWNED)
            for name in ("start_date", "end_date", "active", "unit_id")
        ),
        # PX-04: Integration Sync Method: assigned / all / none
        Filter("PX-04", "issue", _sync_method_allows, "the agency's sync method excludes it"),
        # PX-05: a work order is never updated from the PMS once created
        FieldPolicy("PX-05", "issue", "*", Policy.SET_ON_CREATE_ONLY),
        # PX-06: issues go out as soon as reported; later, only Complete or Cancelled
        SendIssues(
            "PX-06",
            once="created",
            description=(
                "Issues reach the PMS through the agency's browser extension as soon as they "
                "are reported, assigned to the integration user; completing or cancelling "
                "them is sent too."
            ),
        ),
        StatusMap(
            "PX-06",
            {
                "completed": "Complete",
                "closed": "Complete",
                "cancelled": "Cancelled",
                "forwarded_to_pm": None,
            },
        ),
        # PX-04: later changes only while the PMS has it assigned to the integration user
        UpdateOnlyWhileAssigned("PX-04"),
        # PX-07: the PMS's number becomes the issue's (the old one still finds it)
        RenumberOnFirstSync("PX-07"),
        # PX-08: leases and files are not supported: say so, do not fail
        Unsupported("PX-08", "leases", "This PMS sync does not support leases"),
        Unsupported("PX-08", "files", "This PMS sync does not support files"),
    ),
)
