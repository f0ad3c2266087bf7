"""Files on an issue: kept in the file store and recorded as the issue's documents, in the
transaction of the use case that brought them (a report's photos, a quote's document, the
invoice and completion documents, C-07); and who may see which (C-01, C-10)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from repairlink.domain.agency import Role
from repairlink.domain.issues import Document, Issue, PayingForWork, Quote
from repairlink.errors import InvalidError
from repairlink.services.auth import Principal
from repairlink.services.files import FileStore
from repairlink.store.uow import UnitOfWork

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/heic")
# What the instructed party (and the reporter) may see; a quote's document is its contractor's.
OF_THE_JOB = ("photo", "invoice", "completion")
FOR_THE_REPORTER = ("photo", "completion")


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    content: bytes


def check_photos(photos: Iterable[Upload]) -> None:
    for photo in photos:
        if photo.content_type not in PHOTO_TYPES:
            raise InvalidError(
                "issue.photo_type",
                f"'{photo.filename}' is not a photo (JPEG, PNG, WebP, GIF or HEIC)",
                field="photos",
            )


def keep(
    uow: UnitOfWork,
    files: FileStore,
    issue: Issue,
    uploads: Iterable[tuple[str, Upload]],
    *,
    quote: Quote | None = None,
) -> list[Document]:
    """Store each (kind, upload) and record it on the issue, in the caller's transaction."""
    kept = []
    for kind, upload in uploads:
        key = files.save(uow.agency, upload.filename, upload.content)
        document = Document(
            agency_id=uow.agency,
            issue_id=issue.id,
            kind=kind,
            filename=upload.filename,
            content_type=upload.content_type,
            size=len(upload.content),
            storage_key=key,
            created_at=uow.now(),
            quote_id=quote.id if quote else None,
        )
        uow.add(document)
        kept.append(document)
    return kept


def may_see(who: Principal, issue: Issue, document: Document, quotes: dict[int, int]) -> bool:
    """Staff see every document. The instructed contractor sees the job's photos, invoice and
    completion documents; a contractor asked to quote, the photos; each contractor its own
    quote's document (`quotes`: quote id -> contractor id). The reporting occupier sees the
    photos and completion documents, and the invoice when the occupier pays for the work."""
    if who.is_staff:
        return True
    if document.kind == "quote":
        return who.role is Role.CONTRACTOR and quotes.get(document.quote_id or 0) == who.subject_id
    if who.role is Role.CONTRACTOR:
        instructed = issue.contractor_id == who.subject_id
        return document.kind in OF_THE_JOB if instructed else document.kind == "photo"
    if who.role is Role.OCCUPIER and issue.reporter_occupier_id == who.subject_id:
        pays = issue.paying_for_work is PayingForWork.OCCUPIER
        return document.kind in FOR_THE_REPORTER or (document.kind == "invoice" and pays)
    return False
