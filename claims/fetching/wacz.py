"""WACZ (Web Archive Collection Zipped, 1.1.1): a capture's WARC packaged with its index, its pages and a datapackage
whose digests a reader can check, as ReplayWeb.page and the Webrecorder tools read it.

A small writer on warcio rather than py-wacz (whose frictionless, boilerpy3 and cdxj-indexer dependencies would
be a large part of the runtime for one zip file); the tests validate what it writes with py-wacz's own validator.

Layout: ``archive/data.warc.gz`` (stored, not recompressed, so that index offsets stay byte offsets),
``indexes/index.cdx`` (CDXJ, one line per response, sorted), ``pages/pages.jsonl``, ``datapackage.json`` (each
file's SHA-256 and size) and ``datapackage-digest.json`` (the SHA-256 of datapackage.json), signed with the desk's
key as the WACZ signing spec's anonymous signature says: ECDSA P-384 over the digest's text, the public key beside
it, so that anyone holding the WACZ (ReplayWeb.page, ``verify_wacz``) can check who packed it and that nothing
changed since.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from warcio.archiveiterator import ArchiveIterator

WACZ_VERSION = "1.1.1"
SOFTWARE = "Fact Desk (claims.fetching.wacz)"
WARC_PATH = "archive/data.warc.gz"
#: A zip entry's fixed time (zip keeps no time zone): the capture time is in the datapackage instead, so the same
#: capture always packs to the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Packed:
    data: bytes
    sha256: str


def surt(url: str) -> str:
    """The Sort-friendly URI Reordering Transform the CDXJ index sorts by: ``org,example)/path?query``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    reversed_host = ",".join(reversed(host.split("."))) if host else ""
    path = parts.path or "/"
    query = f"?{'&'.join(sorted(parts.query.split('&')))}" if parts.query else ""
    return f"{reversed_host}{port}){path.lower()}{query.lower()}"


def _timestamp(value: str) -> str:
    """WARC-Date (ISO 8601) as the 14-digit CDX timestamp."""
    return "".join(ch for ch in value if ch.isdigit())[:14].ljust(14, "0")


def cdxj_lines(warc: bytes, filename: str = "data.warc.gz") -> list[str]:
    """One CDXJ line per response record of ``warc``, with its byte offset and length in the file."""
    lines = []
    iterator = ArchiveIterator(io.BytesIO(warc))
    for record in iterator:
        if record.rec_type != "response":
            record.content_stream().read()
            continue
        offset = iterator.get_record_offset()
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        date = record.rec_headers.get_header("WARC-Date") or ""
        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        status = record.http_headers.get_statuscode() if record.http_headers else ""
        mime = (
            (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip() if record.http_headers else ""
        )
        record.content_stream().read()
        length = iterator.get_record_length()
        fields = {
            "url": url,
            "mime": mime or "unk",
            "status": str(status),
            "digest": digest,
            "length": str(length),
            "offset": str(offset),
            "filename": filename,
        }
        lines.append(f"{surt(url)} {_timestamp(date)} {json.dumps(fields, ensure_ascii=False, separators=(',', ':'))}")
    return sorted(lines)


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def public_key_fingerprint(key: ec.EllipticCurvePublicKey) -> str:
    """The SHA-256 of the key's DER SubjectPublicKeyInfo, in hex: what `openssl pkey -pubin -outform DER |
    sha256sum` gives for the PEM the desk publishes."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


#: P-384's scalars are 48 bytes; the spec's signature is raw r‖s (IEEE P1363, what WebCrypto signs), not DER.
_SCALAR = 48


def sign_digest(digest: str, *, created: str, key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    """The ``signedData`` of an anonymous signature: the datapackage digest signed with ECDSA (P-384, SHA-256)."""
    r, s = decode_dss_signature(key.sign(digest.encode(), ec.ECDSA(hashes.SHA256())))
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "hash": digest,
        "created": created,
        "software": SOFTWARE,
        "publicKey": base64.b64encode(der).decode(),
        "signature": base64.b64encode(r.to_bytes(_SCALAR, "big") + s.to_bytes(_SCALAR, "big")).decode(),
    }


def write_wacz(
    warc: bytes,
    *,
    url: str,
    title: str,
    fetched_at: datetime,
    created: datetime | None = None,
    signing_key: ec.EllipticCurvePrivateKey | None = None,
) -> Packed:
    """The WACZ of one capture: its WARC, the index of its responses, its page and a checkable datapackage,
    signed when a key is given."""
    created = created or fetched_at
    index = ("\n".join(cdxj_lines(warc)) + "\n").encode()
    page = {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"{url} {_iso(fetched_at)}").hex, "url": url, "ts": _iso(fetched_at)}
    if title:
        page["title"] = title
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    pages = (json.dumps(header) + "\n" + json.dumps(page, ensure_ascii=False) + "\n").encode()
    files = {WARC_PATH: warc, "indexes/index.cdx": index, "pages/pages.jsonl": pages}
    package = {
        "profile": "data-package",
        "resources": [
            {"name": path.rsplit("/", 1)[-1], "path": path, "hash": _sha256(data), "bytes": len(data)}
            for path, data in files.items()
        ],
        "wacz_version": WACZ_VERSION,
        "software": SOFTWARE,
        "created": _iso(created),
        "title": title or url,
        "mainPageUrl": url,
        "mainPageDate": _iso(fetched_at),
    }
    datapackage = json.dumps(package, ensure_ascii=False, indent=2).encode()
    digest_fields: dict[str, object] = {"path": "datapackage.json", "hash": _sha256(datapackage)}
    if signing_key is not None:
        digest_fields["signedData"] = sign_digest(_sha256(datapackage), created=_iso(created), key=signing_key)
    digest = json.dumps(digest_fields, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in [*files.items(), ("datapackage.json", datapackage), ("datapackage-digest.json", digest)]:
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            # The WARC is gzipped already and must stay seekable by offset: stored; the text files deflated.
            info.compress_type = zipfile.ZIP_STORED if path == WARC_PATH else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    return Packed(data=data, sha256=hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Verification:
    """What ``verify_wacz`` found: ``problems`` is empty when every digest matches and the signature holds."""

    problems: tuple[str, ...]
    signed: bool
    #: The signing key's fingerprint (``public_key_fingerprint``), when the WACZ is signed.
    fingerprint: str
    #: ``datapackage.json``'s digest, and each packed file's, as the WACZ states them (and they were found).
    digests: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_wacz(data: bytes) -> Verification:
    """Check a WACZ as a reader would: each file against the datapackage, the datapackage against its digest, and
    the digest's signature against the public key it carries. An unsigned WACZ can be intact, never ``signed``."""
    problems: list[str] = []
    digests: dict[str, str] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        package_bytes = archive.read("datapackage.json")
        package = json.loads(package_bytes)
        digest = json.loads(archive.read("datapackage-digest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return Verification(problems=(f"not a readable WACZ: {exc}",), signed=False, fingerprint="", digests={})
    with archive:
        for resource in package.get("resources", []):
            path = resource.get("path", "")
            try:
                found = _sha256(archive.read(path))
            except KeyError:
                problems.append(f"{path} is listed but missing")
                continue
            if found != resource.get("hash"):
                problems.append(f"{path} does not match its digest")
            digests[path] = found
    digests["datapackage.json"] = _sha256(package_bytes)
    if digest.get("hash") != digests["datapackage.json"]:
        problems.append("datapackage.json does not match datapackage-digest.json")
    signed = digest.get("signedData")
    if not signed:
        return Verification(problems=tuple(problems), signed=False, fingerprint="", digests=digests)
    fingerprint = ""
    try:
        key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"], validate=True))
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP384R1):
            raise ValueError("the key is not an ECDSA P-384 key")
        fingerprint = public_key_fingerprint(key)
        raw = base64.b64decode(signed["signature"], validate=True)
        if len(raw) != 2 * _SCALAR:
            raise ValueError("the signature is not a P-384 r‖s pair")
        signature = encode_dss_signature(int.from_bytes(raw[:_SCALAR], "big"), int.from_bytes(raw[_SCALAR:], "big"))
        key.verify(signature, signed["hash"].encode(), ec.ECDSA(hashes.SHA256()))
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        problems.append(f"the signature cannot be read: {exc}")
    except InvalidSignature:
        problems.append("the signature does not match the digest")
    if signed.get("hash") != digest.get("hash"):
        problems.append("the signed digest is not the datapackage's")
    if signed.get("created") != package.get("created"):
        problems.append("the signature's time is not the package's")
    return Verification(problems=tuple(problems), signed=True, fingerprint=fingerprint, digests=digests)


def signer_fingerprint(handle: BinaryIO) -> str:
    """The fingerprint of the key that signed a WACZ (an open binary file), without reading its WARC; "" when it is
    unsigned or unreadable. For display: ``verify_wacz`` is the check."""
    try:
        with zipfile.ZipFile(handle) as archive:
            signed = json.loads(archive.read("datapackage-digest.json")).get("signedData") or {}
        key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"], validate=True))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, binascii.Error):
        return ""
    return public_key_fingerprint(key) if isinstance(key, ec.EllipticCurvePublicKey) else ""
