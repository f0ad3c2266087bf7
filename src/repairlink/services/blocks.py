"""Block management in the console: the building and estate a property stands in, and the
estates and buildings a property list may be filtered by."""

from __future__ import annotations

from dataclasses import dataclass

from repairlink.domain.places import Building, Estate, Unit
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork


@dataclass(frozen=True)
class Place:
    building: Building | None
    estate: Estate | None


def place_of(uow: UnitOfWork, unit: Unit) -> Place:
    """The property's building and estate (the building's estate when the unit names none)."""
    with uow.reading():
        building = uow.get(Building, unit.building_id) if unit.building_id else None
        estate_id = unit.estate_id or (building.estate_id if building else None)
        estate = uow.get(Estate, estate_id) if estate_id else None
        return Place(building, estate)


@dataclass(frozen=True)
class Choices:
    estates: list[Estate]
    buildings: list[Building]


def choices(uow: UnitOfWork, estate_id: int | None = None) -> Choices:
    """The agency's estates, and its buildings (of `estate_id` only, when given), by name."""
    e, b = cols(Estate), cols(Building)
    with uow.reading():
        estates = uow.all(uow.select(Estate).order_by(e.name, e.id))
        where = [b.estate_id == estate_id] if estate_id else []
        buildings = uow.all(uow.select(Building, *where).order_by(b.name, b.id))
        return Choices(estates, buildings)
