"""Reading an issue's stored document (an invoice or a completion document, C-07), for
whoever may see the issue."""

from __future__ import annotations

from repairlink.domain.issues import Document
from repairlink.errors import NotFoundError
from repairlink.services import issues
from repairlink.services.auth import Principal
from repairlink.services.files import FileStore
from repairlink.store.uow import UnitOfWork


def read_document(
    uow: UnitOfWork, who: Principal, files: FileStore, issue_id: int, document_id: int
) -> tuple[Document, bytes]:
    """The document and its bytes; NotFound unless it is one of this visible issue's."""
    for document in issues.documents_of(uow, who, issue_id):
        if document.id == document_id:
            return document, files.read(document.storage_key)
    raise NotFoundError(
        "document.not_found", f"No document {document_id}", field="document_id", rule="C-01"
    )
