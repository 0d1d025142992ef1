"""The desk's internal comments: on a claim, or on a span of an article (anchored like a claim), with one level
of replies and @mentions of desk members. Never shown to readers."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from .claims import Claim

ANCHORS = ["exact", "fuzzy", "orphaned"]


class CommentQuerySet(models.QuerySet["Comment"]):
    def for_display(self) -> "CommentQuerySet":
        """With what a thread shows: author, who deleted it, and the mentioned users (one query for all)."""
        return self.select_related("author", "deleted_by").prefetch_related("mentions")


class Comment(models.Model):
    """A remark on a claim (``claim``) or on a span of an article (``article`` with a selector in ``revision``).

    Threads are one level deep: a reply's ``parent`` is a top-level comment, and a reply belongs to the same claim
    or article as its parent, without a span of its own. A deleted comment keeps its row as a tombstone (who
    deleted it, when), its body and mentions gone, so that its replies stay in place.
    """

    #: How the span was last found in its article: the claims' own states, by the same anchoring.
    Anchor = Claim.Anchor

    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # The span of a top-level article comment: the same selectors as a claim's, in one revision of the article.
    revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    exact = models.TextField(blank=True)
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Code point offset in the revision's text.")
    end = models.PositiveIntegerField(null=True, blank=True)
    anchor = models.CharField(max_length=8, choices=Anchor.choices, default=Anchor.EXACT)
    anchor_confidence = models.FloatField(default=1.0)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="desk_comments"
    )
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="comment_claim_created"),
            models.Index(fields=["article", "created_at"], name="comment_article_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claim__isnull=False, article__isnull=True)
                | models.Q(claim__isnull=True, article__isnull=False),
                name="comment_on_claim_or_article",
            ),
            # A span is a top-level article comment's, whole: revision, start and end together, end after start.
            models.CheckConstraint(
                condition=models.Q(revision__isnull=True, start__isnull=True, end__isnull=True)
                | models.Q(
                    revision__isnull=False,
                    article__isnull=False,
                    parent__isnull=True,
                    end__gt=models.F("start"),
                ),
                name="comment_span_whole",
            ),
            models.CheckConstraint(condition=models.Q(anchor__in=ANCHORS), name="comment_anchor_valid"),
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=True) | models.Q(body=""), name="comment_deleted_has_no_body"
            ),
        ]

    def __str__(self) -> str:
        return f"comment #{self.pk}"

    def get_absolute_url(self) -> str:
        if self.claim_id:
            return reverse("desk:claim", args=[self.claim_id]) + f"#comment-{self.pk}"
        return reverse("desk:article", args=[self.article_id]) + f"#comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_span(self) -> bool:
        return self.revision_id is not None

    @property
    def selector(self) -> dict[str, Any] | None:
        if not self.has_span:
            return None
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}
