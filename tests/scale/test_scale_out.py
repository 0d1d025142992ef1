"""Scale-out and faults, laid out as docs/deploy.md describes: two web processes, two capture workers
(`-Q captures`), one worker for everything else (`-Q default`) and beat, on one PostgreSQL and a Redis of their own.

200 sources are added through the API of both web processes; every one is captured exactly once with the work
shared by both capture workers, even though one of them is SIGKILLed mid-run and Redis is restarted (losing its
queue) while captures are in flight; beat's sweeper, run by the default-queue worker, re-queues what was lost, and
the web keeps answering throughout. Each process has a data directory of its own, as on separate machines: the
WARCs the workers write reach the web processes only through the object storage (a local S3 server).
"""

import os
import signal

import pytest
import requests
from django.db.models import Count
from rest_framework.authtoken.models import Token

from claims.models import Capture, Source
from tests.factories import UserFactory
from tests.objectstore import object_store
from tests.scale.cluster import connects, free_port, page_server, wait_until

N_SOURCES = 200

pytestmark = [pytest.mark.slow, pytest.mark.worker]


@pytest.fixture
def bucket():
    with object_store() as store:
        yield store


@pytest.fixture
def cluster(start_cluster, bucket):
    pages = page_server(delay=0.05)
    cluster = start_cluster(
        separate_data=True,
        **bucket.env,
        FETCH_PER_HOST_CONCURRENCY="16",
        CELERY_VISIBILITY_TIMEOUT="5",
        # Short limits so a killed worker's lease runs out, and lost messages are re-sent, within the test.
        FETCH_TOTAL_TIMEOUT="2",
        FETCH_CONNECT_TIMEOUT="1",
        FETCH_READ_TIMEOUT="2",
        SWEEP_QUEUED_GRACE_SECONDS="3",
        SWEEP_SECONDS="2",
        RECAPTURE_SCHEDULE_SECONDS="3600",
    )
    web_ports = [free_port(), free_port()]
    for i, port in enumerate(web_ports):
        cluster.web(f"web{i}", port)
    for i in range(2):
        cluster.worker(f"capture{i}", "captures", concurrency=3)
    cluster.worker("other", "default", concurrency=1)
    cluster.beat()
    for port in web_ports:
        wait_until(lambda p=port: connects(p), 30, "gunicorn did not start")
    cluster.pages = pages
    cluster.web_ports = web_ports
    cluster.bucket = bucket
    yield cluster
    pages.shutdown()


def test_two_webs_two_workers_capture_every_source_once_through_faults(cluster):
    editor = UserFactory(username="scale-editor", role="editor")
    token = Token.objects.create(user=editor).key
    pages_port = cluster.pages.server_address[1]
    web = [requests.Session() for _ in cluster.web_ports]
    for session in web:
        session.headers["Authorization"] = f"Token {token}"
    web_errors = []

    def add(i):
        port = cluster.web_ports[i % 2]
        response = web[i % 2].post(
            f"http://127.0.0.1:{port}/api/v1/sources/",
            json={"url": f"http://127.0.0.1:{pages_port}/story/{i}", "kind": "news"},
            timeout=30,
        )
        if response.status_code != 201:
            web_errors.append((i, response.status_code, response.text[:200]))

    for i in range(N_SOURCES // 2):
        add(i)
    # Kill one capture worker outright (its pool processes too) while captures are in flight, once both have
    # finished some.
    wait_until(
        lambda: all("succeeded" in cluster.log(f"capture{i}") for i in range(2)),
        90,
        "both capture workers should take part",
    )
    os.killpg(cluster.procs["capture0"].pid, signal.SIGKILL)
    # Restart Redis: whatever was queued in it is lost (no persistence).
    cluster.redis.stop()
    for i in range(N_SOURCES // 2, N_SOURCES):
        add(i)  # the web keeps answering: sources are saved even while the broker is down
    cluster.redis.start()
    for port in cluster.web_ports:
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200

    # Nobody sweeps by hand: beat sends the sweeper every 2 s, and the default-queue worker runs it.
    wait_until(
        lambda: Capture.objects.filter(state="done").count() >= N_SOURCES,
        300,
        lambda: f"captures not done: {dict(Capture.objects.values_list('state').annotate(n=Count('id')).order_by())}",
    )
    assert not web_errors, web_errors[:5]
    assert Source.objects.count() == N_SOURCES
    per_source = Capture.objects.filter(state="done").values_list("source_id", flat=True)
    assert sorted(per_source) == sorted(Source.objects.values_list("id", flat=True)), "each captured exactly once"
    assert not Capture.objects.exclude(state="done").exists()
    # The queues were split as deployed: captures only on the capture workers, the sweeper only on the other one.
    assert "Sending due task sweep-stuck-captures" in cluster.log("beat")
    assert "Task claims.tasks.sweep_captures[" in cluster.log("other")
    assert "Task claims.tasks.capture_source[" not in cluster.log("other")
    for name in ("capture0", "capture1"):
        assert "Task claims.tasks.sweep_captures[" not in cluster.log(name)

    # Every WARC was written by a capture worker to the bucket, none to a disk, and a web process that wrote none
    # serves each one it is asked for from there. A run that stored its files and then lost its capture (the
    # SIGKILLed worker's, or one whose lease ran out under these short limits and was redone) leaves its objects
    # behind: the bucket may hold more than the captures name, never fewer.
    warcs = list(Capture.objects.values_list("pk", "warc"))
    stored = {key for key in cluster.bucket.object_keys() if key.startswith("warc/")}
    assert {name for _pk, name in warcs} <= stored
    for name in ("web0", "web1", "capture0", "capture1", "other", "beat"):
        assert not list((cluster.data_dir(name) / "media").rglob("*.warc.gz")), name
    for pk, name in warcs[:5]:
        response = web[1].get(f"http://127.0.0.1:{cluster.web_ports[1]}/api/v1/captures/{pk}/warc/", timeout=30)
        assert response.status_code == 200 and response.content == cluster.bucket.read(name)
