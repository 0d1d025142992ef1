"""Rows run on a schedule of their own (monitored feeds, harvested fact-checkers): each has ``active``,
``interval_minutes`` and a time stamp of its last run. One sweep from beat queues the due ones; "now" queues one at
once; the address and interval a desk member gives are checked the same way for both."""

from datetime import timedelta

from django.db import models
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.services.queueing import enqueue_after_commit, task
from claims.services.webhooks import WebhookRefused, check_destination

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 60 * 24 * 30


class Refused(ValueError):
    """A field a desk member gave that cannot be kept: which one, and why in their words."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def checked_url(url: str, refused: type[Refused]) -> str:
    try:
        return check_destination(url)
    except WebhookRefused as exc:  # the same fetch guard as webhooks: the reason is the guard's
        raise refused("url", exc.reason) from exc


def checked_interval(minutes: object, refused: type[Refused]) -> int:
    try:
        value = int(str(minutes))
    except ValueError:
        value = 0
    if not MIN_INTERVAL_MINUTES <= value <= MAX_INTERVAL_MINUTES:
        raise refused(
            "interval_minutes",
            _("The interval is in minutes, from %(low)d to %(high)d.")
            % {"low": MIN_INTERVAL_MINUTES, "high": MAX_INTERVAL_MINUTES},
        )
    return value


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
