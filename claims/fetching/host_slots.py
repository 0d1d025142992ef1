"""Per-host politeness: at most FETCH_PER_HOST_CONCURRENCY fetches of one host at once, and request starts at
least FETCH_POLITENESS_DELAY seconds apart. Shared through Redis when REDIS_URL is set; otherwise (the embedded
filesystem broker, one machine) the limit is kept inside the worker process."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger(__name__)

KEY_PREFIX = "fetch:host:"

# KEYS[1]: sorted set of held slots (token -> expiry ms); KEYS[2]: earliest next start (ms).
# ARGV: now ms, token, limit, slot lease ms, politeness delay ms. Returns 0 when the slot is taken, otherwise
# the milliseconds worth waiting before asking again.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local now = tonumber(ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(50, math.min(1000, tonumber(first[2]) - now))
end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return nxt - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[5]) > 0 then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[5]), 'PX', tonumber(ARGV[5]))
end
return 0
"""


class HostBusy(Exception):
    """Every slot for the host is taken (or it was fetched a moment ago): try again in `delay` seconds."""

    def __init__(self, host: str, delay: float):
        super().__init__(f"{host} is busy; try again in {delay:.1f} s")
        self.host = host
        self.delay = delay


class SlotsUnavailable(Exception):
    """The shared limiter (Redis) cannot be reached, so nobody can tell whether the host is free: try later."""


@dataclass
class Limits:
    concurrency: int
    delay: float  # seconds between request starts
    slot_seconds: float  # a slot held longer than this (a killed worker) frees itself
    max_wait: float  # wait this long inside the worker before handing the job back to the broker


def limits_from_settings() -> Limits:
    return Limits(
        concurrency=max(1, settings.FETCH_PER_HOST_CONCURRENCY),
        delay=max(0.0, settings.FETCH_POLITENESS_DELAY),
        slot_seconds=settings.FETCH_TOTAL_TIMEOUT + 60,
        max_wait=max(2.0, 3 * settings.FETCH_POLITENESS_DELAY),
    )


class _RedisSlots:
    def __init__(self, url: str):
        import redis

        self.errors = redis.RedisError
        # Bounded waits: a Redis that hangs must not hold a capture past its time limit.
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self.script = self.client.register_script(_ACQUIRE)

    def try_acquire(self, host: str, token: str, limits: Limits) -> float:
        keys = [f"{KEY_PREFIX}{host}:slots", f"{KEY_PREFIX}{host}:next"]
        args: list[str | int] = [
            int(time.time() * 1000),
            token,
            limits.concurrency,
            int(limits.slot_seconds * 1000),
            int(limits.delay * 1000),
        ]
        try:
            return int(self.script(keys=keys, args=args)) / 1000
        except self.errors as exc:
            raise SlotsUnavailable(f"the per-host fetch limiter (Redis) is unreachable: {exc}") from exc

    def release(self, host: str, token: str) -> None:
        try:
            self.client.zrem(f"{KEY_PREFIX}{host}:slots", token)
        except self.errors as exc:
            # The fetch is done; its result must not be lost for this. The slot frees itself when its lease ends.
            log.warning("could not release a fetch slot of %s (it frees itself in time): %s", host, exc)


class _LocalSlots:
    """The same rules inside one process, for deployments without Redis (one worker process per machine)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: dict[str, dict[str, float]] = {}
        self.next_start: dict[str, float] = {}

    def try_acquire(self, host: str, token: str, limits: Limits) -> float:
        now = time.monotonic()
        with self.lock:
            held = {t: exp for t, exp in self.held.get(host, {}).items() if exp > now}
            self.held[host] = held
            if len(held) >= limits.concurrency:
                return max(0.05, min(1.0, min(held.values()) - now))
            if self.next_start.get(host, 0.0) > now:
                return self.next_start[host] - now
            held[token] = now + limits.slot_seconds
            self.next_start[host] = now + limits.delay
            return 0.0

    def release(self, host: str, token: str) -> None:
        with self.lock:
            self.held.get(host, {}).pop(token, None)


_local = _LocalSlots()
_redis: dict[str, _RedisSlots] = {}


def _backend() -> _RedisSlots | _LocalSlots:
    url = settings.REDIS_URL
    if not url:
        return _local
    if url not in _redis:
        _redis[url] = _RedisSlots(url)
    return _redis[url]


@contextmanager
def host_slot(host: str, limits: Limits | None = None) -> Iterator[None]:
    """Hold one of the host's fetch slots for the block; raises HostBusy when none frees up within max_wait,
    SlotsUnavailable when the shared limiter cannot be reached."""
    limits = limits or limits_from_settings()
    backend, token = _backend(), uuid.uuid4().hex
    deadline = time.monotonic() + limits.max_wait
    while True:
        wait = backend.try_acquire(host, token, limits)
        if wait <= 0:
            break
        if time.monotonic() + wait > deadline:
            raise HostBusy(host, wait)
        time.sleep(wait)
    try:
        yield
    finally:
        backend.release(host, token)
