"""The repair issue and its lifecycle (C-03..C-08): every transition is a method that checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal, get_args

from repairlink.domain.agency import Agency, CostsOption, InvoiceOption
from repairlink.domain.values import Money
from repairlink.errors import ConflictError, InvalidError


class Status(StrEnum):
    REPORTED = "reported"
    QUOTES_REQUESTED = "quotes_requested"
    JOB_INSTRUCTED = "job_instructed"
    AWAITING_COMPLETION = "awaiting_completion"
    COMPLETED = "completed"
    AWAITING_FEEDBACK = "awaiting_feedback"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    FORWARDED_TO_PM = "forwarded_to_pm"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in (Status.CLOSED, Status.CANCELLED, Status.FORWARDED_TO_PM)


STATUS_LABELS = {
    Status.REPORTED: "Reported",
    Status.QUOTES_REQUESTED: "Quotes requested",
    Status.JOB_INSTRUCTED: "Job awarded, awaiting appointment date",
    Status.AWAITING_COMPLETION: "Awaiting job completion",
    Status.COMPLETED: "Job completed, ready for closure",
    Status.AWAITING_FEEDBACK: "Awaiting feedback",
    Status.CLOSED: "Closed",
    Status.CANCELLED: "Cancelled",
    Status.FORWARDED_TO_PM: "Forwarded to property manager",
}


# How urgent an issue is: what the API takes, the console offers and its list filters by.
Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[str, ...] = get_args(Priority)


class Party(StrEnum):
    """C-04: an issue is instructed to a contractor or to a landlord."""

    CONTRACTOR = "contractor"
    LANDLORD = "landlord"


class PayingForWork(StrEnum):
    LANDLORD = "landlord"
    ALL_LANDLORDS = "all_landlords"
    OCCUPIER = "occupier"
    AGENCY = "agency"
    OTHER = "other"


class QuoteStatus(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


# action -> statuses it may start from (C-03). Cancel and forward work from any open status.
ALLOWED_FROM: dict[str, tuple[Status, ...]] = {
    "request quotes for": (Status.REPORTED, Status.QUOTES_REQUESTED),
    "submit a quote for": (Status.QUOTES_REQUESTED,),
    "instruct": (Status.REPORTED, Status.QUOTES_REQUESTED),
    "set an appointment for": (Status.JOB_INSTRUCTED, Status.AWAITING_COMPLETION),
    "complete": (Status.AWAITING_COMPLETION,),
    "leave feedback on": (Status.AWAITING_FEEDBACK,),
    "close": (Status.COMPLETED, Status.AWAITING_FEEDBACK),
}


@dataclass(eq=False, kw_only=True)
class Issue:
    agency_id: int
    number: int
    title: str
    description: str = ""
    category: str = ""
    priority: str = "normal"
    planned: bool = False
    unit_id: int | None = None
    free_address: str = ""
    reporter_occupier_id: int | None = None
    reporter_name: str = ""
    reporter_email: str | None = None
    reporter_phone: str | None = None
    manager_ref: str | None = None  # the PMS user id of the manager it is assigned to (PW-04)
    status: Status = Status.REPORTED
    instructed_party: Party | None = None
    contractor_id: int | None = None
    landlord_id: int | None = None
    cost_code_id: int | None = None  # one of the building's cost codes (block management)
    paying_for_work: PayingForWork | None = None
    appointment_at: datetime | None = None
    completion_notes: str = ""
    cost_net: int | None = None
    cost_vat: int | None = None
    cost_gross: int | None = None
    feedback_rating: int | None = None
    feedback_comment: str = ""
    close_reason: str = ""
    cancel_reason: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int = field(default=None)  # type: ignore[assignment]

    @property
    def reference(self) -> str:
        return f"IS{self.number}"

    @property
    def costs(self) -> Money | None:
        if self.cost_gross is None:
            return None
        return Money(self.cost_net or 0, self.cost_vat or 0, self.cost_gross)

    def _require(self, action: str) -> None:
        allowed = ALLOWED_FROM.get(action)
        ok = self.status.is_open if allowed is None else self.status in allowed
        if not ok:
            raise ConflictError(
                "issue.illegal_transition",
                f"Cannot {action} an issue that is '{self.status.label}'",
                field="status",
                rule="C-03",
            )

    def request_quotes(self) -> None:
        self._require("request quotes for")
        self.status = Status.QUOTES_REQUESTED

    def check_quote_submission(self) -> None:
        self._require("submit a quote for")

    def instruct(self, party: Party, party_id: int, paying: PayingForWork) -> None:
        """C-04. Instruction may skip quotes (from `reported`)."""
        self._require("instruct")
        self.instructed_party = party
        self.contractor_id = party_id if party is Party.CONTRACTOR else None
        self.landlord_id = party_id if party is Party.LANDLORD else None
        self.paying_for_work = paying
        self.status = Status.JOB_INSTRUCTED

    def set_appointment(self, at: datetime) -> None:
        """C-06."""
        self._require("set an appointment for")
        self.appointment_at = at
        self.status = Status.AWAITING_COMPLETION

    def complete(
        self, *, agency: Agency, notes: str, costs: Money | None, has_invoice: bool
    ) -> None:
        """C-07 (mandatory costs / invoice by agency setting) and C-08 (feedback or not)."""
        self._require("complete")
        if agency.costs_option is CostsOption.PROVIDE_COSTS and costs is None:
            raise InvalidError(
                "issue.costs_required",
                "This agency requires costs (net, VAT, gross) at completion",
                field="costs",
                rule="C-07",
            )
        if agency.invoice_option is InvoiceOption.REQUIRED and not has_invoice:
            raise InvalidError(
                "issue.invoice_required",
                "This agency requires an invoice document at completion",
                field="invoice",
                rule="C-07",
            )
        self.completion_notes = notes
        if costs is not None:
            self.cost_net, self.cost_vat, self.cost_gross = costs.net, costs.vat, costs.gross
        self.status = Status.AWAITING_FEEDBACK if agency.feedback_enabled else Status.COMPLETED

    def leave_feedback(self, rating: int, comment: str) -> None:
        self._require("leave feedback on")
        if not 1 <= rating <= 5:
            raise InvalidError(
                "issue.rating_range", "A rating is from 1 to 5", field="rating", rule="C-08"
            )
        self.feedback_rating = rating
        self.feedback_comment = comment

    def close(self, reason: str) -> None:
        """C-08: agents close from completed or awaiting feedback."""
        self._require("close")
        self.close_reason = reason
        self.status = Status.CLOSED

    def cancel(self, reason: str) -> None:
        self._require("cancel")
        self.cancel_reason = reason
        self.status = Status.CANCELLED

    def forward_to_pm(self, reason: str) -> None:
        self._require("forward")
        self.close_reason = reason
        self.status = Status.FORWARDED_TO_PM


@dataclass(eq=False, kw_only=True)
class Quote:
    """C-05: requested from a contractor, submitted by them, awarded by the agent."""

    agency_id: int
    issue_id: int
    contractor_id: int
    status: QuoteStatus = QuoteStatus.REQUESTED
    net: int | None = None
    vat: int | None = None
    gross: int | None = None
    notes: str = ""
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False, kw_only=True)
class Document:
    """A file attached to an issue: the invoice, or a completion document (C-07); a photo sent
    with the report; a contractor's quote document (C-05, with its quote)."""

    agency_id: int
    issue_id: int
    kind: str  # "invoice" | "completion" | "photo" | "quote"
    filename: str
    content_type: str
    size: int
    storage_key: str
    created_at: datetime | None = None
    quote_id: int | None = None
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False, kw_only=True)
class Comment:
    """C-09: a comment for 'all occupiers' reaches those active at the unit that day."""

    agency_id: int
    issue_id: int
    author: str
    body: str
    to_all_occupiers: bool = False
    recipient_ids: list[int] = field(default_factory=list)
    created_at: datetime | None = None
    id: int = field(default=None)  # type: ignore[assignment]
