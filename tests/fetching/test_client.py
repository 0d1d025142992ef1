"""The fetch client against real local HTTP servers: politeness, limits, redirects and the SSRF guard."""

import dataclasses
import gzip
import socket
import threading
import time

import pytest

from claims.fetching.client import fetch
from claims.fetching.errors import (
    ChallengePage,
    ContentTypeRefused,
    HTTPStatusError,
    InvalidURL,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnsafeDestination,
)
from tests.waiting import wait_for

PAGE = b"<html><head><title>A page</title></head><body><p>Hello</p></body></html>"


def test_page_is_fetched_with_a_user_agent_naming_the_product(server, policy):
    url = server.route("/page", body=PAGE)
    result = fetch(url, policy)
    assert (result.status, result.body, result.content_type) == (200, PAGE, "text/html")
    assert result.final_url == url and result.redirect_chain == []
    assert result.peer_address == "127.0.0.1"
    assert server.seen[0][1]["User-Agent"].startswith("FactDesk-Capture/1.0")
    assert result.headers["content-type"] == "text/html; charset=utf-8"


def test_redirect_chain_is_followed_and_recorded(server, policy):
    server.route("/old", status=301, headers=[("Location", "/moved")])
    server.route("/moved", status=302, headers=[("Location", server.url("/new"))])
    server.route("/new", body=PAGE)
    result = fetch(server.url("/old"), policy)
    assert result.final_url == server.url("/new")
    assert result.redirect_chain == [(server.url("/old"), 301), (server.url("/moved"), 302)]
    assert [exchange.status for exchange in result.exchanges] == [301, 302, 200]


def test_redirect_to_an_internal_address_is_refused_at_that_hop(server, internal_server, policy):
    internal_server.route("/admin", body=b"secret")
    server.route("/start", status=302, headers=[("Location", internal_server.url("/admin"))])
    with pytest.raises(UnsafeDestination) as caught:
        fetch(server.url("/start"), policy)
    assert "127.0.0.2" in caught.value.reason and "loopback" in caught.value.reason
    assert caught.value.reason.startswith(
        f"The redirect to {internal_server.url('/admin')} was refused because the "
        "address 127.0.0.2 is a loopback address"
    )
    assert internal_server.seen == []


def test_internal_ipv6_loopback_is_refused(policy):
    with pytest.raises(UnsafeDestination):
        fetch("http://[::1]:8080/", policy)


def test_a_port_that_is_not_a_web_port_is_refused_before_connecting(server, policy):
    url = server.route("/page", body=PAGE)
    with pytest.raises(UnsafeDestination, match=f"port {server.port}, which is not a web port") as caught:
        fetch(url, dataclasses.replace(policy, allowed_ports=()))
    assert not caught.value.transient
    assert server.seen == []


def test_a_port_allowed_explicitly_is_fetched(server, policy):
    url = server.route("/page", body=PAGE)
    result = fetch(url, dataclasses.replace(policy, allowed_ports=(range(server.port, server.port + 1),)))
    assert result.body == PAGE


def test_redirect_to_a_file_url_is_refused(server, policy):
    server.route("/start", status=302, headers=[("Location", "file:///etc/passwd")])
    with pytest.raises(InvalidURL, match="The redirect to file:///etc/passwd was refused because only http://"):
        fetch(server.url("/start"), policy)


def test_refused_redirect_target_is_recorded_in_the_chain_with_its_reason(server, policy):
    server.route("/start", status=301, headers=[("Location", "/next")])
    server.route("/next", status=302, headers=[("Location", "http://127.0.0.1:6379/")])
    with pytest.raises(UnsafeDestination) as caught:
        fetch(server.url("/start"), dataclasses.replace(policy, allowed_ports=(range(server.port, server.port + 1),)))
    reason = "the address uses port 6379, which is not a web port (80 or 443)"
    assert caught.value.reason.startswith(f"The redirect to http://127.0.0.1:6379/ was refused because {reason}")
    assert caught.value.redirect_chain == [
        (server.url("/start"), 301),
        (server.url("/next"), 302),
        (
            "http://127.0.0.1:6379/",
            None,
            f"T{reason[1:]}; fetching it could reach another kind of service, so it is refused.",
        ),
    ]


def test_a_failure_after_redirects_carries_the_redirects_followed(server, policy):
    server.route("/start", status=302, headers=[("Location", "/missing")])
    with pytest.raises(HTTPStatusError) as caught:
        fetch(server.url("/start"), policy)
    assert caught.value.redirect_chain == [(server.url("/start"), 302)]


def test_redirect_to_an_address_too_long_to_keep_is_refused_before_fetching_it(server, policy):
    long_path = "/" + "a" * 2100
    server.route(long_path, body=PAGE)
    server.route("/start", status=302, headers=[("Location", long_path)])
    with pytest.raises(InvalidURL) as caught:
        fetch(server.url("/start"), policy)
    target = server.url(long_path)
    assert caught.value.reason.startswith(
        f"The redirect to {target[:200]}… ({len(target):,} characters) was refused"
        f" because this address is {len(target)} characters long; the limit is 2000."
    )
    assert caught.value.redirect_chain[-1][:2] == (target, None)
    assert server.hits(long_path) == 0


def test_credentials_in_the_address_are_refused_before_any_request(server, policy):
    with pytest.raises(InvalidURL, match="password"):
        fetch(f"http://user:pw@127.0.0.1:{server.port}/", policy)
    assert server.seen == []


def test_file_url_is_refused(policy):
    with pytest.raises(InvalidURL):
        fetch("file:///etc/passwd", policy)


def test_too_many_redirects_stop_the_fetch(server, policy):
    server.route("/loop", status=302, headers=[("Location", "/loop")])
    with pytest.raises(TooManyRedirects, match="in a loop"):
        fetch(server.url("/loop"), policy)
    assert len(server.seen) == policy.max_redirects + 1


def test_not_found_is_not_worth_retrying(server, policy):
    with pytest.raises(HTTPStatusError) as caught:
        fetch(server.url("/missing"), policy)
    assert (caught.value.status, caught.value.transient) == (404, False)
    assert "not found" in caught.value.reason


def test_server_error_is_worth_retrying(server, policy):
    url = server.route("/broken", status=500, body=b"<p>Internal Server Error</p>")
    with pytest.raises(HTTPStatusError) as caught:
        fetch(url, policy)
    assert (caught.value.status, caught.value.transient) == (500, True)


def test_rate_limit_carries_the_retry_after_delay(server, policy):
    url = server.route("/busy", status=429, headers=[("Retry-After", "120")], body=b"slow down")
    with pytest.raises(HTTPStatusError) as caught:
        fetch(url, policy)
    assert caught.value.transient and caught.value.retry_after == 120.0


def test_slow_server_hits_the_read_timeout(server, policy):
    url = server.route("/slow", body=PAGE, delay=1.5)
    with pytest.raises(Timeout) as caught:
        fetch(url, dataclasses.replace(policy, read_timeout=0.3))
    assert caught.value.transient


def test_trickling_body_is_stopped_at_the_total_deadline(server, policy):
    url = server.route("/trickle", chunks=[b"<p>x</p>"] * 20, chunk_delay=0.2)
    with pytest.raises(Timeout, match="limit"):
        fetch(url, dataclasses.replace(policy, read_timeout=2.0, total_timeout=0.8))


def test_trickling_headers_are_cut_off_at_the_total_deadline(server, policy):
    # About 75 header bytes, one every 0.4 s: 30 s to send, far past the 1 s deadline, and each byte comes well
    # inside the read timeout, so only the total deadline can stop it.
    url = server.route("/drip", body=PAGE, header_byte_delay=0.4)
    with pytest.raises(Timeout, match="longer than the 1-second limit"):
        fetch(url, dataclasses.replace(policy, read_timeout=5.0, total_timeout=1.0))
    assert wait_for(lambda: server.httpd.hung_up == ["/drip"], timeout=20)
    assert server.httpd.answered == []


def test_trickling_headers_after_a_redirect_are_cut_off_at_the_total_deadline(server, policy):
    server.route("/start", status=302, headers=[("Location", "/drip")])
    server.route("/drip", body=PAGE, header_byte_delay=0.4)
    with pytest.raises(Timeout, match="longer than the 1-second limit"):
        fetch(server.url("/start"), dataclasses.replace(policy, read_timeout=5.0, total_timeout=1.0))
    assert wait_for(lambda: (server.httpd.hung_up, server.httpd.answered) == (["/drip"], ["/start"]), timeout=20)


@pytest.fixture
def tls_trickler():
    """A TCP server on 127.0.0.1 that answers a TLS hello with the header of a 16,000-byte record, then sends
    its bytes one every 0.4 s: a handshake that would take over an hour, each byte well inside any socket timeout.
    Yields (port, outcome), outcome["hung_up"] set when the client closed the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    outcome = {}

    def serve():
        connection, _address = listener.accept()
        with connection:
            connection.recv(4096)  # the ClientHello
            try:
                connection.sendall(b"\x16\x03\x03\x3e\x80")
                for _byte in range(100):  # 40 s at most, whatever happens
                    connection.sendall(b"\x00")
                    time.sleep(0.4)
            except (BrokenPipeError, ConnectionResetError):
                outcome["hung_up"] = True

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], outcome
    listener.close()


def test_trickling_tls_handshake_is_cut_off_at_the_total_deadline(tls_trickler, policy):
    # CPython's ssl module times the handshake as a whole (here by the connect timeout, capped by what is left of
    # the deadline), and the deadline's timer would cut it too: either way it ends at the deadline.
    port, outcome = tls_trickler
    with pytest.raises(Timeout, match="longer than the 1-second limit"):
        fetch(f"https://127.0.0.1:{port}/", dataclasses.replace(policy, read_timeout=5.0, total_timeout=1.0))
    assert wait_for(lambda: outcome.get("hung_up"), timeout=20)


def test_declared_size_over_the_cap_is_refused_before_reading(server, policy):
    url = server.route("/huge", body=b"x" * 2000)
    with pytest.raises(TooLarge, match="limit"):
        fetch(url, dataclasses.replace(policy, max_bytes=1000))


def test_undeclared_size_over_the_cap_is_stopped_while_streaming(server, policy):
    url = server.route("/huge", body=b"x" * 500_000, declare_length=False)
    with pytest.raises(TooLarge, match="reading was stopped"):
        fetch(url, dataclasses.replace(policy, max_bytes=100_000))


def test_chunked_body_over_the_cap_is_stopped_while_streaming(server, policy):
    url = server.route("/chunks", chunks=[b"x" * 50_000] * 10)
    with pytest.raises(TooLarge):
        fetch(url, dataclasses.replace(policy, max_bytes=120_000))


def test_gzip_bomb_stops_at_the_cap_on_decompressed_size(server, policy):
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < policy.max_bytes
    url = server.route("/bomb", body=bomb, headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    with pytest.raises(TooLarge):
        fetch(url, policy)


def test_gzipped_page_is_decoded_and_kept_compressed_for_the_archive(server, policy):
    packed = gzip.compress(PAGE)
    url = server.route("/gz", body=packed, headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    result = fetch(url, policy)
    assert result.body == PAGE
    assert result.exchanges[-1].raw_body == packed


def test_image_is_refused_by_content_type(server, policy):
    url = server.route("/photo.png", body=b"\x89PNG\r\n", headers=[("Content-Type", "image/png")])
    with pytest.raises(ContentTypeRefused, match="image/png"):
        fetch(url, policy)


def test_cloudflare_challenge_is_a_challenge_not_an_http_error(server, policy):
    html = (
        b"<html><head><title>Just a moment...</title></head><body><h1>Checking your browser before "
        b"accessing the site.</h1><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script>"
        b"</body></html>"
    )
    url = server.route("/article", status=503, body=html)
    with pytest.raises(ChallengePage) as caught:
        fetch(url, policy)
    assert caught.value.status == 503 and "bot check" in caught.value.reason


def fixed_resolver(*answers):
    """Resolves every name to the next address in `answers` (the last one repeats), counting calls."""
    calls = []

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        address = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    resolve.calls = calls
    return resolve


def test_dns_rebinding_cannot_move_the_connection_after_the_check(server, policy):
    server.route("/page", body=PAGE)
    resolver = fixed_resolver("127.0.0.1", "127.0.0.2")  # a second lookup would answer an internal address
    result = fetch(f"http://rebind.test:{server.port}/page", dataclasses.replace(policy, resolver=resolver))
    assert result.status == 200 and result.peer_address == "127.0.0.1"
    assert resolver.calls == ["rebind.test"]
    assert server.seen[0][1]["Host"] == f"rebind.test:{server.port}"


def test_each_redirect_hop_is_resolved_once_and_checked(server, internal_server, policy):
    internal_server.route("/next", body=b"secret")
    server.route("/first", status=302, headers=[("Location", f"http://rebind.test:{server.port}/next")])
    server.route("/next", body=PAGE)
    resolver = fixed_resolver("127.0.0.1", "127.0.0.2")
    with pytest.raises(UnsafeDestination):
        fetch(f"http://rebind.test:{server.port}/first", dataclasses.replace(policy, resolver=resolver))
    assert resolver.calls == ["rebind.test", "rebind.test"]
    assert [path for path, _headers in server.seen] == ["/first"]
    assert internal_server.seen == []


def test_a_conditional_get_sends_the_validators_and_a_304_is_a_result(server, policy):
    url = server.route("/feed", status=304, body=b"", headers=[("ETag", '"v2"')])
    result = fetch(url, policy, etag='"v1"', last_modified="Sat, 28 Nov 2026 10:00:00 GMT")
    sent = server.seen[0][1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Sat, 28 Nov 2026 10:00:00 GMT"
    assert (result.status, result.body, result.headers["etag"]) == (304, b"", '"v2"')


def test_a_304_to_an_unconditional_get_is_still_an_error(server, policy):
    url = server.route("/odd", status=304, body=b"", headers=[])
    with pytest.raises(HTTPStatusError):
        fetch(url, policy)
    assert "If-None-Match" not in server.seen[0][1]


def test_validators_with_line_breaks_are_not_sent(server, policy):
    url = server.route("/feed", body=PAGE)
    fetch(url, policy, etag='"v1"\r\nX-Injected: 1')
    assert "If-None-Match" not in server.seen[0][1] and "X-Injected" not in server.seen[0][1]
