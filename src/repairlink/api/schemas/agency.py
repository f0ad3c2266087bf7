"""The agency's settings, logins, API keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from repairlink.api.schemas.common import Id, Name, ReadModel, WriteModel
from repairlink.domain.agency import CostsOption, InvoiceOption, Role


class AgencyRead(ReadModel):
    id: int
    name: str
    slug: str
    feedback_enabled: bool
    costs_option: CostsOption
    invoice_option: InvoiceOption
    only_display_uploaded_properties: bool
    locale: str
    time_zone: str


class AgencyUpdate(WriteModel):
    """Only the fields sent are changed."""

    name: Name = Field("", description="Not blank: the From name of the agency's mail")
    feedback_enabled: bool = Field(False, description="C-08: invite the occupier to rate jobs")
    costs_option: CostsOption = Field(
        CostsOption.OPTIONAL, description="C-07: provide_costs makes costs mandatory"
    )
    invoice_option: InvoiceOption = Field(
        InvoiceOption.OPTIONAL, description="C-07: required makes the invoice mandatory"
    )
    only_display_uploaded_properties: bool = Field(
        False, description="C-11: issues only against the agency's active units"
    )
    locale: str = Field(
        "en_GB",
        max_length=16,
        description="How the console writes money, dates and numbers: en_GB or en_US",
    )
    time_zone: str = Field(
        "Europe/London",
        max_length=64,
        description="The IANA time zone of the agency's local dates, e.g. America/Los_Angeles",
    )


class LoginRequest(WriteModel):
    email: Name
    password: str = Field(max_length=1024)


class TokenRead(ReadModel):
    token: str
    token_type: str = "bearer"


class MeRead(ReadModel):
    agency_id: int
    role: Role
    subject_id: int | None
    actor_kind: str
    actor_label: str


class UserCreate(WriteModel):
    email: Name
    name: Name = ""
    role: Role
    password: str = Field(min_length=1, max_length=1024)
    subject_id: Id | None = Field(None, description="The contractor or occupier it logs in as")


class UserRead(ReadModel):
    id: int
    email: str
    name: str
    role: Role
    subject_id: int | None
    active: bool
    created_at: datetime | None


class ApiKeyCreate(WriteModel):
    name: Name
    role: Role = Role.AGENT
    subject_id: Id | None = Field(None, description="The contractor or occupier it acts as")


class ApiKeyRead(ReadModel):
    """The secret is never shown again after creation; only its argon2 hash is kept."""

    id: int
    name: str
    role: Role
    prefix: str
    subject_id: int | None
    created_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    secret: str = Field(description="Shown this once: store it now")
