"""What reaches a desk member about the desk's work (notifications and their preferences), and what reaches
partner systems (webhooks and their deliveries)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event told to one person: in the inbox (``in_app``) and/or by e-mail (``email``)."""

    class Event(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        MENTIONED = "mentioned", _("Mentioned")
        SENT_BACK = "sent_back", _("Sent back")
        PUBLISHED = "published", _("Approved or published")
        SOURCE_CHANGED = "source_changed", _("A source changed or went dead")
        SIMILAR_FOUND = "similar_found", _("A similar claim was found")
        REMINDER = "reminder", _("Due or overdue")
        WEBHOOK_DISABLED = "webhook_disabled", _("A webhook was switched off")

    class Email(models.TextChoices):
        NONE = "", _("No e-mail")
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("In the daily digest")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The thing it is about, generically (a claim, an article, a comment, a webhook): its kind, id, a title as it
    # was then and the desk path to it. No foreign key: comments and other subjects live in other modules.
    subject_type = models.CharField(max_length=20)
    subject_id = models.PositiveBigIntegerField()
    subject_title = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, help_text="Desk path of the subject, e.g. /desk/claims/5/.")
    #: What the message needs beyond the subject ({"status": "published"}, {"reason": "overdue"}, ...).
    data = models.JSONField(default=dict, blank=True)
    in_app = models.BooleanField(default=True, help_text="Shown in the recipient's inbox.")
    email = models.CharField(max_length=10, choices=Email.choices, blank=True, default="")
    read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "in_app", "read"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(email="digest", emailed_at__isnull=True),
                name="notification_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.recipient_id}: {self.subject_type} {self.subject_id}"

    def get_absolute_url(self) -> str:
        return self.url


class NotificationPreference(models.Model):
    """How one person wants one kind of event: absent rows mean the defaults (claims.services.notifications)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the desk")
        EMAIL = "email", _("By e-mail")
        BOTH = "both", _("In the desk and by e-mail")
        NONE = "none", _("Not at all")

    class Timing(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("In a daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=20, choices=Notification.Event.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.IMMEDIATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.channel} ({self.timing})"


class Webhook(models.Model):
    """A partner's URL that receives signed JSON when a claim is published, corrected, retracted or its verdict
    changes. Switched off by itself after repeated failures (claims.services.webhooks)."""

    class Event(models.TextChoices):
        PUBLISHED = "claim.published", _("Claim published")
        CORRECTED = "claim.corrected", _("Claim corrected")
        RETRACTED = "claim.retracted", _("Claim retracted")
        VERDICT_CHANGED = "claim.verdict_changed", _("Verdict changed")

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="The Event values it receives.")
    secret = models.CharField(max_length=64, help_text="Key of the HMAC-SHA256 signature of every delivery.")
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Failed attempts since the last success, and when the first of them happened.
    failures_in_row = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one webhook: the exact body signed, and every attempt with its answer."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled (webhook switched off)")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=Webhook.Event.choices)
    claim_id = models.PositiveBigIntegerField(null=True, blank=True)
    body = models.TextField(help_text="The JSON sent, byte for byte what the signature covers.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    #: [{"at", "status_code", "error", "duration_ms"}], one per attempt, oldest first.
    attempts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id} ({self.state})"
