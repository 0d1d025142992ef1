"""Capture jobs through Redis and real Celery workers: an in-process worker for the page cases, worker processes
for a worker killed mid-capture and for two workers racing on one URL."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from claims.models import Capture, Source
from claims.services.captures import recapture, sweep_stuck_captures
from claims.services.sources import queue_capture
from claims.tasks import capture_source
from tests.capturing import ARABIC, HEADLINE, SERVER_PORTS_SETTING, Route, arabic_page, english_page, gzip_bomb
from tests.fetching.test_capture import make_pdf
from tests.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_broker(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker tests run through Redis")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # this task's own Redis database: old messages and slots


@pytest.fixture
def capture_worker(transactional_db, clean_broker, fetch_settings):
    """A real worker thread pool consuming the capture queue from Redis."""
    from tests.workers import running_worker

    with running_worker(concurrency=4, queues=["captures", "default"]) as worker:
        yield worker


def capture_of(url: str) -> Capture:
    """Add the source the way the desk does: the capture is queued and sent to the broker after commit."""
    source = Source.objects.create(url=url, original_url=url)
    return queue_capture(source=source, trigger="new")


def finished(capture: Capture) -> Capture:
    assert wait_for(lambda: Capture.objects.get(pk=capture.pk).state in ("done", "failed"))
    return Capture.objects.get(pk=capture.pk)


def test_arabic_windows_1256_page(capture_worker, server):
    url = server.route(
        "/ar", body=arabic_page().encode("windows-1256"), headers=[("Content-Type", "text/html; charset=windows-1256")]
    )
    capture = finished(capture_of(url))
    assert (capture.state, capture.title, capture.language) == ("done", HEADLINE, "ar")
    assert ARABIC in capture.text and capture.warc.name


def test_redirect_chain(capture_worker, server):
    final = server.route("/final", body=english_page("Moved here."))
    url = server.route("/old", status=301, headers=[("Location", final)])
    capture = finished(capture_of(url))
    assert (capture.state, capture.final_url, capture.redirect_chain) == ("done", final, [[url, 301]])


def test_redirect_to_an_internal_address_is_refused(capture_worker, server, internal_server):
    url = server.route("/go", status=302, headers=[("Location", internal_server.route("/x", body=b"secret"))])
    capture = finished(capture_of(url))
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "UnsafeDestination", 1)
    assert internal_server.seen == []


def test_missing_page_is_gone(capture_worker, server):
    capture = finished(capture_of(server.url("/missing")))
    assert (capture.state, capture.gone, capture.attempts) == ("failed", True, 1)
    assert Source.objects.get(pk=capture.source_id).health == "gone"


def test_server_error_then_success_is_retried(capture_worker, server):
    url = server.routes_in_turn("/flaky", Route(status=500, body=b"err"), Route(body=english_page("Fine now.")))
    capture = finished(capture_of(url))
    assert (capture.state, capture.attempts, server.hits("/flaky")) == ("done", 2, 2)


def test_too_many_requests_is_retried_after_the_wait_asked(capture_worker, server):
    url = server.routes_in_turn(
        "/limited", Route(status=429, body=b"wait", headers=[("Retry-After", "1")]), Route(body=english_page("Served."))
    )
    capture = finished(capture_of(url))
    assert (capture.state, capture.attempts) == ("done", 2)


def test_slow_response_times_out_and_fails_after_retries(capture_worker, server, settings):
    settings.FETCH_MAX_ATTEMPTS = 2
    url = server.route("/slow", body=english_page("Late."), delay=3)
    capture = finished(capture_of(url))
    assert (capture.state, capture.error_class, capture.attempts, capture.gone) == ("failed", "Timeout", 2, False)


def test_body_past_the_size_cap_is_refused(capture_worker, server, settings):
    url = server.route("/huge", body=b"<p>" + b"x" * (settings.FETCH_MAX_BYTES + 10) + b"</p>")
    capture = finished(capture_of(url))
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "TooLarge", 1)


def test_gzip_bomb_stops_at_the_size_cap(capture_worker, server, settings):
    bomb = gzip_bomb(50 * settings.FETCH_MAX_BYTES)
    url = server.route("/bomb", body=bomb, headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    capture = finished(capture_of(url))
    assert len(bomb) < settings.FETCH_MAX_BYTES
    assert (capture.state, capture.error_class) == ("failed", "TooLarge")


def test_pdf_keeps_the_file(capture_worker, server):
    pdf = make_pdf("Haftar visited Moscow in 2018", "Libya report", "Desk Research")
    url = server.route("/r.pdf", body=pdf, headers=[("Content-Type", "application/pdf")])
    capture = finished(capture_of(url))
    assert capture.state == "done" and capture.body_file.read() == pdf
    assert capture.text == "Haftar visited Moscow in 2018"


def test_page_changed_between_captures(capture_worker, server):
    url = server.routes_in_turn(
        "/story", Route(body=english_page("About 2,000 fighters.")), Route(body=english_page("About 1,200 fighters."))
    )
    first = finished(capture_of(url))
    second = finished(recapture(source=first.source))
    assert (first.changed, second.changed, second.pk != first.pk) == (False, True, True)
    assert Capture.objects.filter(source=first.source, state="done").count() == 2
    assert Source.objects.get(pk=first.source_id).health == "changed"


# Worker processes: a capture survives its worker being killed, and two workers never fetch one URL twice.


@pytest.fixture
def worker_processes(transactional_db, clean_broker, fetch_settings, settings):
    database = settings.DATABASES["default"]
    env = os.environ | {
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "FETCH_ALLOWED_PORTS": SERVER_PORTS_SETTING,
        "FETCH_POLITENESS_DELAY": "0",
        "FETCH_PER_HOST_CONCURRENCY": "8",
        "FETCH_READ_TIMEOUT": "60",
        "FETCH_TOTAL_TIMEOUT": "60",
    }
    started = []

    def start(name: str) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "-Q",
            "captures,default",
            "--pool",
            "solo",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        started.append(process)
        from project.celery import app

        hostname = f"{name}@{socket.gethostname()}"
        assert wait_for(lambda: app.control.ping(destination=[hostname], timeout=0.5), timeout=60)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_capture_completes_once_after_its_worker_is_killed(worker_processes, server):
    url = server.routes_in_turn(
        "/hang", Route(body=english_page("First try."), delay=60), Route(body=english_page("Second try."))
    )
    first_worker = worker_processes("first")
    capture = capture_of(url)
    assert wait_for(lambda: Capture.objects.get(pk=capture.pk).state == "fetching" and server.hits("/hang") == 1)
    first_worker.send_signal(signal.SIGKILL)
    first_worker.wait()
    # Time passes: the dead worker's lease runs out and the sweeper re-sends the job to a live worker.
    Capture.objects.filter(pk=capture.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    worker_processes("second")
    assert sweep_stuck_captures() == 1
    done = finished(capture)
    assert (done.state, done.attempts, "Second try." in done.text) == ("done", 2, True)
    assert Capture.objects.filter(source=capture.source).count() == 1


def test_two_workers_racing_on_one_url_make_one_capture(worker_processes, server):
    url = server.route("/contested", body=english_page("Only once."), delay=1)
    worker_processes("one")
    worker_processes("two")
    capture = capture_of(url)
    capture_source.delay(capture.pk)  # a duplicate delivery, as when the sweeper re-sends a slow job
    assert queue_capture(source=capture.source) == capture
    done = finished(capture)
    time.sleep(1.5)  # give the duplicate time to be consumed and refused
    assert (done.state, done.attempts, server.hits("/contested")) == ("done", 1, 1)
    assert Capture.objects.filter(source=capture.source).count() == 1
