"""Propertyware's rules (seed 002, SPEC PW-01..PW-10), one declaration per rule."""

from __future__ import annotations

from datetime import timedelta

from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    Config,
    ConfigRule,
    Entity,
    FieldPolicy,
    Filter,
    Policy,
    Profile,
    Reconciliation,
    RequiresSynced,
    Schedule,
    Unsupported,
)


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
        # PW-09: on the 27th at 03:00 Pacific, deactivate active units the PMS no longer lists
        Reconciliation("PW-09", "unit", cron="0 3 27 * *", tz="America/Los_Angeles"),
    ),
)
