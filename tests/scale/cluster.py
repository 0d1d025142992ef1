"""Processes for the scale-out and shutdown tests: a private redis-server, and web, worker and beat processes
started the way the Procfile starts them, against the test PostgreSQL database."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings

from tests.httpserver import SERVER_PORTS_SETTING

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, message) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message() if callable(message) else message)


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        with server.lock:
            server.seen.append(self.path)
            server.current += 1
            server.highest = max(server.highest, server.current)
        time.sleep(server.slow if self.path.startswith("/slow") else server.delay)
        with server.lock:
            server.current -= 1
        body = (
            f"<html><head><title>Page {self.path}</title></head><body><article><p>The page {self.path}. "
            f"{'Words of the story. ' * 40}</p></article></body></html>".encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def page_server(delay: float = 0.0, slow: float = 0.0) -> ThreadingHTTPServer:
    """A local news site, running: every page answers after ``delay`` seconds, pages under /slow after ``slow``;
    ``seen`` lists the paths asked for, ``highest`` the most requests it was answering at once."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    server.seen, server.delay, server.slow = [], delay, slow
    server.lock, server.current, server.highest = threading.Lock(), 0, 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Redis:
    """A private redis-server, so a test may restart it without touching anyone else's."""

    def __init__(self):
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: connects(self.port), 10, "redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


class Cluster:
    """Child processes sharing one environment; each logs to its own file under ``logs``."""

    def __init__(self, redis: Redis, logs: Path, *, separate_data: bool = False, **extra_env: str):
        """``separate_data``: each process its own DATA_DIR (``logs/data/<name>``), as on machines of their own, so
        that a file one writes reaches another only through the shared storage (S3_* in ``extra_env``)."""
        db = settings.DATABASES["default"]
        self.separate_data = separate_data
        self.redis = redis
        self.logs = logs
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": redis.url,
            "DATA_DIR": str(logs),
            "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
            "FETCH_ALLOWED_PORTS": SERVER_PORTS_SETTING,
            "FETCH_POLITENESS_DELAY": "0",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        self.env.pop("TEST_DATABASE_NAME", None)
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.procs: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, *args: str) -> subprocess.Popen:
        env = self.env
        if self.separate_data:
            env = {**self.env, "DATA_DIR": str(self.data_dir(name))}
            self.data_dir(name).mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "w") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs[name] = proc
        return proc

    def data_dir(self, name: str) -> Path:
        return self.logs / "data" / name if self.separate_data else self.logs

    def web(self, name: str, port: int) -> subprocess.Popen:
        return self.spawn(
            name,
            sys.executable,
            "-m",
            "gunicorn",
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        )

    def worker(self, name: str, queues: str, concurrency: int) -> subprocess.Popen:
        """A Celery worker with the Procfile's (prefork) pool on the given queues."""
        return self.spawn(
            name,
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--loglevel",
            "INFO",
        )

    def beat(self) -> subprocess.Popen:
        return self.spawn(
            "beat",
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(self.logs / "beat-schedule"),
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
