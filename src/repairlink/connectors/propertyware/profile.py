"""Propertyware's rules (seed 002, SPEC PW-01..PW-10), one declaration per rule."""

from __future__ import annotations

from datetime import timedelta

from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    AttachDocuments,
    Config,
    ConfigRule,
    CreatedOnlyInPms,
    Entity,
    FieldPolicy,
    Filter,
    Policy,
    Profile,
    Reconciliation,
    RequiresSynced,
    Schedule,
    SendIssues,
    StatusMap,
    Unsupported,
)

# Our status -> the work order's (Propertyware's status is free text)
STATUSES: dict[str, str | None] = {
    "reported": "Open",
    "quotes_requested": "Estimate Requested",
    "job_instructed": "Assigned",
    "awaiting_completion": "Scheduled",
    "completed": "Completed",
    "awaiting_feedback": None,
    "closed": "Closed",
    "cancelled": "Cancelled",
    "forwarded_to_pm": None,
}


def _one_location(config: Config) -> str | None:
    locations = config.get("locations") or []
    if len(locations) != 1:
        return "An agency syncs exactly one Propertyware location (portfolio)"
    return None


def _managed_by_us(record: Incoming, config: Config) -> bool:
    return bool(record.attrs.get("managed_by") == config.get("integration_user"))


def _owner_is_us(record: Incoming, config: Config) -> bool:
    email = str(record.attrs.get("owner_email") or "").lower()
    return bool(email) and email == str(config.get("account_email") or "").lower()


def _no_updates(kind: str, *keep: str) -> list[FieldPolicy]:
    """PW-06: an existing record of `kind` changes only in the `keep` fields."""
    rules = [FieldPolicy("PW-06", kind, "*", Policy.SET_ON_CREATE_ONLY)]
    return rules + [FieldPolicy("PW-06", kind, name, Policy.PMS_OWNED) for name in keep]


PROFILE = Profile(
    system="propertyware",
    rules=(
        # PW-01: one agency, one location
        ConfigRule("PW-01", "locations", _one_location),
        # PW-02: properties and residents, a full first sync then every two hours; only residents
        # with an active lease
        Entity("PW-02", "unit"),
        Entity("PW-02", "occupier"),
        Schedule("PW-02", kinds=("unit", "occupier"), every=timedelta(hours=2)),
        Filter(
            "PW-02", "occupier", lambda r, _: r.attrs.get("lease_active") is True, "no active lease"
        ),
        RequiresSynced("PW-02", "occupier", "unit_id", "their unit does not sync"),
        # PW-03: later syncs read the last 72 hours, hourly
        Schedule(
            "PW-03",
            kinds=("unit", "occupier", "issue"),
            every=timedelta(hours=1),
            lookback=timedelta(hours=72),
        ),
        # PW-04: a PMS work order comes in only if managed by the integration user and owned by
        # the integration account; it is linked to its unit
        Entity("PW-04", "issue"),
        Filter("PW-04", "issue", _managed_by_us, "'Managed By' is not the integration user"),
        Filter("PW-04", "issue", _owner_is_us, "owner email is not the integration account's"),
        RequiresSynced("PW-04", "issue", "unit_id", "its property or unit does not sync"),
        # PW-05: leases nightly at 23:30 UTC; every incoming value overwrites
        Entity("PW-05", "tenancy"),
        Schedule("PW-05", kinds=("tenancy",), cron="30 23 * * *", tz="UTC"),
        FieldPolicy("PW-05", "tenancy", "*", Policy.OVERWRITE_ALL),
        RequiresSynced("PW-05", "tenancy", "unit_id", "the lease is at a unit that does not sync"),
        RequiresSynced("PW-05", "tenancy", "occupier_id", "the tenant does not sync"),
        # PW-06: existing properties: only the integration data field; existing residents: only
        # their unit and move-in/move-out dates; existing work orders: never
        *_no_updates("unit", "integration_data"),
        *_no_updates("occupier", "unit_id", "move_in", "move_out"),
        FieldPolicy("PW-06", "issue", "*", Policy.SET_ON_CREATE_ONLY),
        # PW-07: owners and service providers are not synced: agents upload them as CSV
        Unsupported(
            "PW-07",
            "owners and service providers",
            "Propertyware does not sync owners or service providers: upload them as CSV",
        ),
        # PW-08: properties and residents made here never reach Propertyware, so making them is
        # unavailable while the integration is active; a work order made here is created there
        # at once, every later change follows, and at completion its photos, its record with
        # every call and message, and its invoices are uploaded
        SendIssues(
            "PW-08",
            once="created",
            description=(
                "An issue reaches Propertyware as a work order as soon as it is reported, and "
                "every later change follows. Once the job is complete, its photos, invoices and "
                "completion documents are uploaded, with a PDF of the issue and its messages. "
                "Properties and residents come from Propertyware: they are not added here."
            ),
        ),
        StatusMap("PW-08", STATUSES),
        AttachDocuments(
            "PW-08",
            when="completed",
            issue_pdf=True,
            document_kinds=("photo", "invoice", "completion"),
        ),
        CreatedOnlyInPms("PW-08", kinds=("unit", "occupier")),
        # PW-09: on the 27th at 03:00 Pacific, deactivate active units the PMS no longer lists
        Reconciliation("PW-09", "unit", cron="0 3 27 * *", tz="America/Los_Angeles"),
    ),
)
