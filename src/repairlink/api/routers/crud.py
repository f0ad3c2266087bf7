"""One small factory for the plain record kinds: list, create, get and patch through
services/people_and_places.py, staff only. Resources with more to them add their own routes
beside these.

(No `from __future__ import annotations` here: FastAPI reads these annotations at run time and
they name the models passed in.)
"""

from collections.abc import Callable
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query
from pydantic import BaseModel

from repairlink.api.deps import Paging, RecordId, StaffCaller
from repairlink.api.schemas.common import PageOf
from repairlink.jobs.ownership import created_only_in_pms, pms_owned_rule
from repairlink.services import people_and_places


def _typed(fn: Callable[..., Any], **annotations: Any) -> Callable[..., Any]:
    """Give a generated route function the request-body annotation FastAPI should read."""
    fn.__annotations__.update(annotations)
    return fn


def add_record_routes(
    router: APIRouter,
    *,
    path: str,
    cls: type,
    read: type[BaseModel],
    create: type[BaseModel],
    update: type[BaseModel],
    name: str,
    list_route: bool = True,
    searchable: bool = False,
) -> None:
    """`GET path`, `POST path`, `GET path/{id}`, `PATCH path/{id}` for one record kind."""
    page_model: Any = cast(Any, PageOf)[read]

    def list_plain(caller: StaffCaller, paging: Paging) -> Any:
        page: Any = people_and_places.list_page(
            caller.uow(), cls, cursor=paging.cursor, limit=paging.limit
        )
        return page_model.model_validate(page)

    def list_people(
        caller: StaffCaller,
        paging: Paging,
        q: Annotated[str, Query(max_length=200, description="Search name, email, phone")] = "",
    ) -> Any:
        where = [people_and_places.search_clause(cls, q)] if q.strip() else []
        page: Any = people_and_places.list_page(
            caller.uow(), cls, *where, cursor=paging.cursor, limit=paging.limit
        )
        return page_model.model_validate(page)

    if list_route:
        router.add_api_route(
            path,
            list_people if searchable else list_plain,
            methods=["GET"],
            response_model=page_model,
            summary=f"List {name}s",
            name=f"list_{name}s",
        )

    def create_record(caller: StaffCaller, body: BaseModel) -> Any:
        obj: Any = people_and_places.create(
            caller.uow(), cls, body.model_dump(), only_in_pms=created_only_in_pms
        )
        return read.model_validate(obj)

    def get_record(caller: StaffCaller, id: RecordId) -> Any:
        return read.model_validate(people_and_places.get(caller.uow(), cls, id))

    def update_record(caller: StaffCaller, id: RecordId, body: BaseModel) -> Any:
        changes = body.model_dump(exclude_unset=True)
        obj: Any = people_and_places.update(caller.uow(), cls, id, changes, owned=pms_owned_rule)
        return read.model_validate(obj)

    router.add_api_route(
        path,
        _typed(create_record, body=create),
        methods=["POST"],
        status_code=201,
        response_model=read,
        summary=f"Create a {name}",
        name=f"create_{name}",
    )
    router.add_api_route(
        path + "/{id}",
        get_record,
        methods=["GET"],
        response_model=read,
        summary=f"Get a {name}",
        name=f"get_{name}",
    )
    router.add_api_route(
        path + "/{id}",
        _typed(update_record, body=update),
        methods=["PATCH"],
        response_model=read,
        summary=f"Change a {name} (only the fields sent)",
        name=f"update_{name}",
    )
