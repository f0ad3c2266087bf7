"""Files posted to the simulator: works-order documents and charges' invoice documents.

Only what a test needs to recognise a file is kept (name, type, size, SHA-256), never the
bytes, so a benchmark can post thousands of PDFs without the simulator growing with them.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from . import clock
from .fields import FieldError

DOCUMENT_ID_BASE = 80_000_000
CHUNK = 1 << 16


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    description: str | None
    content_type: str
    size: int
    sha256: str
    uploaded_ms: int

    def public(self) -> dict[str, Any]:
        """As the API shows it: Alto's camelCase, the id a string as in its schemas."""
        return {
            "id": str(self.id),
            "name": self.name,
            "description": self.description,
            "contentType": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "uploadedDate": clock.to_alto(self.uploaded_ms),
        }


async def digest(part: Any, field: str) -> tuple[str, str, int, str]:
    """(file name, content type, size, sha256) of a file part; a 400 if it is not one."""
    if part is None:
        raise FieldError(field, "is required (a file part).")
    if not isinstance(part, UploadFile):
        raise FieldError(field, "must be a file part (multipart/form-data with a filename).")
    hasher, size = hashlib.sha256(), 0
    while chunk := await part.read(CHUNK):
        hasher.update(chunk)
        size += len(chunk)
    if size == 0:
        raise FieldError(field, "is empty.")
    content_type = part.content_type or "application/octet-stream"
    return part.filename or "", content_type, size, hasher.hexdigest()


class Documents:
    def __init__(self) -> None:
        self._next = DOCUMENT_ID_BASE
        self.by_id: dict[int, Document] = {}
        # Handlers run on the server's event loop; the lock is for readers in other threads.
        self._lock = threading.Lock()

    def add(
        self,
        facts: tuple[str, str, int, str],
        name: str | None,
        description: str | None,
        now_ms: int,
    ) -> Document:
        filename, content_type, size, sha256 = facts
        with self._lock:
            document = Document(
                self._next, name or filename, description, content_type, size, sha256, now_ms
            )
            self.by_id[document.id] = document
            self._next += 1
            return document
