"""Import another desk's ClaimReview records: each review becomes an article holding the claim's text and a
researching claim with the rating mapped to our scale, the review as its evidence. Idempotent by review URL:
importing a review again updates its rating (and the verdict it gave, while we have not checked it ourselves).

A rating nothing maps is kept with the review and counted in the desk's mapping table (services.ratings).
"""

from dataclasses import asdict, dataclass, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from claims.claimreview_import import ClaimReviewRecord, normalize_rating, parse_claimreview
from claims.models import ArticleRevision, Claim, HarvestedReview, HarvestSource
from claims.models.claims import ClaimQuerySet
from claims.services.articles import create_article
from claims.services.claims import create_claim
from claims.services.errors import ArticleInvalid, ClaimInvalid, SourceInvalid
from claims.services.ratings import decided_verdict, note_unmapped
from claims.services.sources import add_evidence, find_or_create_source
from claims.services.workflow import set_verdict, transition_claim
from claims.workflow import VERDICTS, TransitionRefused

IMPORTED = ArticleRevision.Origin.CLAIMREVIEW


@dataclass(frozen=True)
class RecordOutcome:
    position: str
    outcome: str  # imported, updated, unchanged or error
    claim: int | None = None
    review_url: str = ""
    verdict: str = ""
    rating_text: str = ""
    reason: str = ""


def imported_claims() -> ClaimQuerySet:
    """Claims that came from another desk's ClaimReview rather than from our own reading."""
    return Claim.objects.filter(revision__origin=IMPORTED)


def import_claimreview(*, data: object, by: User, harvest_source: HarvestSource | None = None) -> list[RecordOutcome]:
    """Import every readable record of `data` (decoded JSON); report each record's outcome in input order."""
    parsed = parse_claimreview(data)
    outcomes = [RecordOutcome(position=e.position, outcome="error", reason=e.reason) for e in parsed.errors]
    for record in parsed.records:
        outcomes.append(_import_record(_with_desk_verdict(record), by, harvest_source))
    return sorted(outcomes, key=lambda o: [int(part) for part in o.position.split(".")])


def outcome_counts(outcomes: list[RecordOutcome]) -> dict[str, int]:
    counts = {"imported": 0, "unchanged": 0, "error": 0, "updated": 0}
    for outcome in outcomes:
        counts[outcome.outcome] += 1
    return counts


def outcomes_as_dicts(outcomes: list[RecordOutcome]) -> list[dict[str, Any]]:
    return [asdict(outcome) for outcome in outcomes]


def _with_desk_verdict(record: ClaimReviewRecord) -> ClaimReviewRecord:
    """The desk's own decision on a rating comes first; the built-in scale when it has decided nothing."""
    rating = normalize_rating(record.rating_text)
    decided = decided_verdict(rating=rating, publisher=record.publisher) if rating else ""
    return replace(record, verdict=decided) if decided else record


def _import_record(record: ClaimReviewRecord, by: User, harvest_source: HarvestSource | None) -> RecordOutcome:
    common: dict[str, Any] = {
        "position": record.position,
        "review_url": record.review_url,
        "rating_text": record.rating_text,
        "verdict": record.verdict,
    }
    known = HarvestedReview.objects.select_related("claim").filter(review_url=record.review_url).first()
    if known is not None:
        return _update_record(known, record, by, common)
    existing = imported_claims().filter(article__url=record.review_url).values_list("pk", flat=True).first()
    if existing:  # imported before reviews were kept on their own
        return RecordOutcome(outcome="unchanged", claim=existing, **common)
    try:
        with transaction.atomic():  # one bad record rolls back alone
            claim = _create_imported_claim(record, by)
            HarvestedReview.objects.create(
                review_url=record.review_url,
                claim=claim,
                harvest_source=harvest_source,
                rating_text=record.rating_text[:1000],
                rating=normalize_rating(record.rating_text),
                publisher=record.publisher[:300],
            )
            if not record.verdict:
                note_unmapped(rating_text=record.rating_text, publisher=record.publisher)
    except (ArticleInvalid, ClaimInvalid, SourceInvalid, TransitionRefused) as exc:
        reason = "; ".join(f"{k}: {v}" for k, v in exc.errors.items()) if hasattr(exc, "errors") else str(exc)
        return RecordOutcome(outcome="error", reason=reason, **common)
    return RecordOutcome(outcome="imported", claim=claim.pk, **common)


def _update_record(
    known: HarvestedReview, record: ClaimReviewRecord, by: User, common: dict[str, Any]
) -> RecordOutcome:
    """The same review harvested again: a changed rating replaces the old one, and so does the verdict it
    gave, unless the claim is public (our own check then stands)."""
    rating = normalize_rating(record.rating_text)
    if (known.rating, known.publisher) == (rating, record.publisher[:300]):
        return RecordOutcome(outcome="unchanged", claim=known.claim_id, **common)
    with transaction.atomic():
        HarvestedReview.objects.filter(pk=known.pk).update(
            rating_text=record.rating_text[:1000], rating=rating, publisher=record.publisher[:300]
        )
        claim = known.claim
        if not claim.is_public and record.verdict != claim.verdict:
            set_verdict(
                claim=claim, by=by, verdict=record.verdict, rationale=_rating_note(record) if record.verdict else ""
            )
        if not record.verdict:
            note_unmapped(rating_text=record.rating_text, publisher=record.publisher)
    return RecordOutcome(outcome="updated", claim=known.claim_id, **common)


def _create_imported_claim(record: ClaimReviewRecord, by: User) -> Claim:
    # The review URL is the article's URL: the fact-check page is where we read the claim.
    article = create_article(
        title=record.review_title or record.claim_text[:200],
        text=record.claim_text,
        url=record.review_url,
        publisher=record.publisher,
        origin=IMPORTED,
        by=by,
    )
    claim = create_claim(
        article=article,
        by=by,
        selector={"start": 0, "end": len(article.text)},
        statement=record.claim_text,
        claimant=record.claimant,
        claimed_on=record.claimed_on,
    )
    source, _ = find_or_create_source(
        url=record.review_url,
        by=by,
        kind="report",
        publisher=record.publisher,
        title=record.review_title,
        capture=False,
    )
    add_evidence(claim=claim, source=source, by=by, stance="context", note=_rating_note(record))
    claim = transition_claim(
        claim=claim, to="researching", by=by, comment="Imported from another desk's ClaimReview; not yet checked by us."
    )
    if record.verdict:
        claim = set_verdict(claim=claim, by=by, verdict=record.verdict, rationale=_rating_note(record))
    return claim


def _rating_note(record: ClaimReviewRecord) -> str:
    who = record.publisher or record.publisher_site or "Another desk"
    rating = record.rating_text or "no rating"
    mapped = f" (our scale: {VERDICTS[record.verdict].label_en})" if record.verdict else ""
    return f"{who} rated it «{rating}»{mapped} in its ClaimReview: {record.review_url}"
