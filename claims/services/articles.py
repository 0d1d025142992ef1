"""Creating and editing articles, adding text revisions, re-anchoring their claims when the text changes, and accepting a
revision for readers: what a published claim quotes changes only when a reviewer has read the new text."""

import logging
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import anchoring, limits
from claims.arabic import detect_language, direction_for
from claims.models import Article, ArticleRevision, Claim, ClaimEvent
from claims.page_cache import invalidate_lists
from claims.services.comments import reanchor_comments
from claims.services.errors import ArticleInvalid, RevisionRefused
from claims.services.history import build_event
from claims.services.proposing import propose_claims
from claims.services.queueing import enqueue_after_commit, task
from claims.services.roles import actor_for
from claims.workflow import Role, TransitionRefused

log = logging.getLogger(__name__)

#: Above this many claims, re-anchoring after a new revision runs as a Celery job instead of in the request.
REANCHOR_INLINE_MAX_CLAIMS = getattr(settings, "REANCHOR_INLINE_MAX_CLAIMS", 200)
#: Claims written per statement when re-anchoring.
REANCHOR_BATCH = 500
REANCHOR_FIELDS = ["revision", "anchor", "anchor_confidence", "exact", "prefix", "suffix", "start", "end", "updated_at"]


def clean_text(text: str) -> str:
    """Article text as stored: Unicode line ends unified, no NULs; everything else kept byte for byte.

    Raises ArticleInvalid over limits.ARTICLE_TEXT_MAX_CHARS, however the text came (paste, upload, fetch, API).
    """
    if message := limits.too_long(text, limits.ARTICLE_TEXT_MAX_CHARS):
        raise ArticleInvalid({"text": message})
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def require_text_or_url(*, text: str, url: str) -> None:
    """What a new article needs: its text, or a URL to fetch the text from. Raises ArticleInvalid on "text".

    The desk form and the API serializer call this too, to refuse the request before anything else runs."""
    if not text.strip() and not url:
        raise ArticleInvalid({"text": _("Paste the article's text, upload a file, or give its URL.")})


@transaction.atomic
def create_article(
    *,
    title: str,
    text: str = "",
    url: str = "",
    publisher: str = "",
    language: str = "",
    direction: str = "",
    published_at: date | None = None,
    origin: str = ArticleRevision.Origin.PASTE,
    by: User | None = None,
) -> Article:
    """Create an article with its first revision; with only a URL it waits in 'fetching' for the capture job."""
    text = clean_text(text or "")
    require_text_or_url(text=text, url=url)
    if not title.strip():
        title = text.strip().split("\n", 1)[0][:200] if text.strip() else url
    language = language or (detect_language(text) if text.strip() else "")
    article = Article.objects.create(
        title=title.strip()[:500],
        url=url,
        publisher=publisher,
        language=language or "und",
        direction=direction or direction_for(language or "und"),
        published_at=published_at,
        import_state=Article.ImportState.READY if text.strip() else Article.ImportState.FETCHING,
        created_by=by,
    )
    if text.strip():
        _add_revision_row(article=article, text=text, origin=origin, by=by)
        propose_claims(article=article)
    else:
        enqueue_after_commit(task("fetch_article"), article.pk)
    return article


def _add_revision_row(*, article: Article, text: str, origin: str, by: User | None) -> ArticleRevision:
    number = (article.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = ArticleRevision.objects.create(article=article, number=number, text=text, origin=origin, created_by=by)
    article.current_revision = revision
    article.import_state = Article.ImportState.READY
    article.import_error = ""
    article.save(update_fields=["current_revision", "import_state", "import_error", "updated_at"])
    return revision


@transaction.atomic
def add_revision(
    *, article: Article, text: str, by: User | None = None, origin: str = ArticleRevision.Origin.EDIT
) -> ArticleRevision:
    """Store a changed text as the next revision and re-anchor the article's claims to it.

    The previous revision is kept untouched; claims move to the new one exactly, fuzzily (flagged), or are
    marked orphaned for the editor, never silently moved. Large articles re-anchor in a Celery job.
    """
    text = clean_text(text)
    if not text.strip():
        raise ArticleInvalid({"text": _("The new text is empty; an article's text cannot be removed.")})
    # Lock the article row: two editors saving new texts at once get consecutive revision numbers.
    article = Article.objects.select_for_update().get(pk=article.pk)
    current = article.current_revision
    if current is not None and current.text == text:
        return current
    revision = _add_revision_row(article=article, text=text, origin=origin, by=by)
    if article.public_revision_id:
        # Readers keep the reviewed revision, but the public article page says a newer one is under review.
        transaction.on_commit(invalidate_lists)
    if article.claims.count() > REANCHOR_INLINE_MAX_CLAIMS:
        enqueue_after_commit(task("reanchor_article"), article.pk, revision.pk)
    else:
        reanchor_claims(revision=revision, by=by)
    return revision


#: What an edit may change on an article besides its text (the text is a revision's, added by add_revision).
EDITABLE_FIELDS = ("title", "url", "publisher", "language", "direction", "published_at")


@transaction.atomic
def update_article(*, article: Article, by: User, text: str | None = None, **fields: Any) -> ArticleRevision | None:
    """Save ``fields`` (of EDITABLE_FIELDS) on ``article`` and, when ``text`` differs from its current text, add
    it as the next revision (add_revision). One transaction: a refused text leaves the other fields unchanged too.

    Returns the new revision, or None when no revision was added.
    """
    if unknown := set(fields) - set(EDITABLE_FIELDS):
        raise TypeError(f"update_article() cannot change {', '.join(sorted(unknown))}")
    if fields:
        for name, value in fields.items():
            setattr(article, name, value)
        article.save(update_fields=[*fields, "updated_at"])
    if text is None or text == article.text:
        return None
    before = article.current_revision_id
    revision = add_revision(article=article, text=text, by=by)
    return revision if revision.pk != before else None


def reanchor_claims(*, revision: ArticleRevision, by: User | None = None) -> dict[str, int]:
    """Re-anchor every claim (and span comment) of the revision's article that still points at an older revision,
    then propose claims in the new text (claims.services.proposals).

    All of them in one transaction, written in batches with one history row each: 2,000 claims cost a few
    statements, not 4,000 commits.
    """
    claims = list(Claim.objects.filter(article_id=revision.article_id).exclude(revision=revision))
    selectors = [anchoring.Selector(c.exact, c.prefix, c.suffix, c.start, c.end) for c in claims]
    results = anchoring.reanchor_all(selectors, revision.text)
    counts = {"exact": 0, "fuzzy": 0, "orphaned": 0}
    now = timezone.now()
    events: list[ClaimEvent] = []
    for claim, result in zip(claims, results, strict=True):
        counts[result.method] += 1
        before = {"start": claim.start, "end": claim.end, "anchor": claim.anchor}
        claim.anchor = result.method
        claim.anchor_confidence = result.confidence
        claim.updated_at = now
        if result.selector is not None:
            # An orphaned claim keeps pointing at the revision its quote is in, for the editor to fix.
            claim.move_to(revision, result.selector)
        after = {"start": claim.start, "end": claim.end, "anchor": claim.anchor}
        events.append(
            build_event(
                claim=claim,
                actor=by,
                action="reanchored",
                changes={k: [before[k], after[k]] for k in after if before[k] != after[k]}
                | {"revision": [None, revision.number]},
                comment=f"confidence {result.confidence:.2f}",
            )
        )
    with transaction.atomic():
        _write_anchors(claims)
        ClaimEvent.objects.bulk_create(events, batch_size=REANCHOR_BATCH)
        # The desk's span comments on the article move with its claims, by the same rules.
        reanchor_comments(revision=revision)
        # Proposed claims follow the text too, once the claims they must not repeat stand on it.
        propose_claims(article=revision.article)
        if any(claim.is_public for claim in claims):
            # Readers keep the accepted revision's quote, but the public API lists each claim's anchor state.
            transaction.on_commit(invalidate_lists)
    log.info("re-anchored article %s to r%s: %s", revision.article_id, revision.number, counts)
    return counts


def _write_anchors(claims: list[Claim]) -> None:
    """One parametrized UPDATE per claim, sent as a batch (psycopg pipelines ``executemany``) through Django's
    cursor, its documented way to run custom SQL. ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per field
    per claim: ten times slower for 2,000 claims (``bench/bulk_update.py``, docs/benchmarks.md, "Writing
    re-anchored claims back")."""
    if not claims:
        return
    # Concrete columns; get_field is typed to return reverse relations too.
    fields: list[Any] = [Claim._meta.get_field(name) for name in REANCHOR_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only the model's own table and column names are formatted in; every value is a parameter.
    sql = f"UPDATE {quote(Claim._meta.db_table)} SET {assignments} WHERE {quote(cast(str, Claim._meta.pk.column))} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(claim, field.attname), connection) for field in fields] + [claim.pk]
        for claim in claims
    ]
    with connection.cursor() as cursor:
        for first in range(0, len(rows), REANCHOR_BATCH):
            cursor.executemany(sql, rows[first : first + REANCHOR_BATCH])


# --- what readers see ---------------------------------------------------------------------------------------


def approve_public_anchor(*, claim: Claim, going_public: bool) -> None:
    """A reviewer publishes or corrects ``claim``: readers see it where it is anchored now, in the public revision.

    The first claim published on an article makes its revision the one readers see. A claim anchored in another
    revision than that one cannot go public (readers would find its quote nowhere): the reviewer first accepts
    the newer revision, or the claim is re-anchored. A public claim corrected while its article has a newer,
    unaccepted revision keeps the quote readers see until that revision is accepted. Called inside the
    workflow's transaction, with the claim locked.
    """
    article = Article.objects.select_for_update().only("id", "public_revision").get(pk=claim.article_id)
    if article.public_revision_id is None:
        article.public_revision_id = claim.revision_id
        article.save(update_fields=["public_revision"])
    if claim.revision_id != article.public_revision_id:
        if not going_public:
            return
        public = ArticleRevision.objects.only("number").get(pk=article.public_revision_id).number
        if claim.revision.number > public:
            raise TransitionRefused(
                _(
                    "Readers see revision %(public)s of this article; this claim is in revision %(number)s, "
                    "which no reviewer has accepted yet. Accept revision %(number)s for readers on the "
                    "article page first."
                )
                % {"public": public, "number": claim.revision.number}
            )
        raise TransitionRefused(
            _(
                "This claim's quote is not found in revision %(public)s of the article, the one readers see: "
                "re-anchor it (edit its quote) first."
            )
            % {"public": public}
        )
    claim.public_revision_id, claim.public_selector = claim.revision_id, claim.selector
    Claim.objects.filter(pk=claim.pk).update(
        public_revision=claim.public_revision_id, public_selector=claim.public_selector
    )


@transaction.atomic
def accept_revision(*, article: Article, number: int, by: User) -> ArticleRevision:
    """Show readers revision ``number`` (the latest) of ``article``, its published claims re-anchored in it.

    Four eyes: a reviewer who wrote any of the revisions readers have not seen yet cannot accept them. Every
    published claim must already be anchored in the revision (not orphaned, its re-anchoring job finished).
    """
    # Lock the article: an editor saving yet another revision waits, so the one accepted is the one read.
    article = Article.objects.select_for_update(of=("self",)).select_related("public_revision").get(pk=article.pk)
    if not actor_for(by).has(Role.REVIEWER):
        raise RevisionRefused(_("Only a reviewer may accept a revision for readers."))
    public = article.public_revision
    if public is None:
        raise RevisionRefused(
            _(
                "Readers see nothing of this article yet: the revision its first published claim "
                "is in becomes the one they see."
            )
        )
    # There is one at least: the public revision.
    latest = cast(ArticleRevision, article.revisions.only("id", "number").order_by("-number").first())
    if number <= public.number:
        raise RevisionRefused(_("Readers already see revision %(number)s.") % {"number": public.number})
    if number != latest.number:
        raise RevisionRefused(
            _("Revision %(number)s is not the latest; revision %(latest)s is. Read and accept revision %(latest)s.")
            % {"number": number, "latest": latest.number}
        )
    authors = set(article.revisions.filter(number__gt=public.number).values_list("created_by", flat=True))
    if by.pk in authors:
        raise RevisionRefused(_("You wrote a revision readers have not seen yet: another reviewer must accept it."))
    published = article.claims.published()
    behind = list(published.exclude(revision=latest).order_by("pk").values_list("pk", flat=True))
    if behind:
        listed = ", ".join(f"#{pk}" for pk in behind[:20])
        raise RevisionRefused(
            _(
                "Published claims not yet anchored in revision %(number)s (orphaned, or still "
                "being re-anchored): %(listed)s. Fix their quotes first."
            )
            % {"number": latest.number, "listed": listed}
        )
    events = [
        build_event(
            claim=claim,
            actor=by,
            action="reanchored",
            changes={"public_revision": [public.number, latest.number]},
            comment=f"Revision {latest.number} accepted for readers",
        )
        for claim in published.only("id")
    ]
    # One statement for every claim: each one's reviewed selector becomes the one it has now.
    published.update(
        public_revision=latest,
        public_selector=JSONObject(exact="exact", prefix="prefix", suffix="suffix", start="start", end="end"),
    )
    ClaimEvent.objects.bulk_create(events, batch_size=REANCHOR_BATCH)
    article.public_revision = latest
    article.save(update_fields=["public_revision", "updated_at"])
    # Every cached public page goes: claim pages quote the text, the article page shows it.
    transaction.on_commit(invalidate_lists)
    log.info("article %s: revision %s accepted for readers by %s", article.pk, latest.number, by.pk)
    return latest
