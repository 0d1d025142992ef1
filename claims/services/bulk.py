"""Bulk work on many claims at once: assign, tag, untag, change status. Each claim goes through the same service
as one claim on its page, in its own transaction, so one refusal (four eyes, a missing rationale, a stale row)
refuses that claim only; the result lists every refusal with its reason and counts the rest."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import limits
from claims.models import Article, Claim, Tag
from claims.services import assignments, tags
from claims.services.errors import Invalid, StaleVersion
from claims.services.workflow import TransitionRefused, transition_claim

ACTIONS = ("assign", "tag", "untag", "status")
ARTICLE_ACTIONS = ("assign", "tag", "untag")


class BulkRefused(ValueError):
    """The whole selection is refused before any claim is touched (too many, nothing chosen, a bad action)."""


@dataclass
class Refusal:
    pk: int
    label: str
    reason: str


@dataclass
class BulkResult:
    action: str
    succeeded: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def summary(self) -> str:
        done = ngettext("%(n)d succeeded", "%(n)d succeeded", len(self.succeeded)) % {"n": len(self.succeeded)}
        if not self.refused:
            return done
        no = ngettext("%(n)d refused", "%(n)d refused", len(self.refused)) % {"n": len(self.refused)}
        return _("%(succeeded)s, %(refused)s") % {"succeeded": done, "refused": no}


def check_selection_size(count: int) -> None:
    if count == 0:
        raise BulkRefused(_("Select at least one row."))
    if count > limits.BULK_MAX_CLAIMS:
        raise BulkRefused(
            _("%(count)d rows match; one bulk action takes at most %(max)d. Narrow the filters and try again.")
            % {"count": count, "max": limits.BULK_MAX_CLAIMS}
        )


def _why(exc: Exception) -> str:
    if isinstance(exc, Invalid):
        return " ".join(exc.errors.values())
    return str(exc)


def bulk_claims(
    *,
    claims: QuerySet[Claim],
    by: User,
    action: str,
    assignee: Any = assignments.UNSET,
    reviewer: Any = assignments.UNSET,
    due: Any = assignments.UNSET,
    tag_names: Iterable[str] = (),
    to: str = "",
    comment: str = "",
) -> BulkResult:
    """Apply ``action`` to each claim of ``claims`` (a QuerySet the caller built from a filter or ids: only rows
    that exist and match are touched). Raises BulkRefused before touching any when the selection is empty, too
    large, or the action's input is missing."""
    if action not in ACTIONS:
        raise BulkRefused(_("Choose an action: assign, tag, untag or change status."))
    ids = list(claims.order_by("id").values_list("id", flat=True)[: limits.BULK_MAX_CLAIMS + 1])
    check_selection_size(len(ids))
    result = BulkResult(action=action)
    chosen: list[Tag] = []
    if action in ("tag", "untag"):
        try:
            chosen = tags.resolve_tags(tag_names, by=by) if action == "tag" else _existing_tags(tag_names)
        except Invalid as exc:
            raise BulkRefused(_why(exc)) from exc
        if not chosen:
            raise BulkRefused(_("Name at least one tag."))
    if action == "status" and not to:
        raise BulkRefused(_("Choose the status to move the claims to."))
    if action == "assign":
        if all(v is assignments.UNSET for v in (assignee, reviewer, due)):
            raise BulkRefused(_("Choose an assignee, a reviewer or a due date."))
        # The people and the date are the same for every claim: a typo refuses the action once, not each claim.
        try:
            if assignee is not assignments.UNSET:
                assignee = assignments.find_member(assignee, field="assignee")
            if reviewer is not assignments.UNSET:
                reviewer = assignments.find_member(reviewer, field="reviewer")
            if due is not assignments.UNSET:
                due = assignments.parse_due(due)
        except Invalid as exc:
            raise BulkRefused(_why(exc)) from exc
    for claim in Claim.objects.filter(pk__in=ids).order_by("id").iterator(chunk_size=500):
        try:
            with transaction.atomic():
                if action == "assign":
                    assignments.assign_claim(claim=claim, by=by, assignee=assignee, reviewer=reviewer, due=due)
                elif action == "tag":
                    tags.change_claim_tags(claim=claim, by=by, add=chosen)
                elif action == "untag":
                    tags.change_claim_tags(claim=claim, by=by, remove=chosen)
                else:
                    transition_claim(claim=claim, to=to, by=by, comment=comment)
        except (Invalid, TransitionRefused, StaleVersion) as exc:
            result.refused.append(Refusal(claim.pk, claim.statement[:100], _why(exc)))
        else:
            result.succeeded.append(claim.pk)
    return result


def _existing_tags(values: Iterable[str]) -> list[Tag]:
    names = [str(v).strip() for v in values if str(v).strip()]
    ids = [int(n) for n in names if n.isascii() and n.isdigit()]
    return list(
        Tag.objects.filter(pk__in=ids) | Tag.objects.filter(slug__in=names) | Tag.objects.filter(name__in=names)
    )


def bulk_articles(
    *, articles: QuerySet[Article], by: User, action: str, assignee: Any = None, tag_names: Iterable[str] = ()
) -> BulkResult:
    """Assign or (un)tag articles; each in its own transaction, refusals listed as for claims."""
    if action not in ARTICLE_ACTIONS:
        raise BulkRefused(_("Choose an action: assign, tag or untag."))
    if action == "assign":
        try:
            assignee = assignments.find_member(assignee, field="assignee")
        except Invalid as exc:
            raise BulkRefused(_why(exc)) from exc
    ids = list(articles.order_by("id").values_list("id", flat=True)[: limits.BULK_MAX_CLAIMS + 1])
    check_selection_size(len(ids))
    chosen: list[Tag] = []
    if action in ("tag", "untag"):
        try:
            chosen = tags.resolve_tags(tag_names, by=by) if action == "tag" else _existing_tags(tag_names)
        except Invalid as exc:
            raise BulkRefused(_why(exc)) from exc
        if not chosen:
            raise BulkRefused(_("Name at least one tag."))
    result = BulkResult(action=action)
    for article in Article.objects.filter(pk__in=ids).order_by("id"):
        try:
            with transaction.atomic():
                if action == "assign":
                    assignments.assign_article(article=article, by=by, assignee=assignee)
                elif action == "tag":
                    tags.change_article_tags(article=article, by=by, add=chosen)
                else:
                    tags.change_article_tags(article=article, by=by, remove=chosen)
        except Invalid as exc:
            result.refused.append(Refusal(article.pk, article.title[:100], _why(exc)))
        else:
            result.succeeded.append(article.pk)
    return result
