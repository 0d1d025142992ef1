"""Sending Celery tasks from services: after the transaction commits, and never failing the user's request.

Job state lives in the database, so a message lost because the broker was down is not lost work: the sweeper
re-queues captures stuck in "queued". The web keeps answering while Redis restarts.

The tasks call the services, so the services never import ``claims.tasks``: they name the task they send, and
this module alone imports it, when it is first sent.
"""

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import models, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
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


def queue_now(model: type[models.Model], pk: int, *, stamp: str, task_name: str) -> None:
    """Queue ``task_name`` for row ``pk`` at once, whatever its schedule: its ``stamp`` moves to now, so the sweep
    below does not queue it again (after the commit)."""
    model._default_manager.filter(pk=pk).update(**{stamp: timezone.now()})
    enqueue_after_commit(task(task_name), pk)


def queue_due(model: type[models.Model], *, stamp: str, task_name: str, limit: int = 500) -> int:
    """Queue ``task_name`` for each active row of ``model`` whose ``interval_minutes`` has passed since its
    ``stamp``. Each row is claimed by moving its stamp (compare and swap), so two sweeps never queue the same run
    twice. Returns how many were queued."""
    now = timezone.now()
    interval = ExpressionWrapper(F("interval_minutes") * timedelta(minutes=1), output_field=DurationField())
    due = (
        model._default_manager.filter(active=True)
        .annotate(due_at=F(stamp) + interval)
        .filter(Q(**{f"{stamp}__isnull": True}) | Q(due_at__lte=now))
        .values_list("pk", stamp)[:limit]
    )
    queued = 0
    for pk, last in due:
        if model._default_manager.filter(pk=pk, **{stamp: last}).update(**{stamp: now}):
            enqueue_after_commit(task(task_name), pk)
            queued += 1
    return queued
