"""The suite across pytest-xdist workers (`make test` runs ``-n $(TEST_WORKERS) --dist loadgroup``).

Each worker is a desk of its own, so that no test sees another's state:

- its own database: the first worker to need one migrates the template (the test database's usual name, e.g.
  ``test_x``) once, and every worker copies it (``CREATE DATABASE test_x_gw1 TEMPLATE test_x``), which takes a
  second where a migration takes half a minute;
- its own Redis: when the suite runs on Redis (REDIS_URL set), the controller starts one private ``redis-server``
  per worker on a free port, and the worker's REDIS_URL names it, so its Celery worker never takes another's tasks
  and a test that empties its Redis empties nobody else's; the Redis that REDIS_URL named is never touched;
- its own DATA_DIR (the filesystem broker, liveness files, stored files), in a folder of the run.

The settings read the environment once, when pytest-django loads them, before any conftest: so the controller
sets each worker's REDIS_URL and DATA_DIR in the environment xdist starts it with (the spec's ``env``), rather
than patching settings afterwards. Live servers and the tests' HTTP servers already listen on port 0.

Tests that cannot share the machine with another test (a cluster of processes, fault tests that start
redis-servers, the browser) carry ``@pytest.mark.xdist_group(...)`` so that loadgroup runs each group on one worker.
A run without xdist (``TEST_WORKERS=0`` or ``-p no:xdist``) does none of this and uses the configured services,
as it always did.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

#: Set by the controller for its workers: the folder this run's workers share (locks, data directories).
RUN_DIR_ENV = "FACTDESK_TEST_RUN_DIR"

_servers: list[subprocess.Popen] = []
_run_dir: Path | None = None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis() -> tuple[subprocess.Popen, int]:
    """A private redis-server on a free port, nothing saved; the port is picked by binding, so two runs (or a
    fault test's own server) may race for it: a server that did not come up is started again on another port."""
    import socket
    import time

    for _ in range(5):
        port = _free_port()
        proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return proc, port
            except OSError:
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise pytest.UsageError("a private redis-server for a test worker did not start")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """In the controller, before xdist starts the workers: each worker's Redis and data directory."""
    global _run_dir
    _run_dir = Path(tempfile.mkdtemp(prefix="factdesk-tests-"))
    on_redis = bool(os.environ.get("REDIS_URL"))
    if on_redis and not shutil.which("redis-server"):
        raise pytest.UsageError(
            "Parallel tests on Redis give each worker a redis-server of its own, and none is installed: "
            "install redis-server, or run the suite serially (TEST_WORKERS=0)."
        )
    for spec in specs:
        data_dir = _run_dir / spec.id / "data"
        data_dir.mkdir(parents=True)
        spec.env[RUN_DIR_ENV] = str(_run_dir)
        spec.env["DATA_DIR"] = str(data_dir)
        if on_redis:
            proc, port = _start_redis()
            _servers.append(proc)
            spec.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"


def pytest_unconfigure(config):
    """In the controller, after the workers are done: the template database, the redis-servers, the run folder."""
    if _run_dir is None:
        return
    if (_run_dir / "template.ready").exists():
        _drop_template(config, (_run_dir / "template.ready").read_text())
    for proc in _servers:
        proc.terminate()
    for proc in _servers:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(_run_dir, ignore_errors=True)


def _drop_template(config, name: str) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


@contextmanager
def locked(path: Path):
    """Hold an exclusive lock on ``path`` (made if missing): one process of the run at a time, e.g. the first worker
    to need a template builds it while the others wait."""
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _worker_database(connection, worker: str, run_dir: Path) -> str:
    """Point ``connection`` at this worker's copy of the migrated template, made first if no worker has yet; returns
    the database's name before the test run, for the teardown."""
    from django.conf import settings

    alias = connection.alias
    old_name = connection.settings_dict["NAME"]
    clone = connection.settings_dict["TEST"]["NAME"]  # pytest-django's suffix: test_x_gw1
    template = clone.removesuffix(f"_{worker}")
    with locked(run_dir / "template.lock"):
        ready = run_dir / "template.ready"
        if not ready.exists():
            connection.settings_dict["TEST"]["NAME"] = template
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            connection.close()  # a database is copied only while no one is connected to it
            ready.write_text(template)
        connection.settings_dict["NAME"] = template
        # CREATE DATABASE clone TEMPLATE template; a clone left by a killed run is dropped first.
        connection.creation.clone_test_db(suffix=worker, verbosity=0, autoclobber=True)
    connection.settings_dict.update(connection.creation.get_test_db_clone_settings(worker))
    connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["NAME"]
    settings.DATABASES[alias]["NAME"] = connection.settings_dict["NAME"]  # processes the tests start read this
    connection.close()
    return old_name


_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
# Taken out of the environment, so that a pytest a test starts (the schema run on SQLite) is not taken for a worker.
_RUN_DIR = os.environ.pop(RUN_DIR_ENV, None)

if _WORKER and _RUN_DIR:

    @pytest.fixture(scope="session")
    def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
        """pytest-django's database set-up, with PostgreSQL databases copied from one migrated template. On
        SQLite each worker has its own in-memory database already, and pytest-django's set-up is kept."""
        from django.db import connections
        from django.test.utils import setup_databases, teardown_databases
        from pytest_django.fixtures import _get_databases_for_setup

        aliases, serialized = _get_databases_for_setup(request.session.items)
        postgres = {a for a in aliases if connections[a].vendor == "postgresql"}
        with django_db_blocker.unblock():
            old_names = {a: _worker_database(connections[a], _WORKER, Path(_RUN_DIR)) for a in sorted(postgres)}
            for alias in serialized & postgres:
                connections[alias]._test_serialized_contents = connections[alias].creation.serialize_db_to_string()
            others = setup_databases(
                verbosity=0, interactive=False, aliases=aliases - postgres, serialized_aliases=serialized - postgres
            )
        yield
        with django_db_blocker.unblock():
            for alias, old_name in old_names.items():
                connections[alias].creation.destroy_test_db(old_name, verbosity=0)
            teardown_databases(others, verbosity=0)


#: Tests that need the machine to themselves, by group: each group runs on one worker, one test at a time.
#: "processes": clusters of web, worker and beat processes (tests/scale), and fault tests that start, stop and
#: restart redis-servers of their own. "browser": Chromium, which takes a core of its own while a page renders.
_GROUPS = {
    "processes": ("tests/scale/", "tests/test_public_cache_outage.py", "tests/test_worker_consumer.py"),
    "browser": ("tests/browser/",),
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into the node ids
def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        for group, prefixes in _GROUPS.items():
            if path.startswith(prefixes) or (
                group == "processes" and "private_redis" in getattr(item, "fixturenames", ())
            ):
                item.add_marker(pytest.mark.xdist_group(group))
                break
