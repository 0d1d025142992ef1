"""The workers' prefork pool: Celery's, with one fault of Celery 5.7 mended so a worker survives a broker outage.

Pool processes send their results to the worker's event loop over pipes; a result longer than a pipe writes at once
(a failure with a long traceback, which is what tasks write while Redis goes away) may arrive in parts, and the loop
then keeps the half-read message in a generator registered as the pipe's reader. When the broker connection drops,
``celery.worker.loops.asynloop`` resets the event loop (``hub.reset()``), dropping every reader with it, and after
the reconnect the pool registers a fresh reader on each pipe. That reader takes the rest of the old message for a new
one: it decodes garbage and the worker stops ("Unrecoverable error: UnicodeDecodeError"), or it waits for a body that
never comes, holding that process's tasks. Either way the worker no longer consumes (seen in tests/scale after one
Redis restart). Here the result reader records the pipes it left half read, and the pool, once registered again,
hands each one back to its unfinished reader, as long as the same process still owns the pipe.

The other end of the pipe has its own fault: a soft time limit is a signal (SIGUSR1) that the worker's main process
sends when its timer for the job runs out, and billiard's handler raises SoftTimeLimitExceeded wherever the pool
process is. While the broker is away the main process sits in its reconnect loop, reading no results and firing no
timers; a process that has just finished a task blocks writing its result to the full pipe, and once the main
process is back its overdue timer interrupts that write. The process then writes a second message after the first
one's start, the main process decodes garbage and the worker stops ("Unrecoverable error: UnicodeDecodeError"; seen
in tests/scale/test_scale_out.py). Here a pool process raises SoftTimeLimitExceeded only while a task body runs;
outside one the task has ended, so there is nothing left to interrupt.
"""

import signal
from collections.abc import Callable
from inspect import isgenerator
from types import FrameType
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded
from celery.concurrency import asynpool, prefork
from celery.signals import task_postrun, task_prerun

#: Whether this pool process is running a task body (between Celery's task_prerun and task_postrun).
_in_task = False


@task_prerun.connect
def _task_started(**_: Any) -> None:
    global _in_task
    _in_task = True


@task_postrun.connect
def _task_ended(**_: Any) -> None:
    global _in_task
    _in_task = False


def soft_timeout_in_task_only(signum: int, frame: FrameType | None) -> None:
    """The pool processes' SIGUSR1 handler: a soft time limit interrupts a task, never the pool's own code."""
    if _in_task:
        raise SoftTimeLimitExceeded()


class Worker(asynpool.Worker):
    """A pool process, with the soft time limit handler above in place of billiard's."""

    def after_fork(self) -> None:
        super().after_fork()
        signal.signal(signal.SIGUSR1, soft_timeout_in_task_only)


class _RecordingHub:
    """The event loop as the result reader sees it: notes which pipes are left to an unfinished reader."""

    def __init__(self, hub: Any, unfinished: dict[int, tuple[Any, Any]], owners: dict[int, Any]) -> None:
        self._hub = hub
        self._unfinished = unfinished
        self._owners = owners

    def add_reader(self, fd: int, callback: Callable[..., Any], *args: Any) -> Any:
        if isgenerator(callback):
            self._unfinished[fd] = (callback, self._owners.get(fd))
        else:
            self._unfinished.pop(fd, None)
        return self._hub.add_reader(fd, callback, *args)

    def remove_reader(self, fd: int) -> Any:
        self._unfinished.pop(fd, None)
        return self._hub.remove_reader(fd)


# celery-types leave out the internals used here (ResultHandler.fileno_to_outq and _make_process_result,
# AsynPool._result_handler), hence the attr-defined ignores.
class ResultHandler(asynpool.ResultHandler):
    unfinished: dict[int, tuple[Any, Any]]

    def register_with_event_loop(self, hub: Any) -> None:
        super().register_with_event_loop(hub)
        if not hasattr(self, "unfinished"):
            #: fd -> (the generator reading a message that arrived in part, the process whose pipe it reads)
            self.unfinished = {}
        recording = _RecordingHub(hub, self.unfinished, self.fileno_to_outq)  # type: ignore[attr-defined]
        self.handle_event = self._make_process_result(recording)  # type: ignore[attr-defined,method-assign]

    def resume_unfinished_reads(self, hub: Any) -> None:
        """Give each pipe left half read back to the reader that holds the start of its message."""
        for fd, (reader, owner) in list(self.unfinished.items()):
            if owner is not None and self.fileno_to_outq.get(fd) is owner:  # type: ignore[attr-defined]
                hub.add_reader(fd, reader)
            else:  # the process is gone, and the fd may belong to another one now
                del self.unfinished[fd]


class AsynPool(asynpool.AsynPool):
    ResultHandler = ResultHandler
    Worker = Worker

    def register_with_event_loop(self, hub: Any) -> None:
        super().register_with_event_loop(hub)
        self._result_handler.resume_unfinished_reads(hub)  # type: ignore[attr-defined]


class TaskPool(prefork.TaskPool):
    """The prefork pool (``worker_pool`` in settings), reading results safely across broker reconnects."""

    Pool = AsynPool
