"""Proposing claims in an article's current text (claims.proposals), whenever the article gets text.

claims.services.articles calls ``propose_claims``: a few milliseconds of CPU for a long article, so it runs inline,
in the transaction that stores the text. Spans that existing claims already cover are not proposed; a pending
proposal whose span is still in the new text moves to it, one whose span is gone is dropped; a dismissed span (on
this article, or on any article with the same URL) never comes back. Accepting and dismissing:
claims.services.proposals.
"""

import hashlib

from django.db import transaction

from claims import anchoring
from claims import proposals as core
from claims.models import Article, ArticleRevision, Claim, ClaimProposal, DismissedProposal, Entity
from claims.services.proposal_memory import queue_memory_check

#: Share of a proposal's span that an existing claim must cover for the proposal to count as already claimed.
COVERED_SHARE = 0.5


def registry() -> core.Registry:
    """The entity registry as the proposer matches it: every entity's names in every language and its aliases."""
    entries = []
    for pk, kind, name, names, aliases in Entity.objects.values_list("pk", "kind", "name", "names", "aliases"):
        written = [*(names or {}).values(), *(aliases or [])] if isinstance(names, dict) else list(aliases or [])
        entries.append(core.RegistryEntry(pk, tuple(n for n in written if isinstance(n, str)), kind, name))
    return core.Registry(entries)


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


@transaction.atomic
def propose_claims(*, article: Article) -> list[ClaimProposal]:
    """Propose claims for the article's current revision; returns its pending proposals, best first."""
    revision = article.current_revision
    if revision is None:
        return []
    found = core.propose(revision.text, published=article.published_at, language=article.language, registry=registry())
    existing = {p.fingerprint: p for p in ClaimProposal.objects.filter(article=article)}
    dismissed_by_url = (
        set(DismissedProposal.objects.filter(url_key=url_key(article.url)).values_list("fingerprint", flat=True))
        if article.url
        else set()
    )
    claimed = list(
        Claim.objects.filter(article=article, revision=revision).exclude(anchor="orphaned").values_list("start", "end")
    )
    kept = _move_pending(revision, [p for p in existing.values() if p.state == ClaimProposal.State.PENDING], claimed)
    spans = [(p.start, p.end) for p in kept]
    created = []
    seen = set(existing) | dismissed_by_url  # a sentence written twice is proposed once
    for proposal in found:
        if proposal.fingerprint in seen:
            continue
        if _covered(proposal.start, proposal.end, claimed) or _covered(proposal.start, proposal.end, spans):
            continue
        created.append(_row(article, revision, proposal))
        seen.add(proposal.fingerprint)
        spans.append((proposal.start, proposal.end))
    ClaimProposal.objects.bulk_create(created)
    if created:
        queue_memory_check(article.pk)
    return sorted([*kept, *created], key=lambda p: (-p.score, p.start))


def _move_pending(
    revision: ArticleRevision, pending: list[ClaimProposal], claimed: list[tuple[int, int]]
) -> list[ClaimProposal]:
    """Re-anchor pending proposals to ``revision``: kept where their span still anchors and no claim covers it."""
    old = [p for p in pending if p.revision_id != revision.pk]
    results = anchoring.reanchor_all(
        [anchoring.Selector(p.exact, p.prefix, p.suffix, p.start, p.end) for p in old], revision.text
    )
    moved, gone = [], []
    for proposal, result in zip(old, results, strict=True):
        if result.selector is None:
            gone.append(proposal.pk)
            continue
        selector = result.selector
        proposal.revision = revision
        proposal.exact, proposal.prefix, proposal.suffix = selector.exact, selector.prefix, selector.suffix
        proposal.start, proposal.end = selector.start, selector.end
        moved.append(proposal)
    if moved:
        ClaimProposal.objects.bulk_update(moved, ["revision", "exact", "prefix", "suffix", "start", "end"])
    current = [p for p in pending if p.revision_id == revision.pk]
    covered = [p.pk for p in current if _covered(p.start, p.end, claimed)]
    ClaimProposal.objects.filter(pk__in=[*gone, *covered]).delete()
    return [p for p in current if p.pk not in covered]


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    length = end - start
    return any(min(end, e) - max(start, s) >= COVERED_SHARE * min(length, e - s) for s, e in spans)


def _row(article: Article, revision: ArticleRevision, proposal: core.Proposal) -> ClaimProposal:
    return ClaimProposal(
        article=article,
        revision=revision,
        exact=proposal.exact,
        prefix=proposal.prefix,
        suffix=proposal.suffix,
        start=proposal.start,
        end=proposal.end,
        kind=proposal.kind,
        details=proposal.details,
        claimant=proposal.claimant,
        claimant_entity_id=proposal.claimant_entity,
        entity_ids=list(proposal.entities),
        hedge=proposal.hedge[:100],
        score=proposal.score,
        fingerprint=proposal.fingerprint,
    )
