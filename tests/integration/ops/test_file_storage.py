"""Issue 14, item 10: documents through a storage interface; the local folder by default, an
S3-compatible bucket as the option for several machines, proven against a local S3 server
(moto's server mode on 127.0.0.1, over real HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from repairlink.bootstrap import file_store
from repairlink.errors import InvalidError, NotFoundError
from repairlink.services.files import LocalFileStore, S3FileStore
from repairlink.settings import Settings

BUCKET = "repairlink-documents"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    # port 0: the OS picks one as it binds (a probed port could be taken first, and moto's
    # start then waits for ever)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield "http://{}:{}".format(*server.get_host_and_port())
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    return Settings(
        files_dir=tmp_path / "unused",
        files_s3_bucket=BUCKET,
        files_s3_prefix="agency-docs",
        files_s3_endpoint_url=s3_endpoint,
        files_s3_region="eu-west-2",
    )


def test_the_local_folder_is_the_default(tmp_path: Path) -> None:
    store = file_store(Settings(files_dir=tmp_path))
    assert isinstance(store, LocalFileStore)
    key = store.save(3, "invoice.pdf", b"%PDF-1.4 local")
    assert store.read(key) == b"%PDF-1.4 local"
    assert (tmp_path / key).is_file()


def test_documents_go_to_an_s3_bucket_and_come_back(s3_settings: Settings, tmp_path: Path) -> None:
    store = file_store(s3_settings)
    assert isinstance(store, S3FileStore)
    store.ready()
    key = store.save(3, "boiler certificate.pdf", b"%PDF-1.4 gas safe")
    assert key.startswith("3/")
    assert key.endswith("-boiler_certificate.pdf")
    assert store.save(3, "boiler certificate.pdf", b"%PDF-1.4 gas safe") == key  # same bytes
    # a second machine (a second client) reads what the first stored
    assert file_store(s3_settings).read(key) == b"%PDF-1.4 gas safe"
    assert not (tmp_path / "unused").exists()  # nothing on the local disk
    listed = boto3.client(
        "s3", endpoint_url=s3_settings.files_s3_endpoint_url, region_name="eu-west-2"
    ).list_objects_v2(Bucket=BUCKET, Prefix="agency-docs/3/")
    assert [o["Key"] for o in listed["Contents"]] == [f"agency-docs/{key}"]


def test_a_missing_or_empty_file_is_refused_in_words(s3_settings: Settings) -> None:
    store = file_store(s3_settings)
    with pytest.raises(NotFoundError, match="missing"):
        store.read("3/ab/none.pdf")
    with pytest.raises(InvalidError, match="empty"):
        store.save(3, "empty.pdf", b"")


def test_an_unreachable_bucket_fails_readiness(s3_settings: Settings) -> None:
    store = file_store(s3_settings.model_copy(update={"files_s3_bucket": "no-such-bucket"}))
    with pytest.raises(ClientError, match="404"):  # boto3's own: readiness says not ready
        store.ready()
