"""The team's desk: topics (tags) on claims and articles, the desk-wide reminder settings, and the reminders sent."""

from typing import Any

from django.db import models
from django.utils.text import slugify

#: The statuses a claim can sit in too long: the desk's own work, before readers see it.
AGED_STATUSES = ("draft", "researching", "in_review")
#: Default age limits in days per status, until an admin changes them.
DEFAULT_AGE_LIMITS = {"draft": 14, "researching": 7, "in_review": 2}


def tag_slug(name: str) -> str:
    """The tag's address: Arabic names keep their letters (``allow_unicode``), as claim slugs do."""
    return slugify(name, allow_unicode=True)[:80]


class Tag(models.Model):
    """A topic the desk files claims and articles under; public only through published claims."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="tag_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = tag_slug(self.name)
        super().save(*args, **kwargs)


class DeskSettings(models.Model):
    """One row for the whole desk (pk 1): how long a claim may sit in each status, and whether reminders go out.

    Read with ``DeskSettings.load()``; written only through claims.services.assignments.update_desk_settings.
    """

    age_limits = models.JSONField(
        default=dict, blank=True, help_text='Days a claim may sit in each status before a reminder: {"researching": 7}.'
    )
    reminders_enabled = models.BooleanField(default=True)
    #: Ask a public web archive to keep its own copy of every page the desk captures (claims.services.third_party).
    third_party_copies = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "desk settings"
        verbose_name_plural = "desk settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="desk_settings_singleton")]

    def __str__(self) -> str:
        return "Desk settings"

    @classmethod
    def load(cls) -> "DeskSettings":
        found = cls.objects.filter(pk=1).first()
        return found or cls(pk=1, age_limits=dict(DEFAULT_AGE_LIMITS))

    def age_limit(self, status: str) -> int | None:
        """Days allowed in ``status``; None when the desk set no limit for it (0 or absent)."""
        days = self.age_limits.get(status)
        return int(days) if days else None


class Reminder(models.Model):
    """A reminder sent: at most one per claim, reason and day, so the daily task can run again safely."""

    class Reason(models.TextChoices):
        DUE = "due", "Due tomorrow"
        OVERDUE = "overdue", "Overdue"
        STALE = "stale", "Sat too long in its status"

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="reminders")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    sent_on = models.DateField()
    user = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "reason", "sent_on"], name="reminder_once_per_day"),
            models.CheckConstraint(condition=models.Q(reason__in=["due", "overdue", "stale"]), name="reminder_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.reason} {self.sent_on}"
