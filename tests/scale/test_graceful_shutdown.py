"""Graceful shutdown of a capture worker, as a process manager stops one (SIGTERM to the worker's main process):
it finishes the capture it is running, takes no new one, and exits cleanly; what is still queued waits in the
broker for the next worker."""

import signal
import uuid

import pytest

from claims.models import Capture
from project.celery import app
from tests.factories import SourceFactory
from tests.scale.cluster import page_server, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

SLOW_SECONDS = 4


@pytest.fixture
def setup(start_cluster):
    pages = page_server(slow=SLOW_SECONDS)
    cluster = start_cluster(FETCH_PER_HOST_CONCURRENCY="4", FETCH_TOTAL_TIMEOUT="20", FETCH_READ_TIMEOUT="15")
    yield pages, cluster
    pages.shutdown()


def queue_capture(redis_url: str, url: str) -> tuple[Capture, str]:
    """A queued capture row and its message in the private Redis (what adding a source through the web does)."""
    source = SourceFactory(url=url)
    capture = Capture.objects.create(source=source, requested_url=url)
    task_id = str(uuid.uuid4())
    with app.connection_for_write(redis_url) as connection:
        app.send_task(
            "claims.tasks.capture_source", args=[capture.pk], queue="captures", task_id=task_id, connection=connection
        )
    return capture, task_id


def test_sigterm_lets_the_running_capture_finish_and_leaves_the_queue_to_the_next_worker(setup):
    pages, cluster = setup
    port = pages.server_address[1]
    first = cluster.worker("first", "captures", concurrency=1)
    slow, slow_task = queue_capture(cluster.redis.url, f"http://127.0.0.1:{port}/slow/1")
    wait_until(lambda: "/slow/1" in pages.seen, 60, lambda: f"the worker never fetched: {cluster.log('first')}")
    waiting, waiting_task = queue_capture(cluster.redis.url, f"http://127.0.0.1:{port}/fast/2")

    first.send_signal(signal.SIGTERM)  # the main process only, as systemd (KillMode=mixed) or Docker stop it
    assert first.wait(60) == 0, cluster.log("first")

    slow.refresh_from_db()
    waiting.refresh_from_db()
    log = cluster.log("first")
    assert slow.state == Capture.State.DONE, (slow.state, slow.error, log)
    assert slow.title == "Page /slow/1"
    assert f"capture_source[{slow_task}] succeeded" in log
    assert "Warm shutdown" in log
    # It took nothing new while shutting down: the second capture waits in the broker, untouched.
    assert waiting.state == Capture.State.QUEUED and waiting.attempts == 0, (waiting.state, log)
    assert waiting_task not in log
    assert "/fast/2" not in pages.seen

    cluster.worker("second", "captures", concurrency=1)
    wait_until(
        lambda: f"capture_source[{waiting_task}] succeeded" in cluster.log("second"),
        60,
        lambda: f"the next worker did not take the waiting capture: {cluster.log('second')}",
    )
    assert Capture.objects.get(pk=waiting.pk).state == Capture.State.DONE
    assert Capture.objects.filter(state=Capture.State.DONE).count() == 2
    assert pages.seen.count("/slow/1") == 1
