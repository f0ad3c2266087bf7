"""The agency (the tenant of the service, C-01), its settings, its users and API keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    CONTRACTOR = "contractor"
    OCCUPIER = "occupier"


class CostsOption(StrEnum):
    """C-07 'default contractor costs option'."""

    PROVIDE_COSTS = "provide_costs"
    OPTIONAL = "optional"


class InvoiceOption(StrEnum):
    """C-07 'default contractor invoice option'."""

    REQUIRED = "required"
    OPTIONAL = "optional"


@dataclass(eq=False)
class Agency:
    name: str
    slug: str
    feedback_enabled: bool = False
    costs_option: CostsOption = CostsOption.OPTIONAL
    invoice_option: InvoiceOption = InvoiceOption.OPTIONAL
    only_display_uploaded_properties: bool = False
    created_at: datetime | None = None
    locale: str = "en_GB"  # how the console writes money, dates and numbers
    time_zone: str = "Europe/London"
    id: int = field(default=None)  # type: ignore[assignment]

    @property
    def region(self) -> str:
        return region_of(self.locale)


def region_of(locale: str | None) -> str:
    """The country an agency's phone numbers are dialled in when written without one
    ("(415) 555-0123" is +1 for a US agency, not +44): its locale's ("en_US" -> "US")."""
    return (locale or "en_GB").split("_")[-1].upper()


@dataclass(eq=False)
class User:
    """A login. Contractors and occupiers are tied to their record by `subject_id`."""

    agency_id: int
    email: str
    name: str
    role: Role
    password_hash: str
    subject_id: int | None = None
    active: bool = True
    created_at: datetime | None = None
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False)
class ApiKey:
    """Only the argon2 hash of the secret is kept; `prefix` finds the row to verify."""

    agency_id: int
    name: str
    role: Role
    prefix: str
    key_hash: str
    subject_id: int | None = None
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False)
class Session:
    """A logged-in user's bearer token (hashed with SHA-256: it is random and long)."""

    agency_id: int
    user_id: int
    token_hash: str
    expires_at: datetime
    id: int = field(default=None)  # type: ignore[assignment]
