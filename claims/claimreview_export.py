"""ClaimReview JSON-LD for one published claim (schema.org), as the public pages and the public API give it.

Pure: takes plain values, returns a dict ready for ``json.dumps``; the rating comes from ``claims.workflow``.
"""

from dataclasses import dataclass

from claims.workflow import BEST_RATING, VERDICTS, WORST_RATING


@dataclass(frozen=True)
class PublishedClaim:
    url: str
    statement: str
    verdict: str
    language: str
    published_at: str  # ISO 8601, UTC
    claimant: str = ""
    claimed_on: str = ""
    appearance_url: str = ""
    updated_at: str = ""
    retracted: bool = False


def claimreview(claim: PublishedClaim, *, site_url: str, site_name: str) -> dict:
    """The ClaimReview node: the claim we reviewed, our rating on the 1-5 scale and its label."""
    verdict = VERDICTS[claim.verdict]
    item = {"@type": "Claim", "text": claim.statement}
    if claim.claimant:
        item["author"] = {"@type": "Person", "name": claim.claimant}
    if claim.claimed_on:
        item["datePublished"] = claim.claimed_on
    if claim.appearance_url:
        item["appearance"] = [{"@type": "CreativeWork", "url": claim.appearance_url}]
    rating = {"@type": "Rating", "alternateName": verdict.label(claim.language)}
    if verdict.rating is not None and not claim.retracted:
        rating |= {"ratingValue": verdict.rating, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    node = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim.url,
        "claimReviewed": claim.statement,
        "datePublished": claim.published_at,
        "inLanguage": claim.language,
        "author": {"@type": "Organization", "name": site_name, "url": site_url},
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if claim.updated_at:
        node["dateModified"] = claim.updated_at
    return node
