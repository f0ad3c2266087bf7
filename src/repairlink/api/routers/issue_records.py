"""What hangs off an issue: comments (C-09), documents (C-07) and the occupiers a contractor
may contact (C-10)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from repairlink.api.deps import AnyCaller, Paging, RecordId, StaffCaller, StaffOrContractor
from repairlink.api.schemas.common import PageOf
from repairlink.api.schemas.issues import (
    CommentCreate,
    CommentRead,
    ContactRead,
    CostCodeChoice,
    DocumentRead,
    IssueRead,
)
from repairlink.api.schemas.places import CostCodeRead
from repairlink.services import documents, issue_costing, issues
from repairlink.services.listing import page_of

router = APIRouter(prefix="/issues", tags=["issues"])


@router.get("/{id}/cost-codes", summary="The cost codes the issue may take: its building's")
def cost_codes(caller: StaffCaller, id: RecordId, paging: Paging) -> PageOf[CostCodeRead]:
    codes = issue_costing.cost_codes_for(caller.uow(), caller.who, id)
    page = page_of(codes, cursor=paging.cursor, limit=paging.limit)
    return PageOf[CostCodeRead].model_validate(page)


@router.put("/{id}/cost-code", summary="Choose the issue's cost code from its building's")
def choose_cost_code(caller: StaffCaller, id: RecordId, body: CostCodeChoice) -> IssueRead:
    issue = issue_costing.choose_cost_code(caller.uow(), caller.who, id, body.cost_code_id)
    return IssueRead.model_validate(issue)


@router.get("/{id}/comments", summary="The issue's comments")
def list_comments(caller: AnyCaller, id: RecordId, paging: Paging) -> PageOf[CommentRead]:
    comments = issues.comments_of(caller.uow(), caller.who, id)
    page = page_of(comments, cursor=paging.cursor, limit=paging.limit)
    return PageOf[CommentRead].model_validate(page)


@router.post("/{id}/comments", status_code=201, summary="Comment, maybe to all occupiers (C-09)")
def add_comment(caller: StaffCaller, id: RecordId, body: CommentCreate) -> CommentRead:
    comment = issues.add_comment(
        caller.uow(), caller.who, id, body=body.body, to_all_occupiers=body.to_all_occupiers
    )
    return CommentRead.model_validate(comment)


@router.get("/{id}/documents", summary="The issue's invoice and completion documents")
def list_documents(caller: AnyCaller, id: RecordId, paging: Paging) -> PageOf[DocumentRead]:
    docs = issues.documents_of(caller.uow(), caller.who, id)
    page = page_of(docs, cursor=paging.cursor, limit=paging.limit)
    return PageOf[DocumentRead].model_validate(page)


@router.get(
    "/{id}/documents/{document_id}",
    summary="Download a document",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_document(caller: AnyCaller, id: RecordId, document_id: RecordId) -> Response:
    document, content = documents.read_document(
        caller.uow(), caller.who, caller.app.files, id, document_id
    )
    ascii_name = document.filename.encode("ascii", "replace").decode().replace('"', "_")
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(document.filename)}"
    )
    return Response(
        content,
        media_type=document.content_type or "application/octet-stream",
        headers={"Content-Disposition": disposition},
    )


@router.get("/{id}/contacts", summary="Occupiers active at the issue's unit today (C-10)")
def occupier_contacts(
    caller: StaffOrContractor, id: RecordId, paging: Paging
) -> PageOf[ContactRead]:
    people = issues.occupier_contacts(caller.uow(), caller.who, id)
    page = page_of(people, cursor=paging.cursor, limit=paging.limit)
    return PageOf[ContactRead].model_validate(page)
