"""Sending Celery tasks from services: after the transaction commits, and never failing the user's request.

Job state lives in the database, so a message lost because the broker was down is not lost work: the sweeper
re-queues captures stuck in "queued". The web keeps answering while Redis restarts.

The tasks call the services, so the services never import ``claims.tasks``: they name the task they send, and
this module alone imports it, when it is first sent.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

#: Fail fast when the broker is down instead of holding the request for Celery's default retry budget.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def task(name: str) -> Task[Any, Any]:
    """The Celery task ``claims.tasks.<name>``."""
    found: Task[Any, Any] = import_string(f"claims.tasks.{name}")
    return found


def send_task(task: Task[Any, Any], *args: object) -> None:
    try:
        task.apply_async(args, retry=True, retry_policy=RETRY_POLICY)
    except Exception:  # kombu/redis raise many connection errors; all mean "the broker is unreachable now"
        log.warning(
            "broker unreachable: %s%r not sent now; the sweeper will re-queue it", task.name, args, exc_info=True
        )


def enqueue_after_commit(task: Task[Any, Any], *args: object) -> None:
    """Send ``task(*args)`` once the current transaction commits (the worker must see the committed rows)."""
    transaction.on_commit(lambda: send_task(task, *args))
