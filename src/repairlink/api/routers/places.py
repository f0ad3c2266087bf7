"""Estates, buildings, units (H-05 deactivate/reactivate and the active filter, H-06 merge),
cost codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from repairlink.api.deps import Paging, RecordId, StaffCaller
from repairlink.api.routers.crud import add_record_routes
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.people import BuildingRmcRead, UnitLandlordRead
from repairlink.api.schemas.places import (
    BuildingCreate,
    BuildingRead,
    BuildingUpdate,
    CostCodeCreate,
    CostCodeRead,
    CostCodeUpdate,
    EstateCreate,
    EstateRead,
    EstateUpdate,
    UnitCreate,
    UnitMerge,
    UnitRead,
    UnitUpdate,
)
from repairlink.domain.places import Building, CostCode, Estate, Unit
from repairlink.services import links, units
from repairlink.services.units import UnitFilter

router = APIRouter(tags=["places"])

add_record_routes(
    router,
    path="/estates",
    cls=Estate,
    read=EstateRead,
    create=EstateCreate,
    update=EstateUpdate,
    name="estate",
)
add_record_routes(
    router,
    path="/buildings",
    cls=Building,
    read=BuildingRead,
    create=BuildingCreate,
    update=BuildingUpdate,
    name="building",
)
add_record_routes(
    router,
    path="/cost-codes",
    cls=CostCode,
    read=CostCodeRead,
    create=CostCodeCreate,
    update=CostCodeUpdate,
    name="cost_code",
)


@router.get("/buildings/{id}/rmcs", summary="The RMC/RTM companies of a building")
def building_rmcs(caller: StaffCaller, id: RecordId, paging: Paging) -> PageOf[BuildingRmcRead]:
    page = links.rmc_links(caller.uow(), building_id=id, cursor=paging.cursor, limit=paging.limit)
    return PageOf[BuildingRmcRead].model_validate(page)


@router.get("/units", summary="List units (H-05: active only unless asked)")
def list_units(
    caller: StaffCaller,
    paging: Paging,
    status: Annotated[UnitFilter, Query(description="Is the property active")] = UnitFilter.ACTIVE,
    q: Annotated[str, Query(max_length=200, description="Search address, postcode, ref")] = "",
) -> PageOf[UnitRead]:
    page = units.list_units(
        caller.uow(), status=status, q=q, cursor=paging.cursor, limit=paging.limit
    )
    return PageOf[UnitRead].model_validate(page)


add_record_routes(
    router,
    path="/units",
    cls=Unit,
    read=UnitRead,
    create=UnitCreate,
    update=UnitUpdate,
    name="unit",
    list_route=False,
)


@router.post("/units/merge", summary="Merge a duplicate unit into a survivor (H-06)")
def merge_units(caller: StaffCaller, body: UnitMerge) -> UnitRead:
    survivor = units.merge_units(
        caller.uow(), survivor_id=body.survivor_id, duplicate_id=body.duplicate_id
    )
    return UnitRead.model_validate(survivor)


@router.post("/units/{id}/deactivate", summary="Deactivate a unit (H-05)")
def deactivate_unit(caller: StaffCaller, id: RecordId) -> UnitRead:
    return UnitRead.model_validate(units.deactivate_unit(caller.uow(), id))


@router.post("/units/{id}/reactivate", summary="Reactivate a unit (H-05)")
def reactivate_unit(caller: StaffCaller, id: RecordId) -> UnitRead:
    return UnitRead.model_validate(units.reactivate_unit(caller.uow(), id))


@router.get("/units/{id}/landlords", summary="The landlords of a unit")
def unit_landlords(caller: StaffCaller, id: RecordId, paging: Paging) -> PageOf[UnitLandlordRead]:
    page = links.landlord_links(caller.uow(), unit_id=id, cursor=paging.cursor, limit=paging.limit)
    return PageOf[UnitLandlordRead].model_validate(page)
