"""A signed WACZ: each capture's datapackage digest carries the desk's ECDSA P-384 signature (the WACZ signing spec's
anonymous signature), anyone can check it against the key at /archive-key.pem, and a changed copy fails."""

import base64
import hashlib
import io
import json
import shutil
import stat
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.urls import reverse

from claims.fetching import wacz as W
from claims.models import Evidence
from claims.services import captures as C
from claims.services.captures import run_capture
from tests.capturing import english_page, html_warc, queued_capture
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

PAGE = english_page("About 2,000 fighters.")
WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _warc() -> bytes:
    return html_warc("https://example.org/a", fetched_at=WHEN)


def _signed(key=None) -> bytes:
    key = key or W.new_signing_key()
    return W.write_wacz(_warc(), url="https://example.org/a", title="A", fetched_at=WHEN, signing_key=key).data


def _replace(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info, change(body) if info.filename == name else body)
    return out.getvalue()


def _validate(tmp_path, data: bytes, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "check.wacz"
    path.write_bytes(data)
    validator = shutil.which("wacz", path=str(Path(sys.executable).parent))
    assert validator, "py-wacz (requirements-dev.txt) provides the `wacz` command"
    return subprocess.run([validator, "validate", "-f", str(path), *args], capture_output=True, text=True, timeout=120)


def test_a_signed_wacz_verifies_and_names_its_key():
    key = W.new_signing_key()
    checked = W.verify_wacz(_signed(key))
    assert checked.ok and checked.signed, checked.problems
    assert checked.fingerprint == W.public_key_fingerprint(key.public_key())


def test_the_signature_is_the_specs_ecdsa_p384_over_the_digest_text():
    """The form ReplayWeb.page checks with WebCrypto: base64 SPKI key, base64 raw r‖s, over the "sha256:…" text."""
    data = _signed()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        digest = json.loads(archive.read("datapackage-digest.json"))
        package = json.loads(archive.read("datapackage.json"))
    signed = digest["signedData"]
    assert set(signed) == {"hash", "created", "software", "publicKey", "signature"}
    assert signed["hash"] == digest["hash"] and signed["created"] == package["created"]
    key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
    assert key.curve.name == "secp384r1" and len(base64.b64decode(signed["signature"])) == 96


def test_the_webrecorder_validator_accepts_a_signed_wacz(tmp_path):
    """py-wacz checks every digest and that the signature's time is the package's; the signature itself it can
    only check for domain (certificate) signatures, through authsign, so ours is checked by verify_wacz."""
    result = _validate(tmp_path, _signed())
    assert result.returncode == 0 and "valid" in result.stdout, result.stdout + result.stderr
    assert "Has signature" in result.stdout


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("archive/data.warc.gz", lambda b: b[:50] + bytes([b[50] ^ 1]) + b[51:], "archive/data.warc.gz does not match"),
        ("datapackage.json", lambda b: b.replace(b'"title": "A"', b'"title": "B"'), "datapackage.json does not match"),
    ],
)
def test_a_changed_wacz_fails_verification(tmp_path, name, change, problem):
    tampered = _replace(_signed(), name, change)
    checked = W.verify_wacz(tampered)
    assert not checked.ok and any(problem in p for p in checked.problems), checked.problems
    assert _validate(tmp_path, tampered).returncode != 0


def test_a_digest_recomputed_after_a_change_fails_its_signature():
    """Whoever rewrites datapackage.json and its digest cannot re-sign it without the desk's key."""
    data = _signed()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        package = archive.read("datapackage.json").replace(b'"title": "A"', b'"title": "B"')
        digest = json.loads(archive.read("datapackage-digest.json"))
    digest["hash"] = "sha256:" + hashlib.sha256(package).hexdigest()
    digest["signedData"]["hash"] = digest["hash"]
    tampered = _replace(data, "datapackage.json", lambda _b: package)
    tampered = _replace(tampered, "datapackage-digest.json", lambda _b: json.dumps(digest).encode())
    checked = W.verify_wacz(tampered)
    assert checked.problems == ("the signature does not match the digest",)


def test_an_unsigned_wacz_is_intact_but_not_signed():
    checked = W.verify_wacz(W.write_wacz(_warc(), url="https://example.org/a", title="A", fetched_at=WHEN).data)
    assert checked.ok and not checked.signed and checked.fingerprint == ""


def test_the_key_file_is_created_once_private_to_its_owner(settings, tmp_path):
    settings.WACZ_SIGNING_KEY = ""
    settings.WACZ_SIGNING_KEY_FILE = tmp_path / "keys" / "wacz_signing_key.pem"
    first = C.archive_public_key()
    assert stat.S_IMODE(settings.WACZ_SIGNING_KEY_FILE.stat().st_mode) == 0o600
    C._key_from.cache_clear()
    assert C.archive_public_key() == first  # read back, not replaced


def test_a_key_given_in_the_setting_is_used(settings):
    key = W.new_signing_key()
    settings.WACZ_SIGNING_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert C.archive_key_fingerprint() == W.public_key_fingerprint(key.public_key())


@pytest.fixture
def published_capture(db, server, fetch_settings):
    capture = run_capture(capture_id=queued_capture(server.route("/story", body=PAGE)).pk)
    assert capture.state == "done"
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=capture.source, stance="supports")
    return claim, capture


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_each_capture_is_signed_with_the_key_the_desk_publishes(published_capture, client, editor):
    claim, capture = published_capture
    pem = client.get("/archive-key.pem")
    assert pem.status_code == 200 and pem["Content-Type"] == "application/x-pem-file"
    published = serialization.load_pem_public_key(pem.content)
    checked = W.verify_wacz(downloaded(client.get(capture.wacz.url)))
    assert checked.ok and checked.signed and checked.fingerprint == W.public_key_fingerprint(published)
    page = client.get(reverse("public:archive", args=[claim.pk, capture.source_id])).content.decode()
    assert checked.fingerprint in page and 'href="/archive-key.pem"' in page
    client.force_login(editor)
    assert checked.fingerprint in client.get(reverse("desk:capture", args=[capture.pk])).content.decode()


def test_the_validator_finds_the_digests_the_archived_copy_shows(published_capture, client, tmp_path):
    """Integrity shown: the WACZ downloaded from the public page passes py-wacz's validator, and the digests it
    checks are the ones the page prints (the WACZ's own, and the WARC's, listed in its datapackage)."""
    claim, capture = published_capture
    page = client.get(reverse("public:archive", args=[claim.pk, capture.source_id])).content.decode()
    wacz = downloaded(client.get(capture.wacz.url))
    result = _validate(tmp_path, wacz)
    assert result.returncode == 0 and "valid" in result.stdout, result.stdout + result.stderr
    assert hashlib.sha256(wacz).hexdigest() == capture.wacz_sha256 and capture.wacz_sha256 in page
    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        package = json.loads(archive.read("datapackage.json"))
    listed = {resource["path"]: resource["hash"] for resource in package["resources"]}
    assert listed["archive/data.warc.gz"] == f"sha256:{capture.warc_sha256}" and capture.warc_sha256 in page
    assert W.verify_wacz(wacz).digests["archive/data.warc.gz"] == listed["archive/data.warc.gz"]
    assert capture.sha256 == hashlib.sha256(PAGE).hexdigest() and capture.sha256 in page


def test_the_signer_is_read_from_the_wacz_once_not_on_every_view(published_capture, client, monkeypatch):
    from claims.services import replay

    claim, capture = published_capture
    replay._signer_by_digest.cache_clear()
    reads = []
    real_read = replay._read_signer
    monkeypatch.setattr(replay, "_read_signer", lambda name: reads.append(name) or real_read(name))
    path = reverse("public:archive", args=[claim.pk, capture.source_id])
    fingerprint = C.archive_key_fingerprint()
    for address in (path, "/ar" + path, path + "?again=1"):
        assert fingerprint in client.get(address).content.decode()
    assert reads == [capture.wacz.name]
