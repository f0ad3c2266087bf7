"""Issues and their lifecycle (C-03..C-10): quotes, instruction, appointment, completion,
feedback, comments, documents."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, computed_field

from repairlink.api.schemas.common import Id, Name, ReadModel, WriteModel
from repairlink.domain.issues import (
    STATUS_LABELS,
    Party,
    PayingForWork,
    Priority,
    QuoteStatus,
    Status,
)
from repairlink.domain.limits import (
    ADDRESS_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    FEEDBACK_MAX,
    NOTES_MAX,
    REASON_MAX,
    TITLE_MAX,
)
from repairlink.domain.values import MAX_PENCE


class IssueCreate(WriteModel):
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    category: Name = ""
    priority: Priority = Field("normal", description="How urgent: low, normal, high or urgent")
    planned: bool = False
    unit_id: Id | None = None
    free_address: str = Field("", max_length=ADDRESS_MAX, description="Refused when C-11 is on")
    reporter_occupier_id: Id | None = Field(None, description="Set from the login for occupiers")


class IssueRead(ReadModel):
    id: int
    number: int
    reference: str
    title: str
    description: str
    category: str
    priority: str
    planned: bool
    unit_id: int | None
    free_address: str
    reporter_occupier_id: int | None
    reporter_name: str
    reporter_email: str | None
    reporter_phone: str | None
    status: Status
    instructed_party: Party | None
    contractor_id: int | None
    landlord_id: int | None
    cost_code_id: int | None = Field(None, description="One of the building's cost codes")
    paying_for_work: PayingForWork | None
    appointment_at: datetime | None
    completion_notes: str
    cost_net: int | None = Field(description="Pence")
    cost_vat: int | None = Field(description="Pence")
    cost_gross: int | None = Field(description="Pence")
    feedback_rating: int | None
    feedback_comment: str
    close_reason: str
    cancel_reason: str
    created_at: datetime | None
    updated_at: datetime | None

    @computed_field
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class CostCodeChoice(WriteModel):
    cost_code_id: Id | None = Field(description="One of the building's cost codes; null clears")


class QuoteRequest(WriteModel):
    contractor_ids: list[Id] = Field(min_length=1, max_length=100)


class QuoteSubmit(WriteModel):
    contractor_id: Id | None = Field(None, description="Taken from the login for contractors")
    net: int = Field(ge=0, le=MAX_PENCE, description="Pence")
    vat: int = Field(0, ge=0, le=MAX_PENCE, description="Pence")
    notes: str = Field("", max_length=NOTES_MAX)


class QuoteAward(WriteModel):
    quote_id: Id
    paying_for_work: PayingForWork


class QuoteRead(ReadModel):
    id: int
    issue_id: int
    contractor_id: int
    status: QuoteStatus
    net: int | None
    vat: int | None
    gross: int | None
    notes: str


class Instruction(WriteModel):
    """C-04: a contractor or a landlord, and who pays."""

    party: Party
    party_id: Id
    paying_for_work: PayingForWork


class Appointment(WriteModel):
    appointment_at: datetime = Field(description="With its time zone (C-06)")


class Feedback(WriteModel):
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=FEEDBACK_MAX)


class ReasonBody(WriteModel):
    reason: str = Field("", max_length=REASON_MAX)


class CommentCreate(WriteModel):
    body: str = Field(min_length=1, max_length=COMMENT_MAX)
    to_all_occupiers: bool = Field(
        False, description="C-09: reaches occupiers active at the unit today"
    )


class CommentRead(ReadModel):
    id: int
    issue_id: int
    author: str
    body: str
    to_all_occupiers: bool
    recipient_ids: list[int]
    created_at: datetime | None


class DocumentRead(ReadModel):
    id: int
    issue_id: int
    kind: str
    filename: str
    content_type: str
    size: int
    created_at: datetime | None


class ContactRead(ReadModel):
    """C-10: an occupier active at the issue's unit today."""

    id: int
    display_name: str
    email: str | None
    phone: str | None
    phone2: str | None
