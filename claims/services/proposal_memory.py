"""Each proposed claim matched against the fact-check memory (claims.services.matching.find_in_memory: the desk's
claims of other articles and the ClaimReviews imported from other desks), so that the reading view says when a
proposal was checked already, by this desk or another, in whichever language.

Run by a task after the proposals are made, never inline: matching embeds and queries per proposal. Bounded: at
most MAX_CHECKED proposals per article per run, best score first, each checked once.
"""

from django.db import transaction
from django.utils import timezone

from claims.models import ClaimProposal
from claims.services.matching import find_in_memory
from claims.services.queueing import enqueue_after_commit, task

MAX_CHECKED = 30


def queue_memory_check(article_id: int) -> None:
    enqueue_after_commit(task("match_proposals"), article_id)


def _entity_ids(proposal: ClaimProposal) -> list[int]:
    people = [a.get("entity") for a in proposal.details.get("attendees", []) if isinstance(a, dict)]
    found = [int(pk) for pk in people if isinstance(pk, int)]
    if proposal.claimant_entity_id:
        found.append(proposal.claimant_entity_id)
    return found


def match_proposals(*, article_id: int) -> int:
    """Check the article's pending proposals not checked yet; returns how many were checked."""
    pending = list(
        ClaimProposal.objects.filter(
            article_id=article_id, state=ClaimProposal.State.PENDING, memory_checked_at__isnull=True
        )
        .select_related("article")
        .order_by("-score", "start")[:MAX_CHECKED]
    )
    for proposal in pending:
        matches = [
            match
            for match in find_in_memory(
                proposal.exact,
                language=proposal.article.language,
                kind=proposal.kind,
                details=proposal.details,
                entity_ids=_entity_ids(proposal),
                limit=3,
            )
            if match.claim.article_id != proposal.article_id  # its own article's claims are the desk's work on it
        ]
        best = matches[0] if matches else None
        with transaction.atomic():
            ClaimProposal.objects.filter(pk=proposal.pk, state=ClaimProposal.State.PENDING).update(
                memory_claim=best.claim if best else None,
                memory_score=round(best.score, 4) if best else None,
                memory_same=bool(best and best.same),
                memory_checked_at=timezone.now(),
            )
    return len(pending)
