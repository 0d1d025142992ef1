"""The append-only history of a claim: every status, verdict and substantive change, who, when, why."""

from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """History rows are written once; nothing may change or delete them."""


class ClaimEventQuerySet(models.QuerySet["ClaimEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Claim history is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Claim history is append-only.")

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> NoReturn:
        # Django's bulk_update writes through an internal path that bypasses update() above.
        raise AppendOnlyError("Claim history is append-only.")

    def public(self) -> "ClaimEventQuerySet":
        """The events a claim's public timeline lists: status changes and corrections (shown with their
        ``public_note`` only, never their ``comment``)."""
        return self.filter(action__in=["transition", "correction"])


class ClaimEvent(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        TRANSITION = "transition", _("Status change")
        CORRECTION = "correction", _("Correction")
        #: A correction proposed, rewritten, sent back or withdrawn (desk only: the public timeline lists it once
        #: approved, as its correction or retraction).
        PROPOSAL = "proposal", _("Correction proposal")
        EVIDENCE = "evidence", _("Evidence changed")
        ATTENDEE = "attendee", _("Attendees changed")
        REANCHORED = "reanchored", _("Re-anchored")
        #: Assignee, reviewer or due date changed (claims.services.assignments).
        ASSIGNED = "assigned", _("Assignment changed")
        TAGGED = "tagged", _("Tags changed")
        DELETED = "deleted", _("Deleted")

    # No database foreign key: the history of a deleted draft outlives it.
    claim = models.ForeignKey("Claim", on_delete=models.DO_NOTHING, db_constraint=False, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    from_verdict = models.CharField(max_length=16, blank=True)
    to_verdict = models.CharField(max_length=16, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [before, after]}')
    #: The desk's internal remark; never shown to readers.
    comment = models.TextField(blank=True)
    #: Written for readers (publication, correction, retraction): the only text of an event the public sees.
    public_note = models.TextField(blank=True)

    objects = ClaimEventQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "at", "id"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Claim history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Claim history is append-only.")
