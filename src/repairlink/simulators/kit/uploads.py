"""Files posted to a simulator: kept as what a test needs to recognise them, never the bytes.

Name, content type, size and SHA-256 only, so a benchmark can post thousands of PDFs without
the simulator growing with them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from .errors import FieldError

CHUNK = 1 << 16


@dataclass(frozen=True)
class FileFacts:
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    description: str | None
    file: FileFacts
    uploaded_ms: int


async def digest(part: Any, field: str) -> FileFacts:
    """The facts of a file part; a 400 naming `field` if it is missing, not a file or empty."""
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
    return FileFacts(part.filename or "", content_type, size, hasher.hexdigest())
