"""Generations read from this process's memory, which Redis tells the moment they change (client-side caching).

Every public page and every cached API list asks the shared cache for its generations first (claims/page_cache.py,
claims/write_generation.py): one round trip per request, most of what a cached page costs. Redis can instead
tell a client which keys changed (``CLIENT TRACKING``, Redis 6 and later): ``GenerationTracker`` keeps the
generations it read in memory and drops each one when Redis says it changed, so a request reads them from a dict.

**How Redis tells.** One connection per process, in RESP2, asks for broadcast tracking of the generations' key
prefixes with itself as the redirect target, then subscribes to ``__redis__:invalidate``. Every write to a key
with those prefixes (SET, an expiry, an eviction, FLUSHDB) then sends that connection the key's name, whoever
wrote it; a flush sends ``None``. (redis-py's own client-side cache needs Redis 7.4; this works with 6.0 and
later.)

**When the memory is trusted.** Only while that connection is known to be alive: it sends a PING every
``HEARTBEAT`` seconds, and the memory answers only within ``TRUST_FOR`` seconds of the last reply. A lost,
restarted or hung Redis empties the memory, and reads go to Redis as before (where the resilient cache answers
"none" while it is unreachable, so the page is rendered from the database, which is the truth). A request
thread first reads whatever invalidations are already waiting on the connection, so a change another process
made before this request arrived is never missed because the listener thread had not woken up yet.

**The race.** A value read from Redis may change before it is stored here, and its invalidation may arrive in
between: each key being read is marked, an invalidation of a marked key spoils the read, and a spoiled value is
returned to its caller (it was current when read) but not kept. This process's own writes drop its keys at once
(``forget``), without waiting for Redis's message.
"""

import logging
import os
import select
import threading
import time
from collections.abc import Callable, Iterable

import redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: Seconds between the listener's PINGs.
HEARTBEAT = 0.5
#: The memory answers only this long after the last sign of life from the tracking connection.
TRUST_FOR = 1.5
#: Keys kept at most (one per claim page viewed, and a few lists'); past it the memory starts again empty.
MAX_KEYS = 200_000
#: Seconds to wait before reconnecting after the connection failed.
RECONNECT_AFTER = 1.0

CHANNEL = b"__redis__:invalidate"

#: Stored for a key Redis does not have: its creation is a write, which Redis reports like any other.
_ABSENT = object()


class GenerationTracker:
    """Values of keys under ``prefixes`` (Redis key names, as the cache makes them) read once per change."""

    def __init__(self, url: str, prefixes: Iterable[str], *, connect_timeout: float = 1.0) -> None:
        self._url = url
        self._prefixes = tuple(prefixes)
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._reset()

    def _reset(self) -> None:
        # Per process: a forked child starts with none of its parent's connection, thread or memory.
        self._values: dict[str, object] = {}
        self._reading: dict[str, int] = {}
        self._spoiled: set[str] = set()
        self._connection: redis.Connection | None = None
        self._trusted_until = 0.0
        self._pinged_at = 0.0
        self._stopped = False
        self._thread: threading.Thread | None = None

    # --- reading --------------------------------------------------------------------------------------------

    def get_many(self, keys: list[str], fetch: Callable[[list[str]], dict[str, object]]) -> dict[str, object]:
        """The values of ``keys`` (Redis key names) that exist: from memory while it is trusted, else by
        ``fetch`` (which reads Redis and answers only the keys it has)."""
        self._ensure_listening()
        with self._lock:
            self._drain_arrived()
            if time.monotonic() >= self._trusted_until:
                trusted = False
            else:
                trusted = True
                missing = [key for key in keys if key not in self._values]
                if not missing:
                    return {key: value for key in keys if (value := self._values[key]) is not _ABSENT}
                for key in missing:
                    self._reading[key] = self._reading.get(key, 0) + 1
        if not trusted:
            return fetch(keys)
        fetched: dict[str, object] | None = None
        try:
            fetched = fetch(missing)
        finally:
            # A failed fetch (Redis unreachable) keeps nothing: the keys are released unread.
            with self._lock:
                keep = fetched is not None and time.monotonic() < self._trusted_until
                for key in missing:
                    if keep and key not in self._spoiled:
                        if len(self._values) >= MAX_KEYS:
                            self._values.clear()
                        self._values[key] = fetched.get(key, _ABSENT)  # type: ignore[union-attr]
                    left = self._reading[key] - 1
                    if left:
                        self._reading[key] = left
                    else:
                        del self._reading[key]
                        self._spoiled.discard(key)
                found = {key: value for key in keys if (value := self._values.get(key, _ABSENT)) is not _ABSENT}
        # What Redis just answered wins over the memory for the keys read now.
        found.update(fetched)
        return {key: found[key] for key in keys if key in found}

    def forget(self, keys: Iterable[str]) -> None:
        """This process wrote ``keys``: its memory must not answer their old values, not even until Redis says."""
        with self._lock:
            for key in keys:
                if key.startswith(self._prefixes):
                    self._drop(key)

    def forget_all(self) -> None:
        with self._lock:
            self._drop_all()

    def _drop(self, key: str) -> None:
        self._values.pop(key, None)
        if key in self._reading:
            self._spoiled.add(key)

    def _drop_all(self) -> None:
        self._values.clear()
        self._spoiled.update(self._reading)

    # --- the tracking connection ----------------------------------------------------------------------------

    def _ensure_listening(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._reset()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._listen, name="generation-tracker", daemon=True)
            self._thread.start()

    def trusted(self) -> bool:
        """Whether the memory answers now (the tracking connection replied within ``TRUST_FOR`` seconds)."""
        self._ensure_listening()
        with self._lock:
            self._drain_arrived()
            return time.monotonic() < self._trusted_until

    def stop(self) -> None:
        """End tracking in this process (tests); reads go to Redis afterwards."""
        with self._lock:
            self._stopped = True
            self._untrust()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _listen(self) -> None:
        while not self._stopped:
            try:
                self._connect()
                while not self._stopped:
                    self._beat()
            except (RedisError, OSError) as exc:
                log.info("generation tracking lost (%s); reconnecting", exc)
            with self._lock:
                self._untrust()
            if not self._stopped:
                time.sleep(RECONNECT_AFTER)

    def _connect(self) -> None:
        pool = redis.ConnectionPool.from_url(
            self._url,
            protocol=2,
            socket_connect_timeout=self._connect_timeout,
            socket_timeout=TRUST_FOR,
            health_check_interval=0,
        )
        connection = pool.get_connection()
        connection.send_command("CLIENT", "ID")
        client_id = connection.read_response()
        prefixes = [part for prefix in self._prefixes for part in ("PREFIX", prefix)]
        connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", *prefixes)
        connection.read_response()
        connection.send_command("SUBSCRIBE", CHANNEL)
        connection.read_response()
        with self._lock:
            # Whatever was read before this connection tracked anything may be stale.
            self._drop_all()
            self._connection = connection
            self._pinged_at = 0.0
        self._ping()

    def _beat(self) -> None:
        connection = self._connection
        if connection is None:
            raise ConnectionError("disconnected")
        if time.monotonic() - self._pinged_at >= HEARTBEAT:
            self._ping()
        # Wait outside the lock for bytes on the socket (select reads nothing: request threads read the same
        # connection under the lock); the reading itself is done under it.
        sock = connection._sock  # redis-py keeps no public handle on it
        if sock is None:
            raise ConnectionError("disconnected")
        readable, _, _ = select.select([sock], [], [], HEARTBEAT / 2)
        with self._lock:
            if self._connection is None:
                raise ConnectionError("disconnected")
            if readable:
                self._drain()

    def _ping(self) -> None:
        with self._lock:
            if self._connection is None:
                raise ConnectionError("not connected")
            self._connection.send_command("PING")
            self._pinged_at = time.monotonic()

    def _drain_arrived(self) -> None:
        """Read the invalidations that have reached this process's socket (caller holds the lock): one select(),
        cheaper than redis-py's can_read, which also reads into its buffer."""
        connection = self._connection
        sock = connection._sock if connection is not None else None
        if sock is not None and select.select([sock], [], [], 0)[0]:
            self._drain()

    def _drain(self) -> None:
        """Read every message already waiting (caller holds the lock). A failure ends trust; the listener
        reconnects."""
        connection = self._connection
        if connection is None:
            return
        try:
            while connection.can_read(timeout=0):
                self._handle(connection.read_response())
        except (RedisError, OSError) as exc:
            log.info("generation tracking connection failed: %s", exc)
            self._untrust()
            connection.disconnect()

    def _handle(self, message) -> None:
        kind = message[0]
        if kind == b"pong":
            self._trusted_until = time.monotonic() + TRUST_FOR
        elif kind == b"message" and message[1] == CHANNEL:
            keys = message[2]
            if keys is None:
                self._drop_all()
            else:
                for key in keys:
                    self._drop(key.decode())

    def _untrust(self) -> None:
        self._trusted_until = 0.0
        self._drop_all()
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None
