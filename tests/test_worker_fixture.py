"""The suite's in-process Celery worker (tests/workers.py): when its test ends, no task of it runs on into the next
test, and no message of it waits in the broker for the next test's worker."""

import threading
import time

import pytest
from celery import shared_task

from tests.workers import running_worker

pytestmark = pytest.mark.worker

started = threading.Event()
ended = threading.Event()


@shared_task(name="tests.test_worker_fixture.linger")
def linger() -> None:
    """A task still busy when its test ends, as the demo's match_proposals was."""
    started.set()
    time.sleep(2)
    ended.set()


def waiting_messages(queue: str) -> int:
    from project.celery import app

    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue).message_count


def test_a_task_running_when_the_test_ends_has_ended_before_the_next_test(transactional_db):
    started.clear()
    ended.clear()
    with running_worker(concurrency=1):
        linger.delay()
        assert started.wait(30)
        linger.delay()  # taken or waiting behind the first when the worker stops
    assert ended.is_set()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("ThreadPoolExecutor")]
    assert waiting_messages("default") == 0
