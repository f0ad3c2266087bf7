"""Agents, occupiers and their tenancies, landlords, RMC/RTM companies, contractors (H-01..H-04)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from repairlink.errors import ConflictError


@dataclass(eq=False, kw_only=True)
class Person:
    """The contact fields every synced person shares. Archived people keep their history."""

    agency_id: int
    title: str = ""
    first_name: str = ""
    surname: str = ""
    company: str = ""
    email: str | None = None
    phone: str | None = None
    phone2: str | None = None
    address: str = ""
    archived_at: datetime | None = None
    archived_by: str | None = None  # "sync_run" when a sync archived them
    id: int = field(default=None)  # type: ignore[assignment]

    @property
    def active(self) -> bool:
        return self.archived_at is None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.surname) if p)
        return name or self.company or (self.email or "")

    def archive(self, now: datetime) -> None:
        if self.archived_at is None:
            self.archived_at = now

    def restore(self) -> None:
        self.archived_at = None


@dataclass(eq=False, kw_only=True)
class Occupier(Person):
    """A tenant or resident. Locking (H-01) is archiving: a locked occupier cannot log in."""

    unit_id: int | None = None  # where a PMS says they live (PW-06)
    move_in: date | None = None
    move_out: date | None = None

    def lock(self, now: datetime) -> None:
        if self.archived_at is not None:
            raise ConflictError(
                "occupier.already_locked",
                "The occupier is already locked out",
                field="locked",
                rule="H-01",
            )
        self.archive(now)

    def unlock(self) -> None:
        if self.archived_at is None:
            raise ConflictError(
                "occupier.not_locked", "The occupier is not locked out", field="locked", rule="H-01"
            )
        self.restore()


@dataclass(eq=False, kw_only=True)
class Landlord(Person):
    pass


@dataclass(eq=False, kw_only=True)
class Contractor(Person):
    trades: list[str] = field(default_factory=list)


@dataclass(eq=False, kw_only=True)
class Agent(Person):
    """A property manager, a PMS user (PM-01 agents: username, phone, ref, email)."""

    username: str = ""
    ref: str = ""


@dataclass(eq=False, kw_only=True)
class Rmc(Person):
    """An RMC or RTM company, linked to buildings. `company` is its name."""

    ref: str = ""


@dataclass(eq=False, kw_only=True)
class Tenancy:
    agency_id: int
    occupier_id: int
    unit_id: int
    start_date: date
    end_date: date | None = None
    periodic: bool = False
    active: bool = True
    id: int = field(default=None)  # type: ignore[assignment]

    def covers(self, day: date) -> bool:
        """Is this tenancy running on `day`? A periodic tenancy rolls on past its end date."""
        if not self.active or self.start_date > day:
            return False
        return self.periodic or self.end_date is None or self.end_date >= day


@dataclass(eq=False, kw_only=True)
class UnitLandlord:
    agency_id: int
    unit_id: int
    landlord_id: int
    primary: bool = False
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False, kw_only=True)
class BuildingRmc:
    agency_id: int
    building_id: int
    rmc_id: int
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False, kw_only=True)
class ExternalRef:
    """C-02: where a record came from. A record may carry references from several systems."""

    agency_id: int
    entity_kind: str
    entity_id: int
    system: str
    external_id: str
    external_oid: str | None = None
    content_hash: str | None = None  # of the last synced content (S-08)
    id: int = field(default=None)  # type: ignore[assignment]
