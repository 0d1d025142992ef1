"""Claims proposed in an article's text (claims.proposals): pending until an editor accepts one (it becomes a claim)
or dismisses it. A dismissal is remembered by fingerprint (the span's normalized words and its kind) on the article
and, for an article with a URL, by URL: neither a new revision nor a re-import of the page brings it back."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models.claims import KINDS


class ClaimProposalQuerySet(models.QuerySet["ClaimProposal"]):
    def pending(self) -> "ClaimProposalQuerySet":
        return self.filter(state=ClaimProposal.State.PENDING)


class ClaimProposal(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="proposals")
    #: The revision the span was found in (or re-anchored to); the selector fields are positions in its text.
    revision = models.ForeignKey("ArticleRevision", on_delete=models.CASCADE, related_name="+")
    exact = models.TextField()
    prefix = models.CharField(max_length=200, blank=True)
    suffix = models.CharField(max_length=200, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    #: The kind's fields as claims.details keeps them; a meeting's also lists "attendees" [{"entity": id, "name"}].
    details = models.JSONField(default=dict, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claimant_entity = models.ForeignKey("Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Entity ids named in the span and its sentence's lead-in.
    entity_ids = models.JSONField(default=list, blank=True)
    hedge = models.CharField(max_length=100, blank=True, help_text="A hedge word in the span (يتردد, reportedly).")
    score = models.FloatField(default=0.0)
    #: The fact-check memory's best match (claims.services.proposal_memory): a claim of another article, the desk's
    #: own or an imported ClaimReview, and whether the matching rule takes it for the same claim.
    memory_claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    memory_score = models.FloatField(null=True, blank=True)
    memory_same = models.BooleanField(default=False)
    memory_checked_at = models.DateTimeField(null=True, blank=True)
    #: claims.proposals.fingerprint: the SHA-256 (40 hex digits) of the normalized exact text and the kind.
    fingerprint = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "start", "id"]
        constraints = [
            # Proposed once per article: re-proposing updates the row, and a dismissed row keeps the span away.
            models.UniqueConstraint(fields=["article", "fingerprint"], name="proposal_once_per_article"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="proposal_span_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=KINDS), name="proposal_kind_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "accepted", "dismissed"]), name="proposal_state_valid"
            ),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="proposal_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.exact[:60]}"

    @property
    def selector(self) -> dict[str, Any]:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}


class DismissedProposal(models.Model):
    """A dismissal remembered by the article's URL, so a re-import of the same page as a new article (or after the
    first one was deleted) does not propose the span again."""

    url = models.URLField(max_length=2000)
    #: The SHA-256 of the URL: what the lookup compares (a 2,000-character URL does not fit a B-tree index).
    url_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=40)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["url_key", "fingerprint"], name="dismissed_proposal_once_per_url")
        ]

    def __str__(self) -> str:
        return f"{self.url} {self.fingerprint[:8]}"
