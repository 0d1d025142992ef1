"""Scale-out and faults: two web processes and two Celery workers on one PostgreSQL and a Redis of their own.

200 sources are added through the API of both web processes; every one is captured exactly once with the work
shared by both workers, even though one worker is SIGKILLed mid-run and Redis is restarted (losing its queue)
while captures are in flight; the sweeper re-queues what was lost, and the web keeps answering throughout.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db.models import Count
from rest_framework.authtoken.models import Token

from claims.models import Capture, Source
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
N_SOURCES = 200

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowPages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        time.sleep(0.05)
        body = f"<html><head><title>Story {self.path}</title></head><body><article><p>Report number {self.path}. " \
               f"{'Words of the story. ' * 40}</p></article></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Redis:
    """A private redis-server, so the test may restart it without touching anyone else's."""

    def __init__(self):
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _connects(self.port), 10, "redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


def _connects(port) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def wait_until(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


@pytest.fixture
def cluster(transactional_db, tmp_path):
    if not settings.IS_POSTGRES or not shutil.which("redis-server"):
        pytest.skip("the scale-out test needs PostgreSQL and redis-server")
    pages = ThreadingHTTPServer(("127.0.0.1", 0), SlowPages)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    redis = Redis()
    redis.start()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis.url,
        "DATA_DIR": str(tmp_path),
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "FETCH_POLITENESS_DELAY": "0",
        "FETCH_PER_HOST_CONCURRENCY": "16",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        # Short limits so a killed worker's lease runs out, and lost messages are re-sent, within the test.
        "FETCH_TOTAL_TIMEOUT": "2",
        "FETCH_CONNECT_TIMEOUT": "1",
        "FETCH_READ_TIMEOUT": "2",
        "SWEEP_QUEUED_GRACE_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_NAME", None)
    procs = {}

    def spawn(name, *args):
        with open(tmp_path / f"{name}.log", "w") as log:  # the child keeps its own copy of the descriptor
            procs[name] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)

    web_ports = [free_port(), free_port()]
    for i, port in enumerate(web_ports):
        spawn(f"web{i}", sys.executable, "-m", "gunicorn", "project.wsgi", "--bind", f"127.0.0.1:{port}",
              "--workers", "1", "--threads", "4")
    for i in range(2):
        spawn(f"worker{i}", sys.executable, "-m", "celery", "-A", "project", "worker", "-Q", "captures,default",
              "--concurrency", "4", "--pool", "threads", "-n", f"w{i}@%h", "--loglevel", "INFO")
    for port in web_ports:
        wait_until(lambda p=port: _connects(p), 30, "gunicorn did not start")
    yield {"pages": pages, "redis": redis, "env": env, "procs": procs, "web_ports": web_ports, "logs": tmp_path}
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    redis.stop()
    pages.shutdown()


def sweep(env):
    """What beat's sweeper does: re-queue captures stuck in queued/fetching past their lease."""
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from claims.services.captures import sweep_stuck_captures; sweep_stuck_captures()"],
                   cwd=ROOT, env=env, check=True, timeout=60)


def test_two_webs_two_workers_capture_every_source_once_through_faults(cluster):
    editor = UserFactory(username="scale-editor", role="editor")
    token = Token.objects.create(user=editor).key
    pages_port = cluster["pages"].server_address[1]
    web = [requests.Session() for _ in cluster["web_ports"]]
    for session in web:
        session.headers["Authorization"] = f"Token {token}"
    web_errors = []

    def add(i):
        port = cluster["web_ports"][i % 2]
        response = web[i % 2].post(f"http://127.0.0.1:{port}/api/v1/sources/",
                                   json={"url": f"http://127.0.0.1:{pages_port}/story/{i}", "kind": "news"},
                                   timeout=30)
        if response.status_code != 201:
            web_errors.append((i, response.status_code, response.text[:200]))

    for i in range(N_SOURCES // 2):
        add(i)
    # Kill one worker outright while captures are in flight, once both have finished some.
    logs = cluster["logs"]
    wait_until(lambda: all("succeeded" in (logs / f"worker{i}.log").read_text() for i in range(2)), 90,
               "both workers should take part")
    os.killpg(cluster["procs"]["worker0"].pid, signal.SIGKILL)
    # Restart Redis: whatever was queued in it is lost (no persistence).
    cluster["redis"].stop()
    for i in range(N_SOURCES // 2, N_SOURCES):
        add(i)  # the web keeps answering: sources are saved even while the broker is down
    cluster["redis"].start()
    for port in cluster["web_ports"]:
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200

    def all_done():
        if Capture.objects.filter(state="done").count() >= N_SOURCES:
            return True
        sweep(cluster["env"])
        time.sleep(2)
        return False

    wait_until(all_done, 300, lambda: f"captures not done: {dict(Capture.objects.values_list('state').annotate(n=Count('id')).order_by())}")
    assert not web_errors, web_errors[:5]
    assert Source.objects.count() == N_SOURCES
    per_source = Capture.objects.filter(state="done").values_list("source_id", flat=True)
    assert sorted(per_source) == sorted(Source.objects.values_list("id", flat=True)), "each captured exactly once"
    assert not Capture.objects.exclude(state="done").exists()
