"""The workers' pool reads a pool process's result intact across a broker reconnect, and a pool process writes it
intact even when a late soft time limit arrives (project/worker_pool.py).

The pipes, the event loop (kombu's Hub) and its reset, the forked process and its signals are real; only the pool's
table of processes is a stand-in.
"""

import contextlib
import os
import pickle
import signal
import struct
import time
from inspect import isgenerator

import pytest
from billiard.connection import Pipe
from billiard.exceptions import SoftTimeLimitExceeded
from celery.signals import task_postrun, task_prerun
from kombu.asynchronous import Hub

from project.worker_pool import ResultHandler, soft_timeout_in_task_only

WORKER_UP = 15  # celery.concurrency.asynpool's "a pool process started" message


class Process:
    pass


@pytest.fixture
def pipe():
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)  # as the pool's result pipes are in the worker's main process
    yield read_end, write_end
    os.close(read_end)
    os.close(write_end)


def result_handler(fileno_to_outq: dict, seen: list) -> ResultHandler:
    return ResultHandler(
        None, None, {}, None, None, None, None, None, None, fileno_to_outq=fileno_to_outq, on_process_alive=seen.append
    )


def register(handler: ResultHandler, hub: Hub, fd: int) -> None:
    """What the pool does each time the consumer (re)starts its event loop."""
    handler.register_with_event_loop(hub)
    hub.add_reader(fd, handler.handle_event, fd)
    handler.resume_unfinished_reads(hub)


def fire(hub: Hub, fd: int) -> None:
    """The event loop finding the pipe readable."""
    callback, args = hub.readers[fd]
    if not isgenerator(callback):
        callback(*args)
    else:
        with contextlib.suppress(StopIteration):  # the message is complete
            next(callback)


def pool_message(value) -> bytes:
    """A message as a pool process writes it to its result pipe: a 4-byte length, then the pickled body."""
    body = pickle.dumps((WORKER_UP, (value,)), protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack(">i", len(body)) + body


def test_a_result_half_read_when_the_broker_connection_drops_is_read_whole_after_the_reconnect(pipe):
    read_end, write_end = pipe
    seen = []
    handler = result_handler({read_end: Process()}, seen)
    hub = Hub()
    register(handler, hub, read_end)
    # As long as a failure's traceback, so that it may reach the pipe in parts.
    traceback = "Traceback (most recent call last): redis.exceptions.ConnectionError\n" * 100
    written = pool_message(traceback)

    os.write(write_end, written[:3000])  # the process has written the start of its message
    fire(hub, read_end)
    hub.reset()  # the consumer lost the broker (celery.worker.loops.asynloop)
    register(handler, hub, read_end)  # ...and has reconnected
    os.write(write_end, written[3000:])
    fire(hub, read_end)

    assert seen == [traceback]
    # The next message is read as usual.
    os.write(write_end, pool_message("next"))
    fire(hub, read_end)
    assert seen == [traceback, "next"]


def test_a_half_read_pipe_now_owned_by_another_process_starts_afresh(pipe):
    """A process that died mid-message left its reader behind; its fd number may be reused by a new process."""
    read_end, write_end = pipe
    seen = []
    owners = {read_end: Process()}
    handler = result_handler(owners, seen)
    hub = Hub()
    register(handler, hub, read_end)
    os.write(write_end, pool_message("lost")[:10])  # the process died after writing this much
    fire(hub, read_end)
    hub.reset()
    owners[read_end] = Process()  # a new pool process got the same fd
    register(handler, hub, read_end)
    os.write(write_end, pool_message("new process"))
    fire(hub, read_end)

    assert seen == ["new process"]


def test_a_soft_time_limit_that_fires_while_a_result_is_written_leaves_the_result_whole():
    """The worker's main process was away (reconnecting to the broker) while a pool process finished its task: the
    process blocks writing its long result to the full pipe, and the main process, back, fires its overdue soft time
    limit for the job. The write goes on, and the main process reads the whole result."""
    reader, writer = Pipe(duplex=False)
    result = pool_message("Traceback (most recent call last): psycopg.OperationalError\n" * 5000)  # ~300 kB
    pid = os.fork()
    if pid == 0:  # the pool process, its task over
        code = 1
        try:
            reader.close()
            signal.signal(signal.SIGUSR1, soft_timeout_in_task_only)
            writer.send_bytes(result)
            code = 0
        finally:
            os._exit(code)
    writer.close()
    time.sleep(0.5)  # the pipe is full and the process waits in its write
    for _ in range(3):
        os.kill(pid, signal.SIGUSR1)
        time.sleep(0.05)
    received = reader.recv_bytes()
    _, status = os.waitpid(pid, 0)
    reader.close()

    assert os.waitstatus_to_exitcode(status) == 0
    assert received == result


def test_a_soft_time_limit_still_interrupts_a_running_task():
    previous = signal.signal(signal.SIGUSR1, soft_timeout_in_task_only)
    try:
        task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
        with pytest.raises(SoftTimeLimitExceeded):
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(1)  # the handler runs here at the latest
        task_postrun.send(sender=None, task_id="t", task=None, args=(), kwargs={}, retval=None, state="FAILURE")
        os.kill(os.getpid(), signal.SIGUSR1)  # after the task: nothing to interrupt
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGUSR1, previous)
