"""Integrity shown: each capture's content digest and its WARC's digest are on the desk's capture page, in the API and
on the public archived-copy page, and the WARC digest is that of the file exactly as anyone downloads it."""

import hashlib

import pytest
from django.urls import reverse

from claims.models import Evidence
from claims.services.captures import run_capture
from tests.capturing import english_page, queued_capture
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

PAGE = english_page("About 2,000 fighters.")


@pytest.fixture
def captured(db, server, fetch_settings):
    capture = run_capture(capture_id=queued_capture(server.route("/story", body=PAGE)).pk)
    assert capture.state == "done"
    return capture


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_desk_and_the_api_show_digests_a_download_confirms(captured, client, api, editor):
    warc = downloaded(api.get(f"/api/v1/captures/{captured.pk}/warc/"))
    assert captured.warc_sha256 == hashlib.sha256(warc).hexdigest()
    assert captured.sha256 == hashlib.sha256(PAGE).hexdigest()
    data = api.get(f"/api/v1/sources/{captured.source_id}/captures/").json()
    row = data["results"][0] if isinstance(data, dict) else data[0]
    assert (row["sha256"], row["warc_sha256"]) == (captured.sha256, captured.warc_sha256)
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[captured.pk])).content.decode()
    assert "WARC digest (SHA-256)" in page and captured.warc_sha256 in page and captured.sha256 in page


def test_the_public_archived_copy_shows_both_digests_in_both_languages(captured, client):
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=captured.source, stance="supports")
    path = reverse("public:archive", args=[claim.pk, captured.source_id])
    page = client.get(path).content.decode()
    assert captured.sha256 in page and captured.warc_sha256 in page and "sha256sum" in page
    assert hashlib.sha256(downloaded(client.get(captured.warc.url))).hexdigest() == captured.warc_sha256
    assert captured.wacz.url in page and captured.wacz_sha256 in page
    assert hashlib.sha256(downloaded(client.get(captured.wacz.url))).hexdigest() == captured.wacz_sha256
    arabic = client.get("/ar" + path).content.decode()
    assert "بصمة ملف WARC" in arabic and captured.warc_sha256 in arabic


def test_each_capture_is_packaged_as_a_wacz_that_the_webrecorder_validator_accepts(
    captured, api, client, editor, tmp_path
):
    """py-wacz's own validator (the `wacz validate` command) checks the zip, the datapackage and every digest."""
    import json
    import shutil
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    row = api.get(f"/api/v1/sources/{captured.source_id}/captures/").json()
    row = row["results"][0] if isinstance(row, dict) else row[0]
    assert row["wacz_url"] == f"http://testserver{captured.wacz.url}"
    client.force_login(editor)
    response = client.get(captured.wacz.url)
    assert response.status_code == 200 and response["Content-Type"] == "application/wacz"
    wacz = downloaded(response)
    assert hashlib.sha256(wacz).hexdigest() == captured.wacz_sha256 == row["wacz_sha256"]
    path = tmp_path / "capture.wacz"
    path.write_bytes(wacz)
    validator = shutil.which("wacz", path=str(Path(sys.executable).parent))
    assert validator, "py-wacz (requirements-dev.txt) provides the `wacz` command"
    result = subprocess.run([validator, "validate", "-f", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "valid" in result.stdout, result.stdout + result.stderr

    with zipfile.ZipFile(path) as archive:
        assert archive.read("archive/data.warc.gz") == downloaded(api.get(f"/api/v1/captures/{captured.pk}/warc/"))
        [page] = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()[1:]]
        assert page["url"] == captured.final_url
        [index] = archive.read("indexes/index.cdx").decode().splitlines()
        assert json.loads(index.split(" ", 2)[2])["url"] == captured.final_url

    broken = tmp_path / "broken.wacz"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "archive/data.warc.gz":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]  # one bit changed
            target.writestr(info, data)
    refused = subprocess.run([validator, "validate", "-f", str(broken)], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0  # a copy changed after packing fails its digests
