"""A local file store for invoices and completion documents (folder set by REPAIRLINK_FILES_DIR).
Files are content-addressed per agency, so a retried upload never duplicates bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from repairlink.errors import InvalidError, NotFoundError

MAX_BYTES = 25 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, agency_id: int, filename: str, content: bytes) -> str:
        if not content:
            raise InvalidError("file.empty", "The file is empty", field="file")
        if len(content) > MAX_BYTES:
            raise InvalidError("file.too_large", "Files are limited to 25 MB", field="file")
        digest = hashlib.sha256(content).hexdigest()
        key = f"{agency_id}/{digest[:2]}/{digest}-{_SAFE.sub('_', filename)[-80:]}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(content)
            tmp.replace(path)
        return key

    def read(self, key: str) -> bytes:
        path = self.root / key
        if not path.is_file():
            raise NotFoundError("file.missing", "The stored file is missing", field="file")
        return path.read_bytes()
