"""The archived copy of a capture: a gzipped WARC file written and read with warcio."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claims.fetching.client import Exchange, FetchResult

SOFTWARE = "claims.fetching (warcio)"


def write_warc(result: FetchResult) -> bytes:
    """A gzipped WARC: a warcinfo record, then a request and a response record for every hop (redirects
    first, the final page last), each response holding the body exactly as received."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    info = {"software": SOFTWARE, "format": "WARC File Format 1.1", "requested-url": result.requested_url}
    writer.write_record(writer.create_warcinfo_record("capture.warc.gz", info))
    for exchange in result.exchanges:
        request = _request_record(writer, exchange)
        response = _response_record(writer, exchange)
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(response)
        writer.write_record(request)
    return buffer.getvalue()


def _request_record(writer: WARCWriter, exchange: Exchange) -> Any:  # a warcio record; warcio has no types
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    http_headers = StatusAndHeaders(
        f"{exchange.method} {target} {exchange.http_version}", exchange.request_headers, is_http_request=True
    )
    return writer.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=http_headers,
        warc_headers_dict=_warc_headers(exchange),
    )


def _response_record(writer: WARCWriter, exchange: Exchange) -> Any:
    headers, payload = _as_transmitted(exchange)
    http_headers = StatusAndHeaders(
        f"{exchange.status} {exchange.reason}".strip(), headers, protocol=exchange.http_version
    )
    warc_headers = _warc_headers(exchange)
    if exchange.truncated:
        warc_headers["WARC-Truncated"] = "length"
    return writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


def _as_transmitted(exchange: Exchange) -> tuple[list[tuple[str, str]], bytes]:
    """urllib3 hands us the body with any chunked framing removed; put one chunk's framing back so the
    record stays consistent with its Transfer-Encoding header and replays correctly."""
    chunked = any(
        name.lower() == "transfer-encoding" and "chunked" in value.lower() for name, value in exchange.response_headers
    )
    body = exchange.raw_body
    if chunked:
        body = (b"%x\r\n" % len(body) + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    return list(exchange.response_headers), body


def _warc_headers(exchange: Exchange) -> dict[str, str]:
    headers = {"WARC-Date": exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if exchange.peer_address and exchange.peer_address != "None":
        headers["WARC-IP-Address"] = exchange.peer_address
    return headers


def read_warc_response(data: bytes, url: str | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, decoded body) of the last response record in a WARC, or of the one for `url`."""
    found = None
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type != "response":
            continue
        if url is None or record.rec_headers.get_header("WARC-Target-URI") == url:
            found = (
                int(record.http_headers.get_statuscode()),
                list(record.http_headers.headers),
                record.content_stream().read(),
            )
    if found is None:
        raise ValueError("The archive holds no response record" + (f" for {url}." if url else "."))
    return found
