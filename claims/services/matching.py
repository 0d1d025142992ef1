"""Similar claims: find candidates for a claim, score them with ``claims.matching``, keep suggestions as
ClaimLinks for an editor to confirm ("same claim") or dismiss. A decided link is never re-suggested.
"""

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.matching import SUGGEST_THRESHOLD, ClaimText, score
from claims.models import Claim, ClaimLink

#: How many candidates each way (wording, shared entities) are scored in Python per claim: bounded work.
CANDIDATES = 200
#: pg_trgm similarity below which a claim is not even scored (the Python score decides the rest).
TRIGRAM_FLOOR = 0.08


def claim_text(claim: Claim) -> ClaimText:
    details = claim.details or {}
    dates = {str(details[key]) for key in ("date", "as_of", "period") if details.get(key)}
    facts = tuple((key, str(details[key]).strip().lower()) for key in ("place", "channel")
                  if details.get(key) and details[key] != "unknown")
    return ClaimText(text=f"{claim.statement} {claim.exact}", entities=frozenset(e.pk for e in claim.entities.all()),
                     dates=frozenset(dates), facts=facts)


def has_trigram_extension() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def candidate_claims(claim: Claim):
    """Claims worth scoring against `claim`: alike in wording (pg_trgm when installed) or sharing an entity."""
    others = Claim.objects.exclude(pk=claim.pk)
    if has_trigram_extension():
        from django.contrib.postgres.search import TrigramSimilarity

        by_words = (others.annotate(similarity=TrigramSimilarity("search_text", claim.search_text))
                    .filter(similarity__gte=TRIGRAM_FLOOR).order_by("-similarity"))
    else:
        by_words = others.order_by("-updated_at")
    word_ids = list(by_words.values_list("pk", flat=True)[:CANDIDATES])
    entity_ids = list(others.filter(entities__in=claim.entities.all()).order_by("-updated_at")
                      .values_list("pk", flat=True).distinct()[:CANDIDATES])
    return (Claim.objects.filter(pk__in=set(word_ids) | set(entity_ids))
            .prefetch_related("entities"))


@transaction.atomic
def suggest_similar(*, claim: Claim) -> list[ClaimLink]:
    """Store (or refresh) suggestions for `claim` scoring at least SUGGEST_THRESHOLD; drop stale ones."""
    claim = Claim.objects.prefetch_related("entities").get(pk=claim.pk)
    mine = claim_text(claim)
    scores = {}
    for other in candidate_claims(claim):
        match = score(mine, claim_text(other))
        if match.score >= SUGGEST_THRESHOLD:
            scores[other.pk] = match.score
    existing = {(link.from_claim_id, link.to_claim_id): link for link in _links_of(claim.pk)}
    kept = []
    for other_id, value in scores.items():
        pair = tuple(sorted((claim.pk, other_id)))
        link = existing.pop(pair, None)
        if link is None:
            link = ClaimLink.objects.create(from_claim_id=pair[0], to_claim_id=pair[1], score=value)
        elif link.state == ClaimLink.State.SUGGESTED and link.score != value:
            link.score = value
            link.save(update_fields=["score"])
        kept.append(link)
    stale = [link.pk for link in existing.values() if link.state == ClaimLink.State.SUGGESTED]
    ClaimLink.objects.filter(pk__in=stale).delete()
    return sorted(kept, key=lambda link: -link.score)


def _links_of(claim_id: int):
    return ClaimLink.objects.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id))


def similar_claims(claim: Claim, *, states=(ClaimLink.State.SUGGESTED, ClaimLink.State.CONFIRMED)):
    """The links of `claim` in these states, best first, each with `other` set to the claim on the other end."""
    links = list(_links_of(claim.pk).filter(state__in=states).select_related("from_claim", "to_claim")
                 .order_by("-score", "pk"))
    for link in links:
        link.other = link.to_claim if link.from_claim_id == claim.pk else link.from_claim
    return links


@transaction.atomic
def decide_link(*, link: ClaimLink, by, same: bool) -> ClaimLink:
    """Confirm "same claim" or dismiss a suggestion; the decision sticks across later re-scoring."""
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    link.state = ClaimLink.State.CONFIRMED if same else ClaimLink.State.DISMISSED
    link.decided_by, link.decided_at = by, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    return link


def suggest_after_commit(claim_id: int) -> None:
    """Score a created or edited claim once its transaction commits, so a failure never loses the edit."""
    transaction.on_commit(lambda: suggest_similar(claim=Claim(pk=claim_id)), robust=True)
