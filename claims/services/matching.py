"""Similar claims: find candidates for a claim, score them with ``claims.matching``, keep suggestions as
ClaimLinks for an editor to confirm ("same claim") or dismiss. A decided link is never re-suggested.

Scoring runs in a worker (``queue_similar``), never in the request that saved the claim: a 4 MB statement scored
against its candidates once held a web request, and SQLite's write lock, for minutes. Its cost per claim is
bounded: at most 2 × CANDIDATES candidates, each read to limits.MATCHING_TEXT_MAX_CHARS.
"""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims import limits
from claims.matching import SUGGEST_THRESHOLD, ClaimText, score
from claims.models import Claim, ClaimLink
from claims.models.claims import ClaimQuerySet
from claims.services import events
from claims.services.queueing import enqueue_after_commit, task

#: How many candidates each way (wording, shared entities) are scored in Python per claim: bounded work.
CANDIDATES = 200
#: pg_trgm similarity below which a claim is not even scored (the Python score decides the rest).
TRIGRAM_FLOOR = 0.08


def claim_text(claim: Claim) -> ClaimText:
    details = claim.details or {}
    dates = {str(details[key]) for key in ("date", "as_of", "period") if details.get(key)}
    facts = tuple(
        (key, str(details[key]).strip().lower())
        for key in ("place", "channel")
        if details.get(key) and details[key] != "unknown"
    )
    cut = limits.MATCHING_TEXT_MAX_CHARS
    return ClaimText(
        text=f"{claim.statement[:cut]} {claim.exact[:cut]}",
        entities=frozenset(e.pk for e in claim.entities.all()),
        dates=frozenset(dates),
        facts=facts,
    )


def has_trigram_extension() -> bool:
    if connection.vendor != "postgresql":
        return False
    # PostgreSQL's catalogue has no model: a query through Django's cursor, its documented way to run custom SQL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def candidate_claims(claim: Claim) -> ClaimQuerySet:
    """Claims worth scoring against `claim`: alike in wording (pg_trgm when installed) or sharing an entity."""
    others = Claim.objects.exclude(pk=claim.pk)
    if has_trigram_extension():
        from django.contrib.postgres.search import TrigramSimilarity

        words = claim.search_text[: 2 * limits.MATCHING_TEXT_MAX_CHARS]
        by_words: ClaimQuerySet = (
            others.annotate(similarity=TrigramSimilarity("search_text", words))
            .filter(similarity__gte=TRIGRAM_FLOOR)
            .order_by("-similarity")
        )
    else:
        by_words = others.order_by("-updated_at")
    word_ids = list(by_words.values_list("pk", flat=True)[:CANDIDATES])
    entity_ids = list(
        others.filter(entities__in=claim.entities.all())
        .order_by("-updated_at")
        .values_list("pk", flat=True)
        .distinct()[:CANDIDATES]
    )
    return Claim.objects.filter(pk__in=set(word_ids) | set(entity_ids)).prefetch_related("entities")


def suggest_similar(*, claim: Claim) -> list[ClaimLink]:
    """Store (or refresh) suggestions for `claim` scoring at least SUGGEST_THRESHOLD; drop stale ones.

    Scoring only reads; the links are written in one short transaction after it (on SQLite a transaction holds
    the one write lock, which every desk write waits for).
    """
    claim = Claim.objects.prefetch_related("entities").get(pk=claim.pk)
    mine = claim_text(claim)
    scores: dict[int, float] = {}
    for other in candidate_claims(claim):
        match = score(mine, claim_text(other))
        if match.score >= SUGGEST_THRESHOLD:
            scores[other.pk] = match.score
    with transaction.atomic():
        return _store_links(claim.pk, scores)


def _store_links(claim_id: int, scores: dict[int, float]) -> list[ClaimLink]:
    existing = {(link.from_claim_id, link.to_claim_id): link for link in _links_of(claim_id).select_for_update()}
    kept: list[ClaimLink] = []
    found: list[tuple[int, float]] = []
    for other_id, value in scores.items():
        pair = (min(claim_id, other_id), max(claim_id, other_id))
        link = existing.pop(pair, None)
        if link is None:
            # get_or_create: the other claim's run may store the same pair at the same moment.
            link, created = ClaimLink.objects.get_or_create(
                from_claim_id=pair[0], to_claim_id=pair[1], defaults={"score": value}
            )
            if created:
                found.append((other_id, value))
        elif link.state == ClaimLink.State.SUGGESTED and link.score != value:
            link.score = value
            link.save(update_fields=["score"])
        kept.append(link)
    stale = [link.pk for link in existing.values() if link.state == ClaimLink.State.SUGGESTED]
    ClaimLink.objects.filter(pk__in=stale).delete()
    if found:
        _announce_similar(claim_id, found)
    return sorted(kept, key=lambda link: -link.score)


def _announce_similar(claim_id: int, found: list[tuple[int, float]]) -> None:
    """Tell whoever listens of each pair suggested for the first time (a refreshed score is not news)."""
    claims = Claim.objects.select_related("created_by", "last_editor").in_bulk([claim_id, *(pk for pk, _ in found)])
    for other_id, value in found:
        if claim_id in claims and other_id in claims:
            events.similar_found.send(sender=Claim, claim=claims[claim_id], similar=claims[other_id], score=value)


def queue_similar(*, claim_id: int) -> None:
    """Have a worker look for claims similar to this one once the current transaction commits (so a failure
    never loses the edit, and the worker sees the saved text); the desk says "looking…" until it is done."""
    Claim.objects.filter(pk=claim_id).update(similar_queued_at=timezone.now())
    enqueue_after_commit(task("suggest_similar_claims"), claim_id)


def run_similar(*, claim_id: int) -> list[ClaimLink]:
    """The worker's side of ``queue_similar``: score, store, and clear the "looking" mark it was queued under
    (a newer request, queued while this one ran, keeps its mark for its own run)."""
    row = Claim.objects.filter(pk=claim_id).values("similar_queued_at").first()
    if row is None:
        return []  # deleted since: nothing to look for
    try:
        return suggest_similar(claim=Claim(pk=claim_id))
    finally:
        # Even after a failure (it is logged): the desk then offers to look again instead of "looking…" forever.
        Claim.objects.filter(pk=claim_id, similar_queued_at=row["similar_queued_at"]).update(similar_queued_at=None)


def _links_of(claim_id: int) -> QuerySet[ClaimLink]:
    return ClaimLink.objects.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id))


def similar_claims(
    claim: Claim, *, states: Iterable[str] = (ClaimLink.State.SUGGESTED, ClaimLink.State.CONFIRMED)
) -> list[ClaimLink]:
    """The links of `claim` in these states, best first, each with `other` set to the claim on the other end."""
    links = list(
        _links_of(claim.pk).filter(state__in=states).select_related("from_claim", "to_claim").order_by("-score", "pk")
    )
    for link in links:
        link.other = link.to_claim if link.from_claim_id == claim.pk else link.from_claim
    return links


@transaction.atomic
def decide_link(*, link: ClaimLink, by: User, same: bool) -> ClaimLink:
    """Confirm "same claim" or dismiss a suggestion; the decision sticks across later re-scoring."""
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    link.state = ClaimLink.State.CONFIRMED if same else ClaimLink.State.DISMISSED
    link.decided_by, link.decided_at = by, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    return link
