"""WACZ (Web Archive Collection Zipped, 1.1.1): a capture's WARC packaged with its index, its pages and a datapackage
whose digests a reader can check, as ReplayWeb.page and the Webrecorder tools read it.

A small writer on warcio rather than py-wacz (whose frictionless, boilerpy3 and cdxj-indexer dependencies would
be a large part of the runtime for one zip file); the tests validate what it writes with py-wacz's own validator.

Layout: ``archive/data.warc.gz`` (stored, not recompressed, so that index offsets stay byte offsets),
``indexes/index.cdx`` (CDXJ, one line per response, sorted), ``pages/pages.jsonl``, ``datapackage.json`` (each
file's SHA-256 and size) and ``datapackage-digest.json`` (the SHA-256 of datapackage.json).
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

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


def write_wacz(warc: bytes, *, url: str, title: str, fetched_at: datetime, created: datetime | None = None) -> Packed:
    """The WACZ of one capture: its WARC, the index of its responses, its page and a checkable datapackage."""
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
    digest = json.dumps({"path": "datapackage.json", "hash": _sha256(datapackage)}, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in [*files.items(), ("datapackage.json", datapackage), ("datapackage-digest.json", digest)]:
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            # The WARC is gzipped already and must stay seekable by offset: stored; the text files deflated.
            info.compress_type = zipfile.ZIP_STORED if path == WARC_PATH else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    return Packed(data=data, sha256=hashlib.sha256(data).hexdigest())
