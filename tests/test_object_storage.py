"""Stored files on S3-compatible object storage (S3_BUCKET): a real capture writes its WARC to the bucket of a local
S3 server, not to the disk, and the desk, the API and readers get the same bytes back through the views that check
who may see each file; a file lost from the bucket is a 404, never a 500. The settings switch backends by
environment and refuse a combination that cannot work."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from claims.models import Evidence
from claims.services.captures import run_capture
from tests.capturing import english_page, queued_capture
from tests.objectstore import s3  # noqa: F401 (a fixture)
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

ROOT = Path(__file__).resolve().parent.parent


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def captured(db, s3, server, fetch_settings):  # noqa: F811 (the s3 fixture)
    capture = run_capture(capture_id=queued_capture(server.route("/story", body=english_page("About 2,000."))).pk)
    assert capture.state == "done" and capture.warc
    return capture


def test_a_capture_writes_its_warc_to_the_bucket_and_not_to_the_disk(captured, s3, settings):  # noqa: F811
    assert captured.warc.name in s3.object_keys()
    assert s3.read(captured.warc.name)[:2] == b"\x1f\x8b"  # a gzipped WARC
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_the_desk_and_the_api_download_the_warc_from_the_bucket(captured, s3, client, api, editor):  # noqa: F811
    stored = s3.read(captured.warc.name)
    client.force_login(editor)
    for getter, path in (
        (client, reverse("desk:capture_warc", args=[captured.pk])),
        (api, f"/api/v1/captures/{captured.pk}/warc/"),
        (client, captured.warc.url),
    ):
        response = getter.get(path)
        assert response.status_code == 200, path
        assert streamed(response) == stored and "attachment" in response["Content-Disposition"]
    archived = client.get(reverse("desk:capture_archived", args=[captured.pk]))
    assert archived.status_code == 200 and "About 2,000." in archived.content.decode()


def test_readers_get_only_the_public_copy_from_the_bucket(captured, s3, client):  # noqa: F811
    assert client.get(captured.warc.url).status_code == 404  # no published claim cites it yet
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=captured.source, stance="supports")
    response = client.get(captured.warc.url)
    assert response.status_code == 200 and streamed(response) == s3.read(captured.warc.name)


def test_a_file_lost_from_the_bucket_is_not_found(captured, s3, client, editor):  # noqa: F811
    s3.client().delete_object(Bucket=s3.bucket, Key=captured.warc.name)
    client.force_login(editor)
    assert client.get(reverse("desk:capture_warc", args=[captured.pk])).status_code == 404


PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; "
    "print(json.dumps({'backend': type(storages['default']).__name__, "
    "'options': settings.STORAGES['default'].get('OPTIONS', {})}))"
)


def probe(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_") and k != "FILES_SENDFILE"}
    base.update({"DJANGO_SETTINGS_MODULE": "project.settings", "DATA_DIR": str(tmp_path), "DEBUG": "1"}, **env)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def test_the_disk_by_default_and_the_bucket_when_one_is_named(tmp_path):
    local = probe(tmp_path)
    assert local.returncode == 0, local.stderr
    assert json.loads(local.stdout)["backend"] == "FileSystemStorage"
    remote = probe(tmp_path, S3_BUCKET="desk-files", S3_ENDPOINT_URL="http://127.0.0.1:9000", S3_PREFIX="prod")
    assert remote.returncode == 0, remote.stderr
    got = json.loads(remote.stdout)
    assert got["backend"] == "PrivateS3Storage"
    assert got["options"]["bucket_name"] == "desk-files" and got["options"]["location"] == "prod"
    assert got["options"]["default_acl"] is None and got["options"]["file_overwrite"] is False


def test_sendfile_with_a_bucket_is_refused_with_both_names(tmp_path):
    result = probe(tmp_path, S3_BUCKET="desk-files", FILES_SENDFILE="x-accel-redirect")
    assert result.returncode != 0 and "FILES_SENDFILE" in result.stderr and "S3_BUCKET" in result.stderr


def test_a_files_address_is_the_checked_view_never_a_signed_link_into_the_bucket(captured, s3):  # noqa: F811
    assert captured.warc.url == f"/files/{captured.warc.name}"
    assert "Signature" not in captured.warc.url and s3.endpoint not in captured.warc.url
