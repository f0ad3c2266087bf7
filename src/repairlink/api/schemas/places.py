"""Estates, buildings, units (H-05, H-06), cost codes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from repairlink.api.schemas.common import Id, Name, ReadModel, WriteModel


class EstateCreate(WriteModel):
    name: Name
    ref: Name = ""


class EstateUpdate(WriteModel):
    name: Name = ""
    ref: Name = ""


class EstateRead(ReadModel):
    id: int
    name: str
    ref: str


class _BuildingFields(WriteModel):
    ref: Name = ""
    estate_id: Id | None = None
    line1: Name = ""
    line2: Name = ""
    line3: Name = ""
    town: Name = ""
    county: Name = ""
    postcode: Name = ""
    property_manager_id: Id | None = Field(None, description="An agent's id")


class BuildingCreate(_BuildingFields):
    name: Name


class BuildingUpdate(_BuildingFields):
    name: Name = ""


class BuildingRead(ReadModel):
    id: int
    name: str
    ref: str
    estate_id: int | None
    line1: str
    line2: str
    line3: str
    town: str
    county: str
    postcode: str
    property_manager_id: int | None


class _UnitFields(WriteModel):
    flat: Name = ""
    line2: Name = ""
    line3: Name = ""
    town: Name = ""
    county: Name = ""
    postcode: Name = Field("", description="A UK postcode when country is GB; normalised")
    country: str = Field("GB", min_length=2, max_length=2)
    ref: Name = ""
    estate_id: Id | None = None
    building_id: Id | None = None


class UnitCreate(_UnitFields):
    line1: Name


class UnitUpdate(_UnitFields):
    line1: Name = ""


class UnitRead(ReadModel):
    id: int
    flat: str
    line1: str
    line2: str
    line3: str
    town: str
    county: str
    postcode: str
    country: str
    ref: str
    estate_id: int | None
    building_id: int | None
    active: bool
    deactivated_at: datetime | None
    deactivated_by: str | None
    merged_into_id: int | None


class UnitMerge(WriteModel):
    """H-06: the duplicate's issues, occupiers and references move to the survivor."""

    survivor_id: Id
    duplicate_id: Id


class CostCodeCreate(WriteModel):
    code: Name
    description: Name = ""
    building_id: Id | None = None


class CostCodeUpdate(WriteModel):
    code: Name = ""
    description: Name = ""
    building_id: Id | None = None


class CostCodeRead(ReadModel):
    id: int
    code: str
    description: str
    building_id: int | None
