"""Where invoices and completion documents live, behind one small interface (`FileStore`):
a local folder by default (REPAIRLINK_FILES_DIR), or an S3-compatible bucket when workers on
several machines must share them (REPAIRLINK_FILES_S3_BUCKET; docs/operations.md).
Files are content-addressed per agency, so a retried upload never duplicates bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Protocol

from repairlink.errors import InvalidError, NotFoundError

MAX_BYTES = 25 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def key_for(agency_id: int, filename: str, content: bytes) -> str:
    """The file's key: its agency, its content's digest and a safe form of its name."""
    if not content:
        raise InvalidError("file.empty", "The file is empty", field="file")
    if len(content) > MAX_BYTES:
        raise InvalidError("file.too_large", "Files are limited to 25 MB", field="file")
    digest = hashlib.sha256(content).hexdigest()
    return f"{agency_id}/{digest[:2]}/{digest}-{_SAFE.sub('_', filename)[-80:]}"


def _missing() -> NotFoundError:
    return NotFoundError("file.missing", "The stored file is missing", field="file")


class FileStore(Protocol):
    def save(self, agency_id: int, filename: str, content: bytes) -> str:
        """Store the bytes; answers the key to read them by."""
        ...

    def read(self, key: str) -> bytes: ...

    def ready(self) -> None:
        """Raise when the store cannot be reached (the readiness probe)."""
        ...


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, agency_id: int, filename: str, content: bytes) -> str:
        key = key_for(agency_id, filename, content)
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
            raise _missing()
        return path.read_bytes()

    def ready(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)


class S3FileStore:
    """An S3-compatible bucket (AWS, MinIO, Ceph...); credentials come the usual boto3 ways
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        import boto3  # only when S3 is chosen: a local install never pays for it

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None
        )

    def save(self, agency_id: int, filename: str, content: bytes) -> str:
        key = key_for(agency_id, filename, content)
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=content)
        return key

    def read(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey as exc:
            raise _missing() from exc
        body: bytes = answer["Body"].read()
        return body

    def ready(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)
