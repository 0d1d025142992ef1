"""Claims: one checkable assertion anchored in an article revision, with its kind's details and attendees."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.arabic import normalize, text_index_keys
from claims.arabic.number_forms import contains_key, query_numbers, stored_numbers
from claims.models.querysets import BoundedCountQuerySet
from claims.workflow import PUBLIC_STATUSES, VERDICTS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from claims.anchoring import Selector
    from claims.models.articles import ArticleRevision
    from claims.models.entities import Entity
    from claims.models.team import Tag

#: What ``search_text`` is made of: the statements, the quote and the claimant.
SEARCHED_FIELDS = ("statement", "statement_en", "exact", "claimant")
#: The quantity details whose numbers ``search_numbers`` holds, beside those written in ``SEARCHED_FIELDS``.
SEARCHED_DETAILS = ("value", "lower", "upper")
#: Numbers and words of a query that a search compares at most: a longer query asks nothing more of the database.
MAX_QUERY_TERMS = 8
MAX_QUERY_CHARS = 500
KINDS = ["quantity", "meeting", "event", "quote", "other", "opinion"]
STATUSES = [s.value for s in workflow.Status]
#: ``Claim.is_public`` in SQL, for the public QuerySet, the partial index, the constraint and the desk's queues.
#: Sorted: a set's order varies per process, and migrations compare the list.
IS_PUBLIC = models.Q(status__in=sorted(PUBLIC_STATUSES))


def claim_slug(statement: str, statement_en: str) -> str:
    """The words of a claim's public address (``Claim.slug``), from its statements alone."""
    return slugify(statement_en or statement, allow_unicode=True)[:80] or "claim"


class ClaimQuerySet(BoundedCountQuerySet["Claim"]):
    def published(self) -> "ClaimQuerySet":
        """The only way public pages, feeds, the sitemap, search and the public API read claims."""
        return self.filter(IS_PUBLIC)

    def matching(self, query: str) -> "ClaimQuerySet":
        """Claims holding every number of ``query`` in any written form (``search_numbers``) and every other word
        of it in ``search_text``: `Wagner 2000` finds "ألفي مقاتل من فاغنر" as well as "2,000 Wagner fighters"."""
        numbers, rest = query_numbers(query[:MAX_QUERY_CHARS])
        found = self
        for value in numbers[:MAX_QUERY_TERMS]:
            found = found.filter(search_numbers__contains=contains_key(value))
        for word in normalize(rest).split()[:MAX_QUERY_TERMS]:
            found = found.filter(search_text__contains=word)
        # Testing each row's text is the count's cost: at a million claims a common word has tens of thousands.
        return found.text_matched() if found is not self else found


class Claim(models.Model):
    class Kind(models.TextChoices):
        QUANTITY = "quantity", _("Quantity")
        MEETING = "meeting", _("Meeting")
        EVENT = "event", _("Event")
        QUOTE = "quote", _("Quote / statement")
        OTHER = "other", _("Other")
        OPINION = "opinion", _("Opinion (not checkable)")

    class Anchor(models.TextChoices):
        EXACT = "exact", _("Exact")
        FUZZY = "fuzzy", _("Fuzzy (check it)")
        ORPHANED = "orphaned", _("Orphaned (text no longer found)")

    # The functional API takes (member name, (value, label)); a bare (value, label) pair made the label the value.
    # django-stubs types the functional API with member names only, not with (name, (value, label)) pairs.
    Status = models.TextChoices("Status", [(s.name, (s.value, _(workflow.STATUS_LABELS[s]))) for s in workflow.Status])  # type: ignore[call-overload]
    Verdict = models.TextChoices("Verdict", [(v.id.upper(), (v.id, _(v.label_en))) for v in VERDICTS.values()])  # type: ignore[call-overload]

    article = models.ForeignKey("Article", on_delete=models.PROTECT, related_name="claims")
    revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The revision the selector was last resolved against.",
    )
    # W3C Web Annotation selectors. Positions are Unicode code points of revision.text, not UTF-16 units.
    exact = models.TextField()
    prefix = models.CharField(max_length=200, blank=True)
    suffix = models.CharField(max_length=200, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    anchor = models.CharField(max_length=8, choices=Anchor.choices, default=Anchor.EXACT)
    anchor_confidence = models.FloatField(default=1.0)
    # What readers see of the claim in its article: the selector as a reviewer approved it, in the article's
    # public revision. Re-anchoring moves the selector above to each new revision; these move only when a
    # reviewer publishes or corrects the claim or accepts a revision (claims.services.articles).
    public_revision = models.ForeignKey(
        "ArticleRevision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The revision readers see this claim in.",
    )
    public_selector = models.JSONField(
        default=dict, blank=True, help_text="The selector readers see, in public_revision's text."
    )

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    statement = models.TextField(help_text="The editor's neutral restatement of the claim.")
    statement_language = models.CharField(max_length=12, default="ar")
    statement_en = models.TextField(blank=True, help_text="Optional English restatement.")
    claimant = models.CharField(max_length=300, blank=True, help_text="Who asserts it, as the article puts it.")
    claimant_entity = models.ForeignKey(
        "Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims_made"
    )
    claimed_on = models.CharField(
        max_length=10, blank=True, help_text="When the claim was made: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    details = models.JSONField(default=dict, blank=True, help_text="The kind's structured fields (claims.details).")
    entities: "models.ManyToManyField[Entity, Any]" = models.ManyToManyField(
        "Entity", blank=True, related_name="claims"
    )

    status = models.CharField(max_length=12, choices=Status.choices, default="draft")
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    rationale = models.TextField(blank=True)
    public_note = models.TextField(
        blank=True,
        help_text="For readers: proposed with the verdict and shown with its publication; then the note "
        "of the latest correction or retraction.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: every write names the version it read."
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Last substantive editor; four eyes means someone else publishes.",
    )
    public_text_authors = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Who last wrote each piece of public text (claims.workflow.PUBLIC_TEXT): {field: user id}.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Who works on it, who reviews it, by when (claims.services.assignments is the only writer).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewing_claims",
        help_text="None while in review: any reviewer may take it.",
    )
    due = models.DateField(null=True, blank=True)
    tags: "models.ManyToManyField[Tag, Any]" = models.ManyToManyField("Tag", blank=True, related_name="claims")
    #: Normalized statement, quote and claimant (claims.arabic.normalize) for search and matching; set by save().
    search_text = models.TextField(blank=True, editable=False)
    #: Every number of the searched text and of the quantity details, canonical and space-padded (" 2000 1.5 ",
    #: claims.arabic.number_forms), so that `2000` finds `2,000`, `٢٠٠٠` and `ألفين`; set by save().
    search_numbers = models.TextField(blank=True, editable=False)
    #: The word keys of ``search_text`` (claims.arabic.text_index_keys, space-padded: " حفتر ~ملشت "): every
    #: word of it that may be the public search's query word, or a spelling variant of it; set by save().
    search_keys = models.TextField(blank=True, editable=False)
    #: When similar-claims scoring was last queued for this claim, until a worker finishes it (then null): the
    #: desk shows "looking for similar claims…" meanwhile.
    similar_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="claim_status_published"),
            models.Index(fields=["article", "start"], name="claim_article_start"),
            # Public lists (home, public API, feed) read newest first across all public statuses; without this
            # each request sorted every public claim (~100 ms at 100,000 claims).
            models.Index(fields=["-published_at", "-id"], condition=IS_PUBLIC, name="claim_public_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="claim_span_not_empty"),
            models.CheckConstraint(condition=models.Q(kind__in=KINDS), name="claim_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=STATUSES), name="claim_status_valid"),
            models.CheckConstraint(
                condition=models.Q(verdict="") | models.Q(verdict__in=list(VERDICTS)), name="claim_verdict_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(anchor__in=["exact", "fuzzy", "orphaned"]), name="claim_anchor_valid"
            ),
            models.CheckConstraint(
                condition=~IS_PUBLIC | ~models.Q(verdict=""),
                name="claim_public_has_verdict",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="claim_version_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.statement[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Computed here, as Entity.search_text is: it is made of this row's own fields only, so every writer (the
        # services, the admin, a command, a factory) stores it with the text it was made from, and none can forget.
        # A save of other fields only (a status, an assignee) leaves them as stored: reading a claim's numbers is the
        # cost of a save that changes its text.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not {*SEARCHED_FIELDS, "details"}.isdisjoint(update_fields):
            self.search_text = normalize(" ".join(getattr(self, name) for name in SEARCHED_FIELDS))
            self.search_keys = text_index_keys(self.search_text)
            details = self.details if isinstance(self.details, dict) else {}
            self.search_numbers = stored_numbers(
                [getattr(self, name) for name in SEARCHED_FIELDS], [details.get(name) for name in SEARCHED_DETAILS]
            )
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text", "search_keys", "search_numbers"}
        elif "search_text" in update_fields:
            # A writer of the normalized text itself (a backfill, a test's helper): its keys follow it.
            self.search_keys = text_index_keys(self.search_text)
            kwargs["update_fields"] = {*update_fields, "search_keys"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("desk:claim", args=[self.pk])

    @property
    def slug(self) -> str:
        return claim_slug(self.statement, self.statement_en)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def public_url(self) -> str | None:
        if not self.is_public:
            return None
        return reverse("public:claim", args=[self.pk, self.slug])

    @property
    def verdict_info(self) -> workflow.Verdict | None:
        return VERDICTS.get(self.verdict)

    def mark_written(self, fields: Iterable[str], by: "User") -> None:
        """Record ``by`` as the last writer of those of ``fields`` that readers see (``workflow.PUBLIC_TEXT``):
        four eyes compares the publisher with them. The caller saves ``public_text_authors``."""
        written = {name: by.pk for name in fields if name in workflow.PUBLIC_TEXT}
        if written:
            self.public_text_authors = {**self.public_text_authors, **written}

    def move_to(self, revision: "ArticleRevision", selector: "Selector") -> None:
        """Point the claim at ``selector`` (a claims.anchoring.Selector) in ``revision``; the caller saves."""
        self.revision = revision
        self.exact, self.prefix, self.suffix = selector.exact, selector.prefix, selector.suffix
        self.start, self.end = selector.start, selector.end

    @property
    def selector(self) -> dict[str, Any]:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}

    @property
    def public_anchor(self) -> tuple["ArticleRevision", dict[str, Any]]:
        """(revision, selector) that public pages quote: the reviewed ones, never a newer unreviewed text.

        A claim published before public revisions existed has them filled in by migration 0011; the fallback is
        for a row some writer made without the services, so that a public page never fails on it.
        """
        if self.public_revision_id and self.public_selector:
            return cast("ArticleRevision", self.public_revision), self.public_selector  # set: it has an id
        return self.revision, self.selector


class Attendee(models.Model):
    """A participant of a meeting claim, with an attendance status of its own."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")
        UNVERIFIED = "unverified", _("Unverified")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attendees")
    entity = models.ForeignKey("Entity", on_delete=models.PROTECT, related_name="attendances")
    name = models.CharField(max_length=300, blank=True, help_text="As the article names them, if different.")
    role = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNVERIFIED)
    evidence = models.ForeignKey("Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evidence_note = models.TextField(blank=True, help_text="Why this attendance status: what shows it.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["claim", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "entity"], name="attendee_once_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(status__in=["confirmed", "disputed", "unverified"]), name="attendee_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} ({self.status})"


class ClaimLink(models.Model):
    """Two claims that assert the same thing: suggested by matching, confirmed or dismissed by an editor."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Same claim")
        DISMISSED = "dismissed", _("Dismissed")

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_in")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    score = models.FloatField(default=0.0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Not a column: the claim on the other end from the one asked about, set by services.matching.similar_claims.
    other: "Claim"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim"], name="claim_link_unique"),
            models.CheckConstraint(condition=models.Q(from_claim__lt=models.F("to_claim")), name="claim_link_ordered"),
            models.CheckConstraint(
                condition=models.Q(state__in=["suggested", "confirmed", "dismissed"]), name="claim_link_state_valid"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=1), name="claim_link_score"),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim_id} ~ {self.to_claim_id} ({self.state})"
