"""The total deadline of one fetch, enforced on the wire: when time runs out, the connections the fetch opened
are shut down, whatever they were waiting for (the TLS handshake, the status line, headers, the body)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from claims.fetching.errors import Timeout
from claims.fetching.reasons import DEADLINE, reason


class Deadline:
    """`seconds` from now, for the whole fetch: every hop, connect, headers and body.

    Socket timeouts bound each read, not their sum: a server sending one header byte a second never trips them,
    and http.client reads the status line and headers before the client sees a response at all. So a timer
    shuts down every connection the fetch opened once the time is up; the blocked read returns at once and the
    client reports the deadline (`check`, `remaining`) instead of whatever the cut connection looked like.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires_at = time.monotonic() + seconds
        self.expired = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    @property
    def reason(self) -> str:
        return reason(DEADLINE, seconds=f"{self.seconds:g}")

    def remaining(self) -> float:
        """Seconds left; raises Timeout once the deadline has passed."""
        left = self.expires_at - time.monotonic()
        if self.expired or left <= 0:
            raise Timeout(self.reason)
        return left

    def check(self) -> None:
        self.remaining()

    def watch(self, connection: HTTPConnection) -> None:
        """Shut `connection` down when the deadline passes (at once if it already has)."""
        with self._lock:
            if not self.expired:
                self._connections.append(connection)
                return
        _shut_down(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections, self._connections = self._connections, []
        for connection in connections:
            _shut_down(connection)


def _shut_down(connection: HTTPConnection) -> None:
    # urllib3 sets `sock` to the plain socket before the TLS handshake and to the TLS socket after it. The plain
    # socket's shutdown is called even on a TLS socket: it only cuts the connection, so the TLS state the
    # fetching thread is using is not touched from this one. A socket already closed raises OSError.
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


if TYPE_CHECKING:
    _Connection = HTTPConnection  # what the mixin is mixed into, for the type checker
else:
    _Connection = object


class _Watched(_Connection):
    """A urllib3 connection that puts itself under its fetch's deadline before connecting."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.deadline.watch(self)
        super().connect()
        # The timer may have fired while the TCP connect was under way, before there was a socket to shut.
        if self.deadline.expired:
            self.close()
            self.deadline.check()


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


WATCHED_POOL_CLASSES = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}
