"""An in-process Celery worker for the tests (a thread pool consuming from the configured broker), which leaves
nothing running and nothing queued behind it when its test ends.

Celery's ``start_worker`` stops its worker cold (``celery.worker.state.should_terminate``), and a thread pool's cold
stop does nothing: the tasks its threads are running go on after the worker thread has gone and the test is over.
A task the worker took near the end of a test (the demo's ``match_proposals``, which embeds each proposal and then
writes) then ran inside the next test of the same process, and its writes moved the desk's write generation under a
test that counts queries (tests/api/test_desk_list_cache.py). The cold stop also closes the broker connection
under those tasks, which gives their unacknowledged messages back to the queue, and the messages the worker had
taken but not started stay there too: the next test's worker ran them.

So the worker here stops warm, as a deployed worker does on SIGTERM: it takes no more messages, waits for the
tasks it is running, acknowledges them, and only then closes its connection. The queues it consumed are then
purged, so a later test's worker starts with this test's messages gone.
"""

from contextlib import contextmanager

#: Seconds a stopping worker waits for its running tasks; longer than any task the suite lets run to its end.
SHUTDOWN_TIMEOUT = 30


@contextmanager
def running_worker(*, concurrency: int = 2, queues: list[str] | None = None):
    """A started worker thread pool (``queues``: the queues it consumes; all the app's when None)."""
    from celery.contrib.testing.worker import start_worker
    from celery.worker import state

    from project.celery import app

    options = {"queues": queues} if queues else {}
    with start_worker(
        app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        **options,
    ) as worker:
        try:
            yield worker
        finally:
            _stop_warm(worker, state)
    _purge(app, queues or [queue.name for queue in app.amqp.queues.consume_from.values()])


def _stop_warm(worker, state) -> None:
    """Stop ``worker`` the way its SIGTERM handler would, and wait until it has (its running tasks ended)."""
    state.should_stop = 0  # the worker's event loop reads it and raises WorkerShutdown: a warm shutdown
    try:
        stopped = worker.blueprint.shutdown_complete.wait(SHUTDOWN_TIMEOUT)
    finally:
        state.should_stop = None  # the flag is the process's, and the next test's worker must not stop at once
    if not stopped:
        running = sorted(request.name for request in state.active_requests)
        raise RuntimeError(f"the test worker still runs {running} {SHUTDOWN_TIMEOUT} s after it was asked to stop")


def _purge(app, queues: list[str]) -> None:
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in queues:
            channel.queue_purge(queue)
