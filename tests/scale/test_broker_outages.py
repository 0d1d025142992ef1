"""Capture workers keep consuming through Redis outages: short, long, repeated, and flapping within seconds.

Two capture workers as deployed (prefork, `-Q captures`) work through a steady flow of captures of a local news site
while their private redis-server is stopped and started again, with nothing persisted, so what was queued is lost.
After every outage each worker must take and finish new captures, and its liveness probe must say it is alive.
(Before project/worker_pool.py, a worker could read a pool process's result from its middle after a reconnect, and
stopped consuming for good.)
"""

import contextlib
import socket
import subprocess
import sys
import threading
import time

import pytest

from claims.models import Capture, Source
from project.celery import app
from tests.scale.cluster import ROOT, page_server, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

WORKERS = {"capture-a": 3, "capture-b": 2}
# Seconds Redis stays down, then up again for a moment, in one outage.
OUTAGES = {
    "short": [0.5],
    "long": [15],
    "flapping": [0.3, 1, 0.2, 2, 0.1],
    "short again": [1],
}
# After Redis is back a worker may wait out its reconnect backoff (2, 4, 6... s after the loss) before it takes work.
RESUME_SECONDS = 90


def captures_of(port: int, n: int) -> list[int]:
    """Queued captures of n pages of the local news site, as adding sources through the web leaves them."""
    urls = [f"http://127.0.0.1:{port}/story/{i}" for i in range(n)]
    sources = Source.objects.bulk_create(Source(url=url, original_url=url, kind="news") for url in urls)
    captures = Capture.objects.bulk_create(Capture(source=s, requested_url=s.url) for s in sources)
    return [capture.pk for capture in captures]


class SteadyFlow(threading.Thread):
    """Sends a capture job every few tens of milliseconds, as the web and the sweeper do; a job sent while Redis is
    down is dropped (its capture stays queued, which the sweeper would handle; no sweeper runs here)."""

    def __init__(self, redis_url: str, capture_ids: list[int]):
        super().__init__(daemon=True)
        self.redis_url = redis_url
        self.capture_ids = iter(capture_ids)
        self.stopping = threading.Event()

    def run(self):
        for capture_id in self.capture_ids:
            if self.stopping.wait(0.03):
                return
            # kombu and redis raise many errors here; all mean "Redis is down".
            with contextlib.suppress(Exception), app.connection_for_write(self.redis_url) as connection:
                app.send_task(
                    "claims.tasks.capture_source",
                    args=[capture_id],
                    queue="captures",
                    connection=connection,
                    retry=False,
                )


def finished(log: str) -> int:
    return log.count("] succeeded in ")


def probe(cluster, nodename: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--name", nodename],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_consumes(cluster, name: str, *, since: int, outage: str) -> None:
    wait_until(
        lambda: finished(cluster.log(name)) >= since + 3,
        RESUME_SECONDS,
        lambda: f"{name} stopped consuming after the {outage} outage:\n{cluster.log(name)[-6000:]}",
    )


@pytest.fixture
def cluster(start_cluster):
    pages = page_server(delay=0.2)
    cluster = start_cluster(
        FETCH_PER_HOST_CONCURRENCY="16",
        CELERY_VISIBILITY_TIMEOUT="5",
        FETCH_TOTAL_TIMEOUT="3",
        FETCH_CONNECT_TIMEOUT="1",
        FETCH_READ_TIMEOUT="2",
        WORKER_LIVENESS_SECONDS="1",
        WORKER_STALL_SECONDS="5",
    )
    for name, concurrency in WORKERS.items():
        cluster.worker(name, "captures", concurrency=concurrency)
    cluster.pages = pages
    yield cluster
    pages.shutdown()


def test_capture_workers_resume_consuming_after_every_kind_of_redis_outage(cluster):
    nodes = {name: f"{name}@{socket.gethostname()}" for name in WORKERS}
    flow = SteadyFlow(cluster.redis.url, captures_of(cluster.pages.server_address[1], 5_000))
    flow.start()
    try:
        for name in WORKERS:
            wait_until(lambda n=name: finished(cluster.log(n)) >= 2, 120, lambda n=name: f"{n} never worked")
        for outage, downtimes in OUTAGES.items():
            for down in downtimes:
                cluster.redis.stop()
                time.sleep(down)
                cluster.redis.start()
                time.sleep(0.5)
            before = {name: finished(cluster.log(name)) for name in WORKERS}
            for name in WORKERS:
                assert_consumes(cluster, name, since=before[name], outage=outage)
            for node in nodes.values():
                wait_until(
                    lambda n=node: probe(cluster, n).returncode == 0,
                    30,
                    lambda n=node, o=outage: f"probe of {n} after the {o} outage: {probe(cluster, n)}",
                )
    finally:
        flow.stopping.set()
        flow.join(10)
    for name in WORKERS:
        assert "Unrecoverable error" not in cluster.log(name), cluster.log(name)[-6000:]
