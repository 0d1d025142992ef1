"""Browser captures (claims/fetching/browser.py) in Debian's Chromium against local servers: every request passes
the SSRF guard, every response lands in the WARC, script-built pages give their text, and the limits hold."""

import dataclasses
import io
import os
import socket
import threading

import pytest
from warcio.archiveiterator import ArchiveIterator

from claims.fetching import browser
from claims.fetching.errors import ChallengePage, FetchError, Timeout
from claims.fetching.memory_watch import MemoryWatch, browser_processes
from claims.fetching.pipeline import capture as plain_capture

pytestmark = [pytest.mark.browser]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
WORDS = "Script-built report: the ministry counted about two thousand fighters near the port. " * 8
SCRIPT_PAGE = (
    "<html><head><title>Built by script</title></head><body><div id='app'></div><script>"
    + "/* the site's bundle */ var pad = '"
    + "x" * 6000
    + "';"
    + f"document.getElementById('app').innerHTML = '<article><h1>Report</h1><p>{WORDS}</p></article>';"
    + "</script></body></html>"
).encode()


def limits(**changes) -> browser.BrowserLimits:
    return dataclasses.replace(browser.BrowserLimits(total_timeout=40, load_timeout=20, settle_ms=300), **changes)


class CountingListener:
    """A bare TCP listener on 127.0.0.2 that counts every connection it accepts: the internal host."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def internal_listener():
    listener = CountingListener()
    yield listener
    listener.close()


def responses(warc: bytes) -> list[str]:
    return [
        record.rec_headers.get_header("WARC-Target-URI")
        for record in ArchiveIterator(io.BytesIO(warc))
        if record.rec_type == "response"
    ]


def test_no_request_of_the_page_reaches_the_internal_host(server, policy, internal_listener):
    internal = f"127.0.0.2:{internal_listener.port}"
    page = f"""<html><head><title>Loads from inside</title>
      <script src="http://{internal}/app.js"></script>
      <link rel="stylesheet" href="http://{internal}/style.css">
      <link rel="prefetch" href="http://{internal}/next"><link rel="preconnect" href="http://{internal}">
      <link rel="dns-prefetch" href="http://{internal}"></head>
      <body><p>{WORDS}</p>
      <img src="http://{internal}/photo.png"><img src="/moved.png"><iframe src="http://{internal}/frame"></iframe>
      <script>
        fetch("http://{internal}/api").catch(() => null);
        navigator.sendBeacon && navigator.sendBeacon("http://{internal}/beacon", "x");
        try {{ new WebSocket("ws://{internal}/socket"); }} catch (e) {{}}
        try {{ new EventSource("http://{internal}/events"); }} catch (e) {{}}
      </script></body></html>"""
    url = server.route("/inside", body=page.encode())
    # A redirect of the page's own server into the internal host is refused too.
    server.route("/moved.png", status=302, headers=[("Location", f"http://{internal}/redirected.png")])
    outcome = browser.capture(url, policy, limits())
    assert internal_listener.accepted == 0
    assert outcome.screenshot.startswith(b"\x89PNG") and outcome.pdf.startswith(b"%PDF")
    assert all("127.0.0.2" not in address for address in responses(outcome.warc))
    assert WORDS.split(":")[0] in outcome.extracted.text


def test_the_guard_refuses_each_internal_request_before_any_connection(server, policy, internal_listener):
    """The loading record says why: each address to 127.0.0.2 was refused by the SSRF guard itself."""
    internal = f"127.0.0.2:{internal_listener.port}"
    page = f"<html><body><p>{WORDS}</p><img src='http://{internal}/a.png'><img src='http://{internal}/b.png'></body></html>"
    url = server.route("/two", body=page.encode())
    refused = []
    original = browser._answer

    def spy(route, request, loading):
        original(route, request, loading)
        refused[:] = loading.refused

    browser._answer = spy
    try:
        browser.capture(url, policy, limits())
    finally:
        browser._answer = original
    assert {address.rsplit("/", 1)[-1] for address, _reason in refused} == {"a.png", "b.png"}
    assert all("loopback" in reason.lower() or "127.0.0.2" in reason for _address, reason in refused)
    assert internal_listener.accepted == 0


def test_every_response_the_page_loads_is_in_the_warc(server, policy):
    url = server.route(
        "/full",
        body=f"<html><head><title>Full</title><link rel=stylesheet href='/s.css'><script src='/a.js'></script></head>"
        f"<body><p>{WORDS}</p><img src='/i.png'></body></html>".encode(),
    )
    server.route("/s.css", body=b"body { color: #222 }", headers=[("Content-Type", "text/css")])
    server.route("/a.js", body=b"window.loaded = 1;", headers=[("Content-Type", "text/javascript")])
    server.route("/i.png", body=PNG, headers=[("Content-Type", "image/png")])
    outcome = browser.capture(url, policy, limits())
    assert sorted(address.rsplit("/", 1)[-1] for address in responses(outcome.warc)) == [
        "a.js",
        "full",
        "i.png",
        "s.css",
    ]
    assert outcome.result.final_url == url and outcome.stopped == ""


def test_a_script_built_page_gives_its_text_in_the_browser_and_none_plainly(server, policy):
    url = server.route("/app", body=SCRIPT_PAGE)
    with pytest.raises(ChallengePage) as plain:
        plain_capture(url, policy)
    assert "script" in plain.value.reason.lower() or "empty" in plain.value.reason.lower()
    outcome = browser.capture(url, policy, limits())
    assert "about two thousand fighters" in outcome.extracted.text
    assert outcome.extracted.title in ("Built by script", "Report")  # the extractor prefers the headline


def test_a_redirected_page_is_captured_at_its_final_address(server, policy):
    final = server.route("/final", body=f"<html><body><p>{WORDS}</p><img src='rel.png'></body></html>".encode())
    server.route("/rel.png", body=PNG, headers=[("Content-Type", "image/png")])
    url = server.route("/old", status=301, headers=[("Location", final)])
    outcome = browser.capture(url, policy, limits())
    assert outcome.result.final_url == final and outcome.result.redirect_chain == [(url, 301)]
    assert server.hits("/old") == 1 and server.hits("/final") == 1 and server.hits("/rel.png") == 1


def test_too_many_requests_stops_loading_with_a_reason(server, policy):
    images = "".join(f"<img src='/i{n}.png'>" for n in range(12))
    url = server.route("/many", body=f"<html><body><p>{WORDS}</p>{images}</body></html>".encode())
    for n in range(12):
        server.route(f"/i{n}.png", body=PNG, headers=[("Content-Type", "image/png")])
    outcome = browser.capture(url, policy, limits(max_requests=4))
    assert (
        outcome.stopped
        == "The page asked for more than 4 files; the rest were not loaded and the capture shows it without them."
    )
    assert len(responses(outcome.warc)) == 4 and outcome.screenshot


def test_too_many_bytes_stops_loading_with_a_reason(server, policy):
    big = b"/*" + b"x" * 60_000 + b"*/"
    scripts = "".join(f"<script src='/big{n}.js'></script>" for n in range(5))
    url = server.route("/heavy", body=f"<html><body><p>{WORDS}</p>{scripts}</body></html>".encode())
    for n in range(5):
        server.route(f"/big{n}.js", body=big, headers=[("Content-Type", "text/javascript")])
    outcome = browser.capture(url, policy, limits(max_total_bytes=100_000))
    assert outcome.stopped.startswith("The page's files passed 0.1 MB in all")
    assert len(responses(outcome.warc)) < 6


def test_a_page_past_the_deadline_fails_with_the_reason(server, policy):
    url = server.route(
        "/slow", body=f"<html><body><p>{WORDS}</p><script src='/stall.js'></script></body></html>".encode()
    )
    server.route("/stall.js", body=b"1;", headers=[("Content-Type", "text/javascript")], delay=8)
    slow_policy = dataclasses.replace(policy, read_timeout=20.0, total_timeout=20.0)
    with pytest.raises(Timeout) as failed:
        browser.capture(url, slow_policy, limits(total_timeout=4, load_timeout=20))
    assert failed.value.reason == "The browser capture took longer than 4 seconds and was stopped."


def test_a_browser_past_its_memory_limit_is_killed_and_the_capture_fails_with_the_reason(server, policy):
    # A page that keeps allocating, against a limit below what Chromium needs to start: the watch must kill it.
    hog = "<script>const kept = []; setInterval(() => kept.push(new Array(1e6).fill(Math.random())), 10);</script>"
    url = server.route("/hog", body=f"<html><body><p>{WORDS}</p>{hog}</body></html>".encode())
    with pytest.raises(FetchError) as failed:
        browser.capture(url, policy, limits(max_memory_bytes=40 * 1024 * 1024, settle_ms=5000))
    assert failed.value.reason == (
        "The browser needed more than 40 MB of memory for this page and was stopped; the page was not captured."
    )
    assert not failed.value.transient
    assert browser_processes(os.getpid()) == []


def test_the_memory_watch_sees_the_browser_and_keeps_its_peak(server, policy):
    url = server.route("/story", body=f"<html><body><p>{WORDS}</p></body></html>".encode())
    seen = []
    original = MemoryWatch.sample

    def sample(watch):
        seen.append(original(watch))
        return seen[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MemoryWatch, "sample", sample)
        outcome = browser.capture(url, policy, limits(settle_ms=1000))
    assert WORDS.split(":")[0] in outcome.extracted.text
    # Chromium's processes were found and measured while it rendered (tens of MB at least), under the default limit.
    assert max(seen) > 20 * 1024 * 1024
    assert max(seen) < browser.BrowserLimits().max_memory_bytes


def test_a_page_still_loading_is_captured_as_it_stood(server, policy):
    url = server.route("/loading", body=f"<html><body><p>{WORDS}</p><img src='/late.png'></body></html>".encode())
    server.route("/late.png", body=PNG, headers=[("Content-Type", "image/png")], delay=4)
    outcome = browser.capture(url, policy, limits(total_timeout=30, load_timeout=1))
    assert outcome.stopped == "The page was still loading after 1 seconds; it was captured as it stood."
    assert outcome.screenshot.startswith(b"\x89PNG")


def test_a_pdf_is_captured_plainly(server, policy):
    from tests.fetching.test_capture import make_pdf

    url = server.route(
        "/report.pdf", body=make_pdf("Annual report", "Report", "Desk"), headers=[("Content-Type", "application/pdf")]
    )
    outcome = browser.capture(url, policy, limits())
    assert outcome.result.content_type == "application/pdf" and outcome.screenshot == b""


def test_a_server_error_of_the_page_fails_as_a_plain_capture_would(server, policy):
    from claims.fetching.errors import HTTPStatusError

    url = server.route("/gone", status=404, body=b"<p>no</p>")
    with pytest.raises(HTTPStatusError):
        browser.capture(url, policy, limits())
