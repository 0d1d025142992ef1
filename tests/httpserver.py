"""A real HTTP server on 127.0.0.1 whose routes each test configures (shared by the fetch-core tests and the
capture job tests), and one on 127.0.0.2 standing in for an internal service."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def _ephemeral_ports() -> range:
    """The ports the kernel picks from for port 0, where every test server listens. The fetcher fetches only
    80 and 443 unless told otherwise, so the tests allow this range, which leaves out the well-known ports of the
    services beside them (Redis 6379, PostgreSQL 5432)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 1024, 65535
    return range(low, high + 1)


SERVER_PORTS = _ephemeral_ports()
#: SERVER_PORTS as FETCH_ALLOWED_PORTS, for worker processes started by the tests.
SERVER_PORTS_SETTING = f"{SERVER_PORTS.start}-{SERVER_PORTS.stop - 1}"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")])
    delay: float = 0.0  # seconds before the status line
    chunks: list[bytes] | None = None  # sent with chunked transfer encoding, `chunk_delay` apart
    chunk_delay: float = 0.0
    declare_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    header_byte_delay: float = 0.0  # > 0: the status line and headers go out one byte at a time, this far apart


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.seen.append((self.path, dict(self.headers)))
        route = self.server.next_route(self.path)
        # The client stops reading on purpose in several tests (size cap, timeout).
        try:
            self._answer(route)
        except (BrokenPipeError, ConnectionResetError):
            self.server.hung_up.append(self.path)
            self.close_connection = True
        else:
            self.server.answered.append(self.path)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        """Webhook deliveries: the raw body is kept beside the path and headers, then the route answers."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.posted.append((self.path, dict(self.headers), body))
        self.do_GET()

    def _answer(self, route: Route):
        time.sleep(route.delay)
        if route.header_byte_delay:
            self._trickle(route)
            return
        self.send_response(route.status)
        for name, value in route.headers:
            self.send_header(name, value)
        if route.chunks is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in route.chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                time.sleep(route.chunk_delay)
            self.wfile.write(b"0\r\n\r\n")
            return
        if route.declare_length:
            self.send_header("Content-Length", str(len(route.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(route.body)

    def _trickle(self, route: Route):
        """The status line and headers one byte at a time, then the body (always with its length)."""
        lines = [f"HTTP/1.1 {route.status} {self.responses[route.status][0]}"]
        lines += [f"{name}: {value}" for name, value in route.headers]
        lines += [f"Content-Length: {len(route.body)}", "", ""]
        for byte in "\r\n".join(lines).encode("latin-1"):
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(route.header_byte_delay)
        self.wfile.write(route.body)

    def log_message(self, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def next_route(self, path: str) -> Route:
        """A path given several routes answers with them in turn; the last one keeps answering."""
        with self.lock:
            routes = self.routes.get(path)
            if not routes:
                return Route(status=404, body=b"<p>no such route</p>")
            return routes.pop(0) if len(routes) > 1 else routes[0]

    def handle_error(self, request, client_address):
        pass  # clients that hang up mid-answer are what several tests are about


class LocalServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.httpd = _QuietServer((host, 0), _Handler)
        self.httpd.routes = {}
        self.httpd.lock = threading.Lock()
        self.httpd.seen = []
        self.httpd.posted = []  # (path, headers, raw body) of each POST
        self.httpd.answered = []  # paths whose answer went out whole
        self.httpd.hung_up = []  # paths whose client closed the connection before the answer was sent
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def route(self, path: str, **kwargs) -> str:
        self.httpd.routes[path] = [Route(**kwargs)]
        return self.url(path)

    def routes_in_turn(self, path: str, *routes: Route) -> str:
        self.httpd.routes[path] = list(routes)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for seen_path, _ in self.seen if seen_path == path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def seen(self) -> list[tuple[str, dict]]:
        return self.httpd.seen

    @property
    def posted(self) -> list[tuple[str, dict, bytes]]:
        return self.httpd.posted


@pytest.fixture
def server():
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


@pytest.fixture
def internal_server():
    """A server on 127.0.0.2, standing in for an internal service the fetcher must never reach."""
    local = LocalServer("127.0.0.2")
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()
