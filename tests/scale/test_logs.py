"""Structured logs as deployed (LOG_FORMAT=json): one JSON object per line, from the web with the request's id and
from a Celery worker with the task's id."""

import json
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Capture
from project.celery import app
from tests.factories import SourceFactory
from tests.scale.cluster import ROOT, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def json_lines(text: str) -> list[dict]:
    """Every line of ``text`` as JSON (a line that is not JSON fails the test)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def cluster(start_cluster):
    return start_cluster(LOG_FORMAT="json")


def test_web_log_lines_are_json_with_the_request_id(cluster):
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get('/no-such-page/', HTTP_X_REQUEST_ID='req-42'); print(r['X-Request-ID'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "req-42"
    lines = json_lines(done.stderr)
    assert lines, done.stderr
    not_found = [line for line in lines if "Not Found: /no-such-page/" in line["message"]]
    assert not_found and not_found[0]["request_id"] == "req-42" and not_found[0]["levelname"] == "WARNING"


def test_worker_log_lines_are_json_with_the_task_id(cluster):
    stuck = Capture.objects.create(
        source=SourceFactory(url="http://127.0.0.1:9/lost"), requested_url="http://127.0.0.1:9/lost"
    )
    Capture.objects.filter(pk=stuck.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    cluster.worker("other", "default", concurrency=1)
    task_id = str(uuid.uuid4())
    with app.connection_for_write(cluster.redis.url) as connection:
        app.send_task("claims.tasks.sweep_captures", queue="default", task_id=task_id, connection=connection)

    def worker_lines():
        # The banner and the shutdown notice are printed, not logged; everything logged is JSON.
        return json_lines("\n".join(line for line in cluster.log("other").splitlines() if line.startswith("{")))

    def swept():
        return [line for line in worker_lines() if "sweeper re-queued 1 captures" in line["message"]]

    wait_until(swept, 60, lambda: cluster.log("other"))
    assert swept()[0]["request_id"] == task_id
    # Celery's own lines go through the same formatter: the worker's log is JSON throughout.
    succeeded = [line for line in worker_lines() if f"[{task_id}] succeeded" in line["message"]]
    assert succeeded
