"""The archived copy (WARC) of a capture, redirects included, read back as the archived-copy view will."""

import gzip
import io

from warcio.archiveiterator import ArchiveIterator

from claims.fetching.archive import read_warc_response, write_warc
from claims.fetching.client import fetch

PAGE = "<html><head><title>خبر</title></head><body><p>نص المقال</p></body></html>".encode()


def records(warc: bytes) -> list[tuple[str, str]]:
    return [
        (record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "")
        for record in ArchiveIterator(io.BytesIO(warc))
    ]


def test_warc_holds_every_hop_of_a_redirect(server, policy):
    server.route("/old", status=301, headers=[("Location", "/new")])
    server.route("/new", body=PAGE)
    warc = write_warc(fetch(server.url("/old"), policy))
    assert records(warc) == [
        ("warcinfo", ""),
        ("response", server.url("/old")),
        ("request", server.url("/old")),
        ("response", server.url("/new")),
        ("request", server.url("/new")),
    ]
    assert read_warc_response(warc) == read_warc_response(warc, server.url("/new"))
    assert read_warc_response(warc, server.url("/old"))[0] == 301


def test_compressed_response_is_archived_compressed_and_read_back_decoded(server, policy):
    url = server.route(
        "/gz", body=gzip.compress(PAGE), headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    )
    status, headers, body = read_warc_response(write_warc(fetch(url, policy)))
    assert (status, body) == (200, PAGE)
    assert ("Content-Encoding", "gzip") in headers


def test_chunked_response_is_archived_so_it_reads_back_whole(server, policy):
    url = server.route("/chunks", chunks=[PAGE[:20], PAGE[20:]])
    assert read_warc_response(write_warc(fetch(url, policy)))[2] == PAGE


def test_request_record_names_our_user_agent_and_the_peer_address(server, policy):
    warc = write_warc(fetch(server.route("/p", body=PAGE), policy))
    request = next(r for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "request")
    assert request.http_headers.get_header("User-Agent").startswith("FactDesk-Capture/")
    assert request.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
