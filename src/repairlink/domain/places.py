"""Estates, buildings and units (H-05, H-06), and cost codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from repairlink.domain.actors import Actor, ActorKind
from repairlink.domain.values import Address
from repairlink.errors import ConflictError

ADDRESS_FIELDS = ("flat", "line1", "line2", "line3", "town", "county", "postcode", "country")


@dataclass(eq=False)
class Estate:
    agency_id: int
    name: str
    ref: str = ""
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False)
class Building:
    agency_id: int
    name: str
    ref: str = ""
    estate_id: int | None = None
    line1: str = ""
    line2: str = ""
    line3: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    property_manager_id: int | None = None
    id: int = field(default=None)  # type: ignore[assignment]


@dataclass(eq=False)
class Unit:
    agency_id: int
    line1: str
    address_key: str = ""  # set from the address by set_address()
    flat: str = ""
    line2: str = ""
    line3: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    country: str = "GB"
    ref: str = ""
    estate_id: int | None = None
    building_id: int | None = None
    active: bool = True
    deactivated_at: datetime | None = None
    deactivated_by: str | None = None  # an ActorKind: user, sync_run, reconciliation...
    merged_into_id: int | None = None
    integration_data: dict[str, Any] | None = None  # the PMS's facts beyond the address (PW-06)
    id: int = field(default=None)  # type: ignore[assignment]

    @property
    def address(self) -> Address:
        return Address(**{name: getattr(self, name) for name in ADDRESS_FIELDS})

    def set_address(self, address: Address) -> None:
        for name in ADDRESS_FIELDS:
            setattr(self, name, getattr(address, name))
        self.address_key = address.key

    def deactivate(self, actor: Actor, now: datetime) -> None:
        """H-05. Remembers who did it: PW-09 never re-activates a unit a person disabled."""
        if not self.active:
            raise ConflictError(
                "unit.already_deactivated",
                "The unit is already deactivated",
                field="active",
                rule="H-05",
            )
        self.active = False
        self.deactivated_at = now
        self.deactivated_by = actor.kind.value

    def reactivate(self) -> None:
        if self.active:
            raise ConflictError(
                "unit.already_active", "The unit is already active", field="active", rule="H-05"
            )
        if self.merged_into_id is not None:
            raise ConflictError(
                "unit.merged",
                "A unit merged into another cannot be reactivated",
                field="active",
                rule="H-06",
            )
        self.active = True
        self.deactivated_at = None
        self.deactivated_by = None

    @property
    def deactivated_by_person(self) -> bool:
        return self.deactivated_by in (ActorKind.USER.value, ActorKind.API_KEY.value)


@dataclass(eq=False)
class CostCode:
    agency_id: int
    code: str
    description: str = ""
    building_id: int | None = None
    id: int = field(default=None)  # type: ignore[assignment]


def address_fields(address: Address) -> dict[str, Any]:
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}
