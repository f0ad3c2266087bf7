"""Occupiers, landlords, contractors, agents, RMCs, tenancies, links, external references."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, field_validator

from repairlink.api.schemas.common import Id, Name, ReadModel, WriteModel


class PersonWrite(WriteModel):
    """Create, or (only the fields sent) update. Email and phones are validated and normalised."""

    title: Name = ""
    first_name: Name = ""
    surname: Name = ""
    company: Name = ""
    email: Name | None = None
    phone: Name | None = Field(None, description="Any spelling; stored as E.164")
    phone2: Name | None = None
    address: str = Field("", max_length=2000)


class PersonRead(ReadModel):
    id: int
    title: str
    first_name: str
    surname: str
    company: str
    display_name: str
    email: str | None
    phone: str | None
    phone2: str | None
    address: str
    active: bool
    archived_at: datetime | None


class OccupierRead(PersonRead):
    pass


class LandlordRead(PersonRead):
    pass


class ContractorWrite(PersonWrite):
    trades: list[Name] = Field(default_factory=list)


class ContractorRead(PersonRead):
    trades: list[str]


class AgentWrite(PersonWrite):
    username: Name = ""
    ref: Name = ""


class AgentRead(PersonRead):
    username: str
    ref: str


class RmcWrite(PersonWrite):
    ref: Name = ""


class RmcRead(PersonRead):
    ref: str


class OccupierIds(WriteModel):
    """H-03: the selection to archive in one action."""

    occupier_ids: list[Id] = Field(min_length=1, max_length=1000)


class OccupierDelete(WriteModel):
    confirm: bool = Field(False, description="H-04: must be true; deletion cannot be undone")


class TenancyCreate(WriteModel):
    occupier_id: Id
    unit_id: Id
    start_date: date
    end_date: date | None = None
    periodic: bool = False
    active: bool = True


class TenancyUpdate(WriteModel):
    """Only the fields sent are changed."""

    unit_id: Id | None = Field(None, description="Moves the tenancy to another unit")
    start_date: date | None = None
    end_date: date | None = None
    periodic: bool = False
    active: bool = True

    @field_validator("unit_id", "start_date", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value


class TenancyRead(ReadModel):
    id: int
    occupier_id: int
    unit_id: int
    start_date: date
    end_date: date | None
    periodic: bool
    active: bool


class UnitLandlordCreate(WriteModel):
    unit_id: Id
    primary: bool = False


class UnitLandlordRead(ReadModel):
    id: int
    unit_id: int
    landlord_id: int
    primary: bool


class BuildingRmcCreate(WriteModel):
    building_id: Id


class BuildingRmcRead(ReadModel):
    id: int
    building_id: int
    rmc_id: int


class ExternalRefCreate(WriteModel):
    system: Name = Field(min_length=1, description="e.g. propman, alto, propertyware")
    external_id: Name = Field(min_length=1)
    external_oid: Name | None = None


class ExternalRefRead(ReadModel):
    id: int
    entity_kind: str
    entity_id: int
    system: str
    external_id: str
    external_oid: str | None


class ChangeRead(ReadModel):
    """One entry of a record's audit trail (C-13): who or what, when, each field before/after."""

    at: datetime
    action: str
    actor_kind: str
    actor_id: int | None
    actor_label: str
    changes: dict[str, list[object]]
