"""schema.org ClaimReview for one published claim, with every property Google's fact-check markup requires and
recommends. Pure: plain values in, a dict ready for ``json.dumps`` out; the rating comes from ``claims.workflow``.
"""

from typing import Any

from claims.bidi import balance
from claims.workflow import BEST_RATING, VERDICTS, WORST_RATING


def claim_review(
    *,
    url: str,
    claim_reviewed: str,
    verdict: str,
    language: str,
    date_published: str,
    site_name: str,
    site_url: str,
    claimant: str = "",
    claim_date: str = "",
    appearance_url: str = "",
    date_modified: str = "",
    retracted: bool = False,
) -> dict[str, Any]:
    """The ClaimReview node for the claim page at ``url``.

    ``verdict`` is a ``claims.workflow.VERDICTS`` id; ``language`` picks its label (``alternateName``), which is
    the text the page shows. Dates are ISO 8601 strings (``claim_date`` may be partial: ``2018`` or ``2018-11``).
    A verdict outside the truth scale (not checkable) or a retracted review carries no numeric rating, only the
    label, as Google asks.
    """
    info = VERDICTS[verdict]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": info.label(language)}
    if info.rating is not None and not retracted:
        rating |= {"ratingValue": info.rating, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    item: dict[str, Any] = {"@type": "Claim", "author": _claimant(claimant)}
    if claim_date:
        item["datePublished"] = claim_date
    if appearance_url:
        work = {"@type": "CreativeWork", "url": appearance_url}
        item["appearance"] = [work]
        item["firstAppearance"] = work
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        # Shown as plain text by search engines: a claim left with an open override reverses what they add after.
        "claimReviewed": balance(claim_reviewed),
        "inLanguage": language,
        "datePublished": date_published,
        "author": {"@type": "Organization", "name": site_name, "url": site_url},
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if date_modified:
        node["dateModified"] = date_modified
    return node


def _claimant(claimant: str) -> dict[str, str]:
    # Google wants an author on the reviewed claim; an unnamed claimant is the article's, said as such.
    return {"@type": "Person" if claimant else "Organization", "name": balance(claimant) or "Unattributed"}
