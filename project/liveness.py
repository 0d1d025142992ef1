"""Worker liveness: a file the worker refreshes only while its consumer really consumes, for an orchestrator's probe.

A Celery worker can be alive, connected and answering ``inspect ping`` while it no longer takes messages (see
project/worker_pool.py for the fault that did this here); only its progress tells. A consumer bootstep checks every
``WORKER_LIVENESS_SECONDS`` that the worker is making progress (``ConsumerProgress``) and, if so, touches
``WORKER_LIVENESS_DIR/<node name>.alive``. ``manage.py check_worker`` (the probe) fails when the file is older than a
few intervals; see docs/deploy.md, "Worker liveness".
"""

import logging
import time
from pathlib import Path
from typing import Any, cast

from celery import bootsteps
from celery.signals import task_received
from celery.worker import state

log = logging.getLogger(__name__)


def liveness_file(nodename: str) -> Path:
    from django.conf import settings

    return Path(settings.WORKER_LIVENESS_DIR) / f"{nodename}.alive"


def seconds_since_alive(path: Path) -> float | None:
    """Seconds since the worker last showed progress; None when it never did (not started, or stopped)."""
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except FileNotFoundError:
        return None


class ConsumerProgress:
    """Whether a consumer is consuming, from what it did between two looks (plain Python, no Celery).

    A consumer with room for more tasks must take the messages waiting in its queues within ``idle_stall``
    seconds; one whose tasks fill it must finish one within ``busy_stall`` seconds (longer than the hard time
    limit, after which a task is killed anyway). An idle consumer with nothing waiting is fine however long.
    """

    def __init__(self, *, idle_stall: float, busy_stall: float) -> None:
        self.idle_stall = idle_stall
        self.busy_stall = busy_stall
        self._last: tuple[int, int] | None = None  # (received, finished) at the previous look
        self._progress_at: float | None = None
        self._expecting_since: float | None = None

    def check(self, *, now: float, received: int, finished: int, waiting: int, reserved: int, capacity: float) -> bool:
        if (received, finished) != self._last:
            self._last = (received, finished)
            self._progress_at = now
        if reserved >= capacity or (reserved and not waiting):
            limit = self.busy_stall
        elif waiting:
            limit = self.idle_stall
        else:
            self._expecting_since = None
            return True
        if self._expecting_since is None:
            self._expecting_since = now
        progress_at = cast(float, self._progress_at)  # set by the first look, which always differs from None
        return now - max(progress_at, self._expecting_since) < limit


class Liveness(bootsteps.StartStopStep):
    """Touches the liveness file while the consumer makes progress; runs in the event loop, so a frozen loop stops
    it too. Stopped with the consumer when the broker connection drops, and started again once reconnected."""

    requires = {"celery.worker.consumer.tasks:Tasks"}  # type: ignore[assignment]  # any iterable; the stubs say tuple

    def __init__(self, c: Any, **kwargs: Any) -> None:
        from django.conf import settings

        self.interval = settings.WORKER_LIVENESS_SECONDS
        self.path = liveness_file(c.hostname)
        self.idle_stall = settings.WORKER_STALL_SECONDS
        self.busy_stall = settings.CELERY_TASK_TIME_LIMIT + settings.WORKER_STALL_SECONDS
        # The queues the worker was started to consume (-Q): the probe holds it to them.
        self.queues = sorted(c.app.amqp.queues.consume_from)
        self.received = 0
        self.tref: Any = None
        task_received.connect(self._count, weak=False)

    def _count(self, **kwargs: Any) -> None:
        self.received += 1

    def start(self, c: Any) -> None:
        # Judged afresh on each connection: the time spent reconnecting is not a stall.
        self.progress = ConsumerProgress(idle_stall=self.idle_stall, busy_stall=self.busy_stall)
        self.alive = True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tref = c.timer.call_repeatedly(self.interval, self.check, (c,), priority=10)
        self.check(c)

    def stop(self, c: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def shutdown(self, c: Any) -> None:
        self.stop(c)
        task_received.disconnect(self._count)
        self.path.unlink(missing_ok=True)

    def check(self, c: Any) -> None:
        try:
            waiting = self._waiting(c)
        except c.connection_errors + c.channel_errors:
            return  # the consumer is about to notice and reconnect; no touch meanwhile
        capacity = c.qos.value or float("inf")
        alive = self.progress.check(
            now=time.monotonic(),
            received=self.received,
            finished=state.all_total_count[0],
            waiting=waiting,
            reserved=len(state.reserved_requests),
            capacity=capacity,
        )
        if alive:
            self.path.touch()
        elif self.alive:
            log.warning(
                "worker %s stopped making progress: %d messages wait in %s, %d tasks held",
                c.hostname,
                waiting,
                ",".join(self.queues),
                len(state.reserved_requests),
            )
        self.alive = alive

    def _waiting(self, c: Any) -> int:
        channel = c.connection.default_channel
        return sum(channel.queue_declare(queue=name, passive=False).message_count for name in self.queues)
