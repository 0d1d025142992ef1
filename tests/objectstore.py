"""An S3-protocol server on loopback for the object-storage tests: moto's standalone server, in a thread of the test
process, reachable by the processes a test starts too. Nothing reaches AWS."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

BUCKET = "fact-desk-files"


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str = BUCKET
    access_key: str = "test-access-key"
    secret_key: str = "test-secret-key"
    region: str = "us-east-1"

    def client(self):  # type: ignore[no-untyped-def]
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def object_keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    @property
    def env(self) -> dict[str, str]:
        """The settings of project/settings.py that put stored files in this bucket."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": self.region,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_ADDRESSING_STYLE": "path",
        }

    @property
    def storage(self) -> dict[str, object]:
        """The STORAGES["default"] those settings make."""
        return {
            "BACKEND": "project.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": self.endpoint,
                "region_name": self.region,
                "access_key": self.access_key,
                "secret_key": self.secret_key,
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
            },
        }


@contextmanager
def object_store() -> Iterator[ObjectStore]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        store = ObjectStore(endpoint=f"http://{host}:{port}")
        store.client().create_bucket(Bucket=store.bucket)
        yield store
    finally:
        server.stop()


@pytest.fixture
def s3(settings) -> Iterator[ObjectStore]:
    """This test's stored files go to a fresh bucket of a local S3 server (STORAGES swapped for the test)."""
    with object_store() as store:
        settings.STORAGES = {**settings.STORAGES, "default": store.storage}
        yield store
