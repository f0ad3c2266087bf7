"""The agency's settings (C-07, C-08, C-11), its API keys and its logins: admins only, except
that staff may read the settings."""

from __future__ import annotations

from fastapi import APIRouter, Response

from repairlink.api.deps import AdminCaller, Paging, RecordId, StaffCaller
from repairlink.api.schemas.agency import (
    AgencyRead,
    AgencyUpdate,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    UserCreate,
    UserRead,
)
from repairlink.api.schemas.common import PageOf
from repairlink.domain.agency import ApiKey, User
from repairlink.services import agencies, auth, people_and_places

router = APIRouter(tags=["agency"])


@router.get("/agency", summary="The agency and its settings")
def get_agency(caller: StaffCaller) -> AgencyRead:
    return AgencyRead.model_validate(agencies.get_agency(caller.uow()))


@router.patch("/agency", summary="Change settings (only the fields sent)")
def update_agency(caller: AdminCaller, body: AgencyUpdate) -> AgencyRead:
    changed = agencies.update_settings(caller.uow(), body.model_dump(exclude_unset=True))
    return AgencyRead.model_validate(changed)


@router.post("/api-keys", status_code=201, summary="Create an API key (its secret shown once)")
def create_api_key(caller: AdminCaller, body: ApiKeyCreate) -> ApiKeyCreated:
    key, secret = auth.create_api_key(
        caller.uow(), name=body.name, role=body.role, subject_id=body.subject_id
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), secret=secret)


@router.get("/api-keys", summary="List API keys (never their secrets)")
def list_api_keys(caller: AdminCaller, paging: Paging) -> PageOf[ApiKeyRead]:
    page = people_and_places.list_page(
        caller.uow(), ApiKey, cursor=paging.cursor, limit=paging.limit
    )
    return PageOf[ApiKeyRead].model_validate(page)


@router.get("/api-keys/{id}", summary="Get an API key (never its secret)")
def get_api_key(caller: AdminCaller, id: RecordId) -> ApiKeyRead:
    return ApiKeyRead.model_validate(people_and_places.get(caller.uow(), ApiKey, id))


@router.post("/api-keys/{id}/revoke", summary="Revoke an API key")
def revoke_api_key(caller: AdminCaller, id: RecordId) -> ApiKeyRead:
    return ApiKeyRead.model_validate(auth.revoke_api_key(caller.uow(), id))


@router.delete("/api-keys/{id}", status_code=204, summary="Revoke an API key")
def delete_api_key(caller: AdminCaller, id: RecordId) -> Response:
    auth.revoke_api_key(caller.uow(), id)
    return Response(status_code=204)


@router.post("/users", status_code=201, summary="Create a login")
def create_user(caller: AdminCaller, body: UserCreate) -> UserRead:
    user = auth.create_user(
        caller.uow(),
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        subject_id=body.subject_id,
    )
    return UserRead.model_validate(user)


@router.get("/users", summary="List logins")
def list_users(caller: AdminCaller, paging: Paging) -> PageOf[UserRead]:
    page = people_and_places.list_page(caller.uow(), User, cursor=paging.cursor, limit=paging.limit)
    return PageOf[UserRead].model_validate(page)


@router.get("/users/{id}", summary="Get a login")
def get_user(caller: AdminCaller, id: RecordId) -> UserRead:
    return UserRead.model_validate(people_and_places.get(caller.uow(), User, id))
