"""Alto's rules (seed 001, SPEC AL-01..AL-09), one declaration per rule."""

from __future__ import annotations

from datetime import timedelta

from repairlink.pms.incoming import Incoming
from repairlink.pms.profile import (
    Archival,
    ArchiveWhen,
    AttachDocuments,
    ChargeOnClose,
    Config,
    Entity,
    FieldPolicy,
    Filter,
    KeepWhile,
    Match,
    MatchBy,
    NeverArchive,
    Policy,
    Profile,
    RequiresSynced,
    Schedule,
    SendIssues,
    StatusMap,
)

ALL_STATUSES = (
    "Unspecified",
    "Available",
    "UnderOffer",
    "Completed",
    "Let",
    "LetAgreed",
    "LetMarketing",
    "Archived",
    "Suspended",
    "Withdrawn",
    "Instructed",
    "NotInstructed",
    "ExternallyLet",
    "UnderOfferMarketing",
    "UnderOfferAvailable",
    "Exchanged",
    "ExternallySold",
    "Reserved",
)
TRADES = frozenset(
    {
        "plumbing",
        "window cleaning",
        "gardening",
        "gas",
        "electricity",
        "oil",
        "water",
        "bulk lpg",
        "carpentry",
        "pest control",
        "building maintenance",
        "contents insurance",
        "building insurance",
        "public liability insurance",
        "council",
        "sewerage",
        "board contractor",
        "external printer",
        "builder",
        "landlords insurance",
        "rent indemnity insurance",
        "utility",
        "electrician",
    }
)
PEOPLE = ("occupier", "landlord", "contractor")


def _has_email(record: Incoming, _config: Config) -> bool:
    return bool(record.fields.get("email"))


def _statuses(config: Config) -> set[str]:
    return set(config.get("property_statuses") or ALL_STATUSES)


def _categories(config: Config) -> set[str]:
    return {c.lower() for c in config.get("categories") or ("residential", "commercial")}


PROFILE = Profile(
    system="alto",
    rules=(
        # AL-03: properties, with their id and OID as the external reference
        Entity("AL-03", "unit"),
        Entity("AL-06", "landlord"),
        Entity("AL-06", "unit_landlord"),
        Entity("AL-07", "contractor"),
        Entity("AL-04", "occupier"),
        Entity("AL-04", "tenancy"),
        # AL-01: pulled daily, overnight; Alto is the source of truth for every field
        Schedule(
            "AL-01",
            kinds=("unit", "landlord", "contractor", "occupier", "tenancy"),
            cron="0 2 * * *",
            tz="Europe/London",
            lookback=timedelta(hours=1),
        ),
        *(
            FieldPolicy("AL-01", kind, "*", Policy.PMS_OWNED)
            for kind in ("unit", "landlord", "contractor", "occupier", "tenancy", "unit_landlord")
        ),
        # AL-02: which properties sync
        Filter(
            "AL-02",
            "unit",
            lambda r, _: r.attrs.get("record_type") == "Rent",
            "record type is not Rent (for-sale records never sync)",
        ),
        Filter(
            "AL-02",
            "unit",
            lambda r, _: r.attrs.get("management_type") in ("Managed", "PartManaged"),
            "management type is not Managed or Part managed",
        ),
        Filter(
            "AL-02",
            "unit",
            lambda r, _: r.attrs.get("maintenance") == "MaintainedByUs",
            "maintenance is not Handled by Us",
        ),
        Filter(
            "AL-02",
            "unit",
            lambda r, c: r.attrs.get("status") in _statuses(c),
            "property status is not in the agency's allow-list",
        ),
        Filter(
            "AL-02",
            "unit",
            lambda r, c: str(r.attrs.get("category")).lower() in _categories(c),
            "residential/commercial category not chosen by the agency",
        ),
        # AL-04: occupiers with an active or periodic tenancy at a synced property, active in Alto
        Filter(
            "AL-04",
            "occupier",
            lambda r, _: (
                r.attrs.get("tenancy_live") is not False
            ),  # unknown (a contact update) passes
            "no active or periodic tenancy",
        ),
        RequiresSynced("AL-04", "occupier", "_unit", "tenancy is at a property that does not sync"),
        RequiresSynced(
            "AL-04", "tenancy", "unit_id", "tenancy is at a property that does not sync"
        ),
        RequiresSynced("AL-04", "tenancy", "occupier_id", "the tenant does not sync"),
        # AL-05: archived in Alto, or their tenancy became inactive -> archived here
        Archival("AL-05", "occupier", ArchiveWhen.ARCHIVED_UPSTREAM),
        Archival("AL-05", "occupier", ArchiveWhen.FILTERED_OUT),
        KeepWhile("AL-05", "occupier", child_kind="tenancy", link="occupier_id", live="active"),
        # AL-06: landlords are "Client - Landlord" only; archived in Alto -> archived, but never
        # because one of their properties stopped syncing
        Filter(
            "AL-06",
            "landlord",
            lambda r, _: r.attrs.get("user_type") == "Client - Landlord",
            "user type is not Client - Landlord",
        ),
        Archival("AL-06", "landlord", ArchiveWhen.ARCHIVED_UPSTREAM),
        NeverArchive(
            "AL-06",
            "landlord",
            ArchiveWhen.FILTERED_OUT,
            "a landlord may have other properties that still sync",
        ),
        RequiresSynced("AL-06", "unit_landlord", "unit_id", "the property does not sync"),
        RequiresSynced("AL-06", "unit_landlord", "landlord_id", "the landlord does not sync"),
        # AL-07: suppliers, active and in one of the listed trades; archived when they stop
        # meeting the criteria or are archived in Alto
        Filter(
            "AL-07",
            "contractor",
            lambda r, _: any(t.lower() in TRADES for t in r.fields.get("trades", [])),
            "no trade in the synced list",
        ),
        Archival("AL-07", "contractor", ArchiveWhen.ARCHIVED_UPSTREAM),
        Archival("AL-07", "contractor", ArchiveWhen.FILTERED_OUT),
        # AL-08: only people with an email address
        *(Filter("AL-08", kind, _has_email, "no email address") for kind in PEOPLE),
        # AL-09: the same email, or the Alto reference, is the same person; the same normalised
        # address, or the Alto reference, is the same unit
        Match("AL-09", "unit", (MatchBy.EXTERNAL_REF, MatchBy.ADDRESS)),
        *(Match("AL-09", kind, (MatchBy.EXTERNAL_REF, MatchBy.EMAIL)) for kind in PEOPLE),
        # AL-10: issues reach Alto only once instructed, as a works order (planned and reactive)
        SendIssues(
            "AL-10",
            once="instructed",
            description=(
                "An issue reaches Alto as a works order as soon as a contractor or landlord is "
                "instructed, and each later change of status follows. On closing, Alto receives "
                "a PDF of the issue, the completion documents and, when the landlord or the "
                "occupier pays, a maintenance charge with the invoice."
            ),
        ),
        # AL-11: our status -> the works order's; completion notes go with "completed"
        StatusMap(
            "AL-11",
            {
                "job_instructed": "Supplier instructed",
                "awaiting_completion": None,
                "completed": "Complete Awaiting Invoice",
                "closed": "Complete Invoicing Received",
            },
        ),
        # AL-12: on close, a PDF of the issue and every completion document (certificates too)
        AttachDocuments("AL-12", when="closed", issue_pdf=True, document_kinds=("completion",)),
        # AL-13: on close, a Maintenance charge for the gross amount, with the invoice, against
        # the landlord(s) or the occupier as chosen at instruction, linked to the works order,
        # left unraised; none when the agency or someone else pays, without an invoice, or at 0
        ChargeOnClose(
            "AL-13",
            category="Maintenance",
            not_when_paid_by=("agency", "other"),
            needs_invoice=True,
            raise_immediately=False,
        ),
    ),
)
