"""Desk comments: writing, editing within the edit window, deleting to a tombstone, @mentions resolved to desk
members (who are told through ``events.mentioned``), the member autocomplete, and re-anchoring span comments on a
new revision of their article exactly as claims are.

Threads are one level deep: a reply to a reply joins the thread of the top-level comment it answers.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import anchoring, limits
from claims.arabic import normalize
from claims.mentions import mentioned_names
from claims.models import Article, ArticleRevision, Claim, Comment
from claims.services import events
from claims.services.errors import CommentInvalid, CommentRefused
from claims.services.roles import ROLE_GROUPS, roles_of
from claims.workflow import Role

#: Names an autocomplete answers at most.
MEMBER_RESULTS = 10
#: Mentions one comment may resolve: a body naming more is a list of names, not a remark to colleagues.
MAX_MENTIONS = 50


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMENT_EDIT_WINDOW)


# --- who may do what ------------------------------------------------------------------------------------------


def desk_members() -> QuerySet[User]:
    """Active users with a desk role (a role group, or a superuser): the people a comment can mention."""
    groups = list(ROLE_GROUPS.values())
    return User.objects.filter(Q(groups__name__in=groups) | Q(is_superuser=True), is_active=True).distinct()


def can_edit(comment: Comment, user: User) -> bool:
    """Its author, within COMMENT_EDIT_WINDOW minutes of writing it, while it is not deleted."""
    return (
        not comment.is_deleted and comment.author_id == user.pk and timezone.now() - comment.created_at <= edit_window()
    )


def can_delete(comment: Comment, user: User) -> bool:
    """Its author, or a desk admin, at any time."""
    if comment.is_deleted or not roles_of(user):
        return False
    return comment.author_id == user.pk or Role.ADMIN in roles_of(user)


def _require_member(user: User) -> None:
    if not roles_of(user):
        raise CommentRefused(_("Only desk members (editors, reviewers, admins) may comment."))


# --- mentions --------------------------------------------------------------------------------------------------


def resolve_mentions(body: str) -> list[User]:
    """The desk members ``body`` mentions as ``@username`` (any case); names of nobody on the desk stay text."""
    names = mentioned_names(body)[:MAX_MENTIONS]
    if not names:
        return []
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    return list(desk_members().filter(match).order_by("username"))


def search_members(query: str, *, limit: int = MEMBER_RESULTS) -> list[User]:
    """Desk members whose username, first or last name contains ``query``, compared after the one normalization
    (Arabic spelling variants and diacritics, Latin case): ``احمد`` finds ``أحمد``, ``RE`` finds ``rev``.

    A desk is five to fifty people: they are read once and compared here, which keeps the Arabic rules in the one
    normalization function instead of a second copy in SQL. Prefix matches of the username come first."""
    key = normalize(query.strip().lstrip("@"))
    if not key:
        return []
    members = desk_members().only("id", "username", "first_name", "last_name").order_by("username")
    found = []
    for user in members:
        username = normalize(user.username)
        if key in username or key in normalize(f"{user.first_name} {user.last_name}"):
            found.append((not username.startswith(key), user.username, user))
    return [user for *_, user in sorted(found, key=lambda row: row[:2])[:limit]]


def _announce(comment: Comment, users: list[User], by: User) -> None:
    told = [user for user in users if user.pk != by.pk]  # nobody is told of their own mention
    if told:
        events.mentioned.send(sender=Comment, comment=comment, users=told, actor=by)


# --- writing --------------------------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise CommentInvalid({"body": _("Write the comment first.")})
    if message := limits.too_long(body, limits.COMMENT_MAX_CHARS):
        raise CommentInvalid({"body": message})
    return body


def _thread_of(parent: Comment | None, claim: Claim | None, article: Article | None) -> dict[str, Any]:
    """Where a comment goes: a reply joins its parent's claim or article, under the thread's top comment."""
    if parent is None:
        if (claim is None) == (article is None):
            raise CommentInvalid({"claim": _("A comment is on a claim or on an article, one of the two.")})
        return {"claim": claim, "article": article, "parent": None}
    top = parent.parent if parent.parent is not None else parent
    if (claim is not None and claim.pk != top.claim_id) or (article is not None and article.pk != top.article_id):
        raise CommentInvalid({"parent": _("This reply answers a comment of another claim or article.")})
    return {"claim": top.claim, "article": top.article, "parent": top}


@transaction.atomic
def add_comment(
    *,
    by: User,
    body: str,
    claim: Claim | None = None,
    article: Article | None = None,
    parent: Comment | None = None,
    selector: dict[str, Any] | None = None,
) -> Comment:
    """Comment on a claim, on a span of an article (``selector``, in its current revision), or reply.

    ``selector`` is a claim's: ``exact`` with optional ``prefix``/``suffix``, or ``start``/``end``."""
    _require_member(by)
    body = _clean_body(body)
    place = _thread_of(parent, claim, article)
    comment = Comment(author=by, body=body, **place)
    if selector:
        if place["article"] is None or place["parent"] is not None:
            raise CommentInvalid({"selector": _("Only a comment on an article, not a reply, has a span.")})
        revision = place["article"].current_revision
        if revision is None:
            raise CommentInvalid({"article": _("The article has no text yet (it is still being fetched).")})
        _move(comment, revision, _resolve(revision.text, selector))
    elif place["article"] is not None and place["parent"] is None:
        raise CommentInvalid({"selector": _("Select the words of the article the comment is about.")})
    comment.save()
    users = resolve_mentions(body)
    comment.mentions.set(users)
    _announce(comment, users, by)
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, by: User, body: str) -> Comment:
    """The author rewrites the body within the edit window; only people newly mentioned are told."""
    # Locked: an edit and a delete of one comment at once must not bring a deleted body back.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        raise CommentRefused(_("This comment was deleted."))
    if comment.author_id != by.pk:
        raise CommentRefused(_("Only its author may edit a comment."))
    if not can_edit(comment, by):
        raise CommentRefused(
            _("Comments can be edited for %(minutes)s minutes after they are written; write a new one instead.")
            % {"minutes": settings.COMMENT_EDIT_WINDOW}
        )
    body = _clean_body(body)
    if body == comment.body:
        return comment
    before = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    users = resolve_mentions(body)
    comment.mentions.set(users)
    _announce(comment, [user for user in users if user.pk not in before], by)
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, by: User) -> Comment:
    """Leave a tombstone: who deleted it and when stay, the body and mentions go; replies stay in place."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        return comment
    if not can_delete(comment, by):
        raise CommentRefused(_("Only its author or a desk admin may delete a comment."))
    comment.body = ""
    comment.deleted_at = timezone.now()
    comment.deleted_by = by
    comment.save(update_fields=["body", "deleted_at", "deleted_by"])
    comment.mentions.clear()
    return comment


# --- anchoring ------------------------------------------------------------------------------------------------


def _resolve(text: str, selector: dict[str, Any]) -> anchoring.Selector:
    """A span comment's selector placed on ``text`` by the claims' own rules; a refusal is the anchoring's message,
    for the person who selected."""
    try:
        return anchoring.resolve_selector(text, selector)
    except anchoring.AnchorError as exc:
        raise CommentInvalid({"selector": str(exc)}) from exc


def _move(comment: Comment, revision: ArticleRevision, span: anchoring.Selector) -> None:
    comment.revision = revision
    comment.exact, comment.prefix, comment.suffix = span.exact, span.prefix, span.suffix
    comment.start, comment.end = span.start, span.end


def reanchor_comments(*, revision: ArticleRevision) -> dict[str, int]:
    """Find every span comment of the revision's article again in ``revision``, as claims are: exactly, fuzzily
    (flagged), or orphaned (left pointing at the revision its words are in, for the desk to see)."""
    comments = list(
        Comment.objects.filter(article_id=revision.article_id, revision__isnull=False).exclude(revision=revision)
    )
    selectors = [anchoring.Selector(c.exact, c.prefix, c.suffix, c.start or 0, c.end or 0) for c in comments]
    counts = {"exact": 0, "fuzzy": 0, "orphaned": 0}
    for comment, result in zip(comments, anchoring.reanchor_all(selectors, revision.text), strict=True):
        counts[result.method] += 1
        comment.anchor, comment.anchor_confidence = result.method, result.confidence
        if result.selector is not None:
            _move(comment, revision, result.selector)
    fields = ["anchor", "anchor_confidence", "revision", "exact", "prefix", "suffix", "start", "end"]
    Comment.objects.bulk_update(comments, fields, batch_size=500)
    return counts
