"""Links between records: a unit's landlords (one of them primary), a building's RMC/RTM
companies, and tenancies filtered by occupier or unit. Both ends are checked to be the
agency's (C-01)."""

from __future__ import annotations

import sqlalchemy as sa

from repairlink.domain.people import BuildingRmc, Landlord, Rmc, Tenancy, UnitLandlord
from repairlink.domain.places import Building, Unit
from repairlink.errors import NotFoundError
from repairlink.services.pagination import Page, paginate
from repairlink.store.tables import cols
from repairlink.store.uow import UnitOfWork


def link_landlord(
    uow: UnitOfWork, *, landlord_id: int, unit_id: int, primary: bool = False
) -> UnitLandlord:
    """Link a landlord to a unit. A primary landlord is the only primary one of that unit."""
    with uow:
        uow.get(Landlord, landlord_id, field="landlord_id")
        uow.get(Unit, unit_id, field="unit_id")
        links = cols(UnitLandlord)
        of_unit = uow.all(uow.select(UnitLandlord, links.unit_id == unit_id))
        link = next((row for row in of_unit if row.landlord_id == landlord_id), None)
        if link is None:
            link = UnitLandlord(agency_id=uow.agency, unit_id=unit_id, landlord_id=landlord_id)
            uow.add(link)
        if primary:
            for other in of_unit:
                if other is not link and other.primary:
                    other.primary = False
        link.primary = primary
        uow.flush()
        uow.commit()
    return link


def unlink_landlord(uow: UnitOfWork, *, landlord_id: int, unit_id: int) -> None:
    with uow:
        uow.get(Landlord, landlord_id, field="landlord_id")
        links = cols(UnitLandlord)
        link = uow.first(
            uow.select(UnitLandlord, links.unit_id == unit_id, links.landlord_id == landlord_id)
        )
        if link is None:
            raise NotFoundError(
                "unit_landlord.not_found",
                "That landlord is not linked to that unit",
                field="unit_id",
            )
        uow.delete(link)
        uow.commit()


def landlord_links(
    uow: UnitOfWork,
    *,
    landlord_id: int | None = None,
    unit_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[UnitLandlord]:
    """The unit-landlord links of one landlord or of one unit (which must be the agency's)."""
    links = cols(UnitLandlord)
    where: list[sa.ColumnElement[bool]] = []
    with uow.reading():
        if landlord_id is not None:
            uow.get(Landlord, landlord_id)
            where.append(links.landlord_id == landlord_id)
        if unit_id is not None:
            uow.get(Unit, unit_id)
            where.append(links.unit_id == unit_id)
        stmt = uow.select(UnitLandlord, *where)
        return paginate(uow, stmt, links.id, cursor=cursor, limit=limit)


def link_rmc(uow: UnitOfWork, *, rmc_id: int, building_id: int) -> BuildingRmc:
    """Link an RMC/RTM company to a building; linking twice changes nothing."""
    with uow:
        uow.get(Rmc, rmc_id, field="rmc_id")
        uow.get(Building, building_id, field="building_id")
        links = cols(BuildingRmc)
        link = uow.first(
            uow.select(BuildingRmc, links.rmc_id == rmc_id, links.building_id == building_id)
        )
        if link is None:
            link = BuildingRmc(agency_id=uow.agency, building_id=building_id, rmc_id=rmc_id)
            uow.add(link)
            uow.flush()
        uow.commit()
    return link


def unlink_rmc(uow: UnitOfWork, *, rmc_id: int, building_id: int) -> None:
    with uow:
        uow.get(Rmc, rmc_id, field="rmc_id")
        links = cols(BuildingRmc)
        link = uow.first(
            uow.select(BuildingRmc, links.rmc_id == rmc_id, links.building_id == building_id)
        )
        if link is None:
            raise NotFoundError(
                "building_rmc.not_found",
                "That RMC is not linked to that building",
                field="building_id",
            )
        uow.delete(link)
        uow.commit()


def rmc_links(
    uow: UnitOfWork,
    *,
    rmc_id: int | None = None,
    building_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[BuildingRmc]:
    links = cols(BuildingRmc)
    where: list[sa.ColumnElement[bool]] = []
    with uow.reading():
        if rmc_id is not None:
            uow.get(Rmc, rmc_id)
            where.append(links.rmc_id == rmc_id)
        if building_id is not None:
            uow.get(Building, building_id)
            where.append(links.building_id == building_id)
        stmt = uow.select(BuildingRmc, *where)
        return paginate(uow, stmt, links.id, cursor=cursor, limit=limit)


def list_tenancies(
    uow: UnitOfWork,
    *,
    occupier_id: int | None = None,
    unit_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Tenancy]:
    tenancy = cols(Tenancy)
    where: list[sa.ColumnElement[bool]] = []
    if occupier_id is not None:
        where.append(tenancy.occupier_id == occupier_id)
    if unit_id is not None:
        where.append(tenancy.unit_id == unit_id)
    with uow.reading():
        stmt = uow.select(Tenancy, *where)
        return paginate(uow, stmt, tenancy.id, cursor=cursor, limit=limit)
