"""Occupiers (H-01..H-04), tenancies, landlords (+ their units), RMCs (+ their buildings),
contractors, agents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from repairlink.api.deps import MAX_ID, Paging, RecordId, StaffCaller
from repairlink.api.routers.crud import add_record_routes
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.people import (
    AgentRead,
    AgentWrite,
    BuildingRmcCreate,
    BuildingRmcRead,
    ContractorRead,
    ContractorWrite,
    LandlordRead,
    OccupierDelete,
    OccupierIds,
    OccupierRead,
    PersonWrite,
    RmcRead,
    RmcWrite,
    TenancyCreate,
    TenancyRead,
    TenancyUpdate,
    UnitLandlordCreate,
    UnitLandlordRead,
)
from repairlink.domain.people import Agent, Contractor, Landlord, Occupier, Rmc, Tenancy
from repairlink.services import links, occupiers
from repairlink.services.occupiers import OccupierFilter

router = APIRouter(tags=["people"])
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/occupiers", summary="List occupiers (H-02 filters and search)")
def list_occupiers(
    caller: StaffCaller,
    paging: Paging,
    status: OccupierFilter = OccupierFilter.ACTIVE_AND_RECENTLY_ARCHIVED,
    q: Annotated[str, Query(max_length=200, description="Search name, email, phone")] = "",
    unit_id: OptionalId = None,
) -> PageOf[OccupierRead]:
    page = occupiers.list_occupiers(
        caller.uow(),
        status=status,
        q=q,
        unit_id=unit_id,
        cursor=paging.cursor,
        limit=paging.limit,
    )
    return PageOf[OccupierRead].model_validate(page)


@router.post("/occupiers/bulk-archive", summary="Archive a selection of occupiers (H-03)")
def bulk_archive(caller: StaffCaller, body: OccupierIds) -> list[OccupierRead]:
    archived = occupiers.bulk_archive(caller.uow(), body.occupier_ids)
    return [OccupierRead.model_validate(o) for o in archived]


add_record_routes(
    router,
    path="/occupiers",
    cls=Occupier,
    read=OccupierRead,
    create=PersonWrite,
    update=PersonWrite,
    name="occupier",
    list_route=False,
)


@router.post("/occupiers/{id}/lock", summary="Lock out an occupier: archived, no login (H-01)")
def lock_occupier(caller: StaffCaller, id: RecordId) -> OccupierRead:
    return OccupierRead.model_validate(occupiers.lock(caller.uow(), id))


@router.post("/occupiers/{id}/unlock", summary="Unlock an occupier: active again (H-01)")
def unlock_occupier(caller: StaffCaller, id: RecordId) -> OccupierRead:
    return OccupierRead.model_validate(occupiers.unlock(caller.uow(), id))


@router.delete("/occupiers/{id}", status_code=204, summary="Delete an occupier for good (H-04)")
def delete_occupier(
    caller: StaffCaller,
    id: RecordId,
    confirm: Annotated[bool, Query(description="Must be true: this cannot be undone")] = False,
    body: OccupierDelete | None = None,
) -> Response:
    """Anonymises them on the issues they reported and removes their personal data elsewhere.
    Needs `?confirm=true` or a body `{"confirm": true}`."""
    occupiers.delete(caller.uow(), id, confirm=confirm or (body is not None and body.confirm))
    return Response(status_code=204)


@router.get("/tenancies", summary="List tenancies, of an occupier or a unit")
def list_tenancies(
    caller: StaffCaller,
    paging: Paging,
    occupier_id: OptionalId = None,
    unit_id: OptionalId = None,
) -> PageOf[TenancyRead]:
    page = links.list_tenancies(
        caller.uow(),
        occupier_id=occupier_id,
        unit_id=unit_id,
        cursor=paging.cursor,
        limit=paging.limit,
    )
    return PageOf[TenancyRead].model_validate(page)


add_record_routes(
    router,
    path="/tenancies",
    cls=Tenancy,
    read=TenancyRead,
    create=TenancyCreate,
    update=TenancyUpdate,
    name="tenancy",
    list_route=False,
)
for _path, _cls, _read, _write, _name in (
    ("/landlords", Landlord, LandlordRead, PersonWrite, "landlord"),
    ("/contractors", Contractor, ContractorRead, ContractorWrite, "contractor"),
    ("/agents", Agent, AgentRead, AgentWrite, "agent"),
    ("/rmcs", Rmc, RmcRead, RmcWrite, "rmc"),
):
    add_record_routes(
        router,
        path=_path,
        cls=_cls,
        read=_read,
        create=_write,
        update=_write,
        name=_name,
        searchable=True,
    )


@router.get("/landlords/{id}/units", summary="The units of a landlord")
def landlord_units(caller: StaffCaller, id: RecordId, paging: Paging) -> PageOf[UnitLandlordRead]:
    page = links.landlord_links(
        caller.uow(), landlord_id=id, cursor=paging.cursor, limit=paging.limit
    )
    return PageOf[UnitLandlordRead].model_validate(page)


@router.post("/landlords/{id}/units", summary="Link a landlord to a unit (primary or not)")
def link_landlord(caller: StaffCaller, id: RecordId, body: UnitLandlordCreate) -> UnitLandlordRead:
    link = links.link_landlord(
        caller.uow(), landlord_id=id, unit_id=body.unit_id, primary=body.primary
    )
    return UnitLandlordRead.model_validate(link)


@router.delete("/landlords/{id}/units/{unit_id}", status_code=204, summary="Unlink a unit")
def unlink_landlord(caller: StaffCaller, id: RecordId, unit_id: RecordId) -> Response:
    links.unlink_landlord(caller.uow(), landlord_id=id, unit_id=unit_id)
    return Response(status_code=204)


@router.get("/rmcs/{id}/buildings", summary="The buildings of an RMC/RTM company")
def rmc_buildings(caller: StaffCaller, id: RecordId, paging: Paging) -> PageOf[BuildingRmcRead]:
    page = links.rmc_links(caller.uow(), rmc_id=id, cursor=paging.cursor, limit=paging.limit)
    return PageOf[BuildingRmcRead].model_validate(page)


@router.post("/rmcs/{id}/buildings", summary="Link an RMC/RTM company to a building")
def link_rmc(caller: StaffCaller, id: RecordId, body: BuildingRmcCreate) -> BuildingRmcRead:
    link = links.link_rmc(caller.uow(), rmc_id=id, building_id=body.building_id)
    return BuildingRmcRead.model_validate(link)


@router.delete("/rmcs/{id}/buildings/{building_id}", status_code=204, summary="Unlink")
def unlink_rmc(caller: StaffCaller, id: RecordId, building_id: RecordId) -> Response:
    links.unlink_rmc(caller.uow(), rmc_id=id, building_id=building_id)
    return Response(status_code=204)
