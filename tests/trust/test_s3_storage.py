"""Files on an S3-compatible object store (django-storages), tested against moto's S3 server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from requests_app.fixity.services import check_fixity
from requests_app.models.documents import store_blob
from tests.trust.conftest import World, stored_attachment
from tests.trust.services import free_port

moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
boto3 = pytest.importorskip("boto3")

BUCKET = "foi-originals"
KEYS = {"access_key": "testing", "secret_key": "testing"}


class S3Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=self.port)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
        )

    def reset(self) -> None:
        """moto keeps its buckets per process, not per server: start every test empty."""
        url = f"{self.endpoint}/moto-api/reset"
        request = urllib.request.Request(url, method="POST")  # noqa: S310 - our loopback server
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def read(self, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read())


@pytest.fixture
def s3(settings: Any) -> Iterator[S3Server]:
    server = S3Server()
    server.server.start()
    server.reset()
    server.client().create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": server.endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                **KEYS,
            },
        },
    }
    yield server
    server.server.stop()


def test_originals_are_stored_once_per_content_in_the_bucket(s3: S3Server) -> None:
    name, sha256, size = store_blob(io.BytesIO(b"%PDF-1.4 the reply"))
    again, _, _ = store_blob(io.BytesIO(b"%PDF-1.4 the reply"))
    assert name == again == f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert s3.read(name) == b"%PDF-1.4 the reply"
    listed = s3.client().list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [entry["Key"] for entry in listed] == [name]
    assert size == len(b"%PDF-1.4 the reply")


def test_a_download_streams_the_file_from_the_bucket(s3: S3Server, world: World) -> None:
    content = b"%PDF-1.4 " + bytes(range(256)) * 64
    attachment = stored_attachment(world.message, content, "figures.pdf")
    client = Client()
    client.force_login(world.owner)
    response = client.get(reverse("attachment_download", args=[attachment.pk, "figures.pdf"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")


def test_fixity_reads_the_bucket_and_notices_a_changed_or_missing_object(
    s3: S3Server, world: World
) -> None:
    assert check_fixity(notify=False).is_intact
    s3.client().put_object(Bucket=BUCKET, Key=world.attachment.file.name, Body=b"tampered")
    s3.client().delete_object(Bucket=BUCKET, Key=world.message.raw_email.name)
    report = check_fixity(notify=False)
    assert {(p["problem"], p["kind"]) for p in report.problems} == {
        ("mismatch", "attachment"),
        ("missing", "message"),
    }


def test_the_environment_alone_switches_storage_to_the_bucket(s3: S3Server, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FOI_S3_BUCKET": BUCKET,
        "FOI_S3_ENDPOINT_URL": s3.endpoint,
        "FOI_S3_REGION": "us-east-1",
        "FOI_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "FOI_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "FOI_VAR_DIR": str(tmp_path),
    }
    code = (
        "import io; from django.core.files.storage import default_storage as s; "
        "from requests_app.models.documents import store_blob; "
        "name = store_blob(io.BytesIO(b'from the environment'))[0]; "
        "print(s.__class__.__name__, name)"
    )
    output = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=django_settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    kind, name = output.split()
    assert kind == "S3Storage"
    assert s3.read(name) == b"from the environment"
