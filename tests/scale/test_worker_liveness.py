"""The worker liveness probe (`manage.py check_worker`, docs/deploy.md) against a real capture worker: alive while it
consumes, stuck when it stops taking the work waiting for it or its event loop freezes, alive again once it recovers.
"""

import os
import signal
import socket
import subprocess
import sys

import pytest

from claims.models import Capture
from project.celery import app
from tests.factories import SourceFactory
from tests.scale.cluster import ROOT, page_server, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

NODE = f"probed@{socket.gethostname()}"


def probe(cluster) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--name", NODE],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def celery(cluster, *command: str) -> str:
    """The celery command line an operator would run against this worker (the test's own app talks to another Redis)."""
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "project", *command, "-d", NODE, "--timeout", "10"],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    return done.stdout + done.stderr


def queue_captures(cluster, port: int, tag: str, n: int) -> list[Capture]:
    captures = []
    with app.connection_for_write(cluster.redis.url) as connection:
        for i in range(n):
            url = f"http://127.0.0.1:{port}/{tag}/{i}"
            capture = Capture.objects.create(source=SourceFactory(url=url), requested_url=url)
            app.send_task("claims.tasks.capture_source", args=[capture.pk], queue="captures", connection=connection)
            captures.append(capture)
    return captures


def all_done(captures) -> bool:
    return Capture.objects.filter(pk__in=[c.pk for c in captures], state=Capture.State.DONE).count() == len(captures)


@pytest.fixture
def setup(start_cluster):
    pages = page_server(delay=0.05)
    cluster = start_cluster(WORKER_LIVENESS_SECONDS="1", WORKER_STALL_SECONDS="3", FETCH_PER_HOST_CONCURRENCY="8")
    assert probe(cluster).returncode == 1, "no worker yet"
    worker = cluster.worker("probed", "captures", concurrency=2)
    wait_until(lambda: probe(cluster).returncode == 0, 90, lambda: f"{probe(cluster)}\n{cluster.log('probed')}")
    yield pages, cluster, worker
    pages.shutdown()


def test_probe_fails_while_a_connected_worker_leaves_its_queue_untaken(setup):
    pages, cluster, _ = setup
    port = pages.server_address[1]
    first = queue_captures(cluster, port, "first", 2)
    wait_until(lambda: all_done(first), 60, lambda: cluster.log("probed")[-3000:])
    assert probe(cluster).returncode == 0

    # Connected and answering remote control, but no longer taking its queue: what a stuck consumer looks like.
    assert "no longer consuming from captures" in celery(cluster, "control", "cancel_consumer", "captures")
    waiting = queue_captures(cluster, port, "waiting", 3)
    wait_until(lambda: probe(cluster).returncode == 1, 30, lambda: f"still alive: {probe(cluster)}")
    assert "is stuck" in probe(cluster).stderr
    assert "stopped making progress: 3 messages wait in captures" in cluster.log("probed")

    assert "pong" in celery(cluster, "inspect", "ping")  # a ping would never have told
    assert "add consumer captures" in celery(cluster, "control", "add_consumer", "captures")
    wait_until(lambda: all_done(waiting), 60, lambda: cluster.log("probed")[-3000:])
    wait_until(lambda: probe(cluster).returncode == 0, 30, lambda: f"not alive again: {probe(cluster)}")


def test_probe_fails_while_the_worker_is_frozen_and_passes_once_it_runs_again(setup):
    _, cluster, worker = setup
    os.kill(worker.pid, signal.SIGSTOP)  # the main process: its event loop, which refreshes the file, stops
    try:
        wait_until(lambda: probe(cluster).returncode == 1, 30, lambda: f"still alive: {probe(cluster)}")
    finally:
        os.kill(worker.pid, signal.SIGCONT)
    wait_until(lambda: probe(cluster).returncode == 0, 30, lambda: f"not alive again: {probe(cluster)}")
