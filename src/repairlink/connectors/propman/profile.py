"""Propman's rules (seed 000, SPEC PM-01..PM-07), one declaration per rule, in the article's
order: the entities Propman passes, that Propman owns them, when they sync, and the repair
orders and purchase invoices that go back."""

from __future__ import annotations

from datetime import timedelta

from repairlink.pms.profile import (
    Entity,
    FieldPolicy,
    Policy,
    Profile,
    PurchaseInvoiceOnClose,
    Schedule,
    SendIssues,
    StatusMap,
)

# PM-01, in the order they are written: a record's parents before it
KINDS = (
    "estate",  # estate name, Propman estate reference
    "agent",  # Propman username, phone, reference, email
    "building",  # reference, estate, address, property manager
    "cost_code",  # the building's cost codes
    "rmc",  # RMC/RTM: company, reference, email, phones
    "building_rmc",  # ... and the buildings it runs
    "unit",  # estate, building, Propman unit reference, address
    "landlord",  # owners: company, reference, email, phones, correspondence address
    "unit_landlord",  # ... and their units
    "contractor",  # suppliers: company, email, reference, phones, business address
    "occupier",  # the building's occupiers
    "tenancy",  # ... at their units
)
OWNERS = ("landlord", "unit_landlord")

PROFILE = Profile(
    system="propman",
    rules=(
        # PM-01: estates, buildings (with their cost codes, RMCs and occupiers), units (with
        # their owners), agents, suppliers -> contractors, owners -> landlords, RMC/RTM companies
        *(Entity("PM-01", kind) for kind in KINDS),
        # PM-02: Propman is the source of truth for all entity data; a platform edit is refused
        *(FieldPolicy("PM-02", kind, "*", Policy.PMS_OWNED) for kind in KINDS),
        # PM-03: owner data daily; changes to existing entities hourly (a new record waits for
        # the weekly run); all entities, new ones included, weekly
        Schedule("PM-03", kinds=OWNERS, every=timedelta(days=1)),
        Schedule("PM-03", kinds=KINDS, every=timedelta(hours=1), creates=False),
        Schedule("PM-03", kinds=KINDS, every=timedelta(weeks=1), full=True),
        # PM-04: a repair order once the issue is instructed to a contractor (IS#, status,
        # title, category, details, start date, cost code, supplier, estate/building/unit);
        # PM-07: sent as the change happens, through the outbox
        SendIssues(
            "PM-04",
            once="instructed",
            parties=("contractor",),
            description=(
                "An issue reaches Propman as a repair order as soon as a contractor is "
                "instructed, and every later change of status sends it again in full. On "
                "closing, Propman receives the final status and a purchase invoice with the "
                "net and gross amounts. Issues instructed to a landlord are not sent."
            ),
        ),
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
        # PM-06: on close, the final status and a purchase invoice record (IS#, job reference,
        # net and gross amounts)
        PurchaseInvoiceOnClose("PM-06"),
    ),
)
