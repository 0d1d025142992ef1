"""Read ClaimReview records from another desk into plain, validated records: schema.org JSON-LD as found on
fact-check pages, and Google Fact Check Tools ``claims:search`` responses. Pure Python: no ORM, no request.

Each malformed record becomes a ``RecordError`` saying why, and the others still come through.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from claims.arabic import normalize, tokens
from claims.dates import parse_partial_date

#: Textual ratings, normalized with ``claims.arabic.normalize``, onto the ids of ``claims.workflow.VERDICTS``.
#: Partly-true and partly-false ratings land on "misleading" (some truth, false impression): our scale has no
#: "mixed"; "clarification" means correct but needing context, which is our "mostly accurate".
RATING_VERDICTS: dict[str, str] = {
    # Arabic
    "صحيح": "accurate",
    "حقيقي": "accurate",
    "دقيق": "accurate",
    "صحيح في معظمه": "mostly_accurate",
    "صحيح الى حد كبير": "mostly_accurate",
    "توضيح": "mostly_accurate",
    "غير مثبت": "unproven",
    "غير مؤكد": "unproven",
    "لا دليل": "unproven",
    "مضلل": "misleading",
    "تضليل": "misleading",
    "مضلله": "misleading",
    "صحيح جزييا": "misleading",
    "صحيح جزيي": "misleading",
    "نصف حقيقي": "misleading",
    "غير صحيح جزييا": "misleading",
    "غير صحيح جزيي": "misleading",
    "زايف جزييا": "misleading",
    "زايف جزيي": "misleading",
    "خطا جزيي": "misleading",
    "خطا جزييا": "misleading",
    "سياق ناقص": "misleading",
    "ينقصه السياق": "misleading",
    "معدل": "misleading",
    "اثاره": "misleading",
    "مبالغ فيه": "misleading",
    "زايف": "false",
    "خطا": "false",
    "خاطي": "false",
    "كاذب": "false",
    "خبر كاذب": "false",
    "غير صحيح": "false",
    "مفبرك": "false",
    "مش حقيقي": "false",
    "غير حقيقي": "false",
    "اشاعه": "false",
    "شايعه": "false",
    "ملفق": "false",
    "وليده ذكاء اصطناعي": "false",
    "مزيف": "false",
    "ساخر": "not_checkable",
    "راي": "not_checkable",
    # English
    "true": "accurate",
    "correct": "accurate",
    "accurate": "accurate",
    "mostly true": "mostly_accurate",
    "mostly accurate": "mostly_accurate",
    "mostly correct": "mostly_accurate",
    "clarification": "mostly_accurate",
    "unproven": "unproven",
    "unverified": "unproven",
    "unsupported": "unproven",
    "no evidence": "unproven",
    "misleading": "misleading",
    "partly false": "misleading",
    "partly true": "misleading",
    "half true": "misleading",
    "mixture": "misleading",
    "mixed": "misleading",
    "missing context": "misleading",
    "lacks context": "misleading",
    "out of context": "misleading",
    "exaggerated": "misleading",
    "altered": "misleading",
    "excitement": "misleading",
    "mostly false": "misleading",
    "false": "false",
    "fake": "false",
    "incorrect": "false",
    "wrong": "false",
    "fabricated": "false",
    "hoax": "false",
    "pants on fire": "false",
    "baseless": "false",
    "satire": "not_checkable",
    "opinion": "not_checkable",
    # Snopes (snopes.com/fact-check-ratings): a correct attribution is a true quote; a real picture with a
    # wrong caption, or a claim true once but no longer, is a false impression; a legend cannot be settled.
    "correct attribution": "accurate",
    "legit": "accurate",
    "misattributed": "false",
    "miscaptioned": "misleading",
    "outdated": "misleading",
    "legend": "unproven",
    "lost legend": "unproven",
    "unfounded": "unproven",
    "scam": "false",
    "labeled satire": "not_checkable",
    "labelled satire": "not_checkable",
    "originated as satire": "not_checkable",
    # PolitiFact's Truth-O-Meter (true, mostly true, half true, mostly false, false, pants on fire: above),
    # and its older name for "mostly false".
    "barely true": "misleading",
    # AFP and Reuters.
    "altered photo": "misleading",
    "altered video": "misleading",
    "digitally altered": "misleading",
    "doctored": "false",
    "manipulated": "misleading",
    "deepfake": "false",
    "fabricated quote": "false",
    "false headline": "false",
    "photo out of context": "misleading",
    "video out of context": "misleading",
    "partly misleading": "misleading",
    "needs context": "misleading",
    "unsubstantiated": "unproven",
    "inconclusive": "unproven",
    # Full Fact writes a sentence; the labels it opens with.
    "not true": "false",
    "isn t true": "false",
    "is not true": "false",
    "not correct": "false",
    "isn t correct": "false",
    "inaccurate": "false",
    "this is false": "false",
    "this is correct": "accurate",
    "this is true": "accurate",
    "partly correct": "misleading",
    "partly right": "misleading",
    "not quite": "misleading",
    "out of date": "misleading",
    "needs more context": "misleading",
    # FactCheck.org.
    "distorts the facts": "misleading",
    "spins the facts": "misleading",
    "cherry picks": "misleading",
    "not the whole story": "misleading",
    "exaggerates": "misleading",
    "baseless claim": "false",
    "no basis": "false",
    # Arabic desks, further spellings (Misbar, Fatabyyano, AFP Arabic).
    "مضلل جزييا": "misleading",
    "خارج السياق": "misleading",
    "صوره معدله": "misleading",
    "فيديو معدل": "misleading",
    "قديم": "misleading",
    "منسوب خطا": "false",
    "نسب خاطي": "false",
    "احتيال": "false",
    "خدعه": "false",
    "بلا دليل": "unproven",
    "غير دقيق": "false",
}
#: The labels as ``normalize_rating`` writes them (a label typed with hamza or alef forms still matches).
_NORMALIZED = {" ".join(tokens(normalize(label))): verdict for label, verdict in RATING_VERDICTS.items()}
_LABELS_BY_LENGTH = sorted(
    ((tuple(label.split()), verdict) for label, verdict in _NORMALIZED.items()), key=lambda item: -len(item[0])
)
#: A long rating (a paragraph) is searched for a label only this far in: the verdict sentence comes first.
_PARAGRAPH_WORDS = 12


@dataclass(frozen=True)
class ClaimReviewRecord:
    """One review of one claim, as another desk published it."""

    position: str
    claim_text: str
    review_url: str
    rating_text: str = ""
    verdict: str = ""
    claimant: str = ""
    claimed_on: str = ""
    review_title: str = ""
    review_date: str = ""
    publisher: str = ""
    publisher_site: str = ""
    language: str = ""
    appearance_url: str = ""


@dataclass(frozen=True)
class RecordError:
    position: str
    reason: str


@dataclass
class ParseResult:
    records: list[ClaimReviewRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class Malformed(ValueError):
    """The reason one record cannot be read."""


def normalize_rating(rating_text: str) -> str:
    """A rating as the mapping table keys it: normalized words (diacritics, case, punctuation), cut at 200."""
    return " ".join(tokens(normalize(rating_text or "")))[:200]


def rating_to_verdict(rating_text: str) -> str:
    """The verdict id a textual rating means, or "" when no label of ours is in it.

    Short ratings must be a label; a paragraph-long rating is searched for the first label near its start,
    longest labels first, so "غير صحيح جزئياً" is not read as "غير صحيح".
    """
    words = tokens(normalize(rating_text or ""))
    if not words:
        return ""
    exact = _NORMALIZED.get(" ".join(words))
    if exact or len(words) <= 3:
        return exact or ""
    for start in range(min(len(words), _PARAGRAPH_WORDS)):
        for label, verdict in _LABELS_BY_LENGTH:
            if tuple(words[start : start + len(label)]) == label:
                return verdict
    return ""


def parse_claimreview(data: object) -> ParseResult:
    """Read every record in `data` (already-decoded JSON) whatever the supported shape."""
    result = ParseResult()
    for position, item in _items(data):
        try:
            if not isinstance(item, dict):
                raise Malformed(f"expected an object, got {type(item).__name__}")
            if _is_google_claim(item):
                reviews = item.get("claimReview")
                if not isinstance(reviews, list) or not reviews:
                    raise Malformed("claimReview must be a non-empty list of reviews")
                for n, review in enumerate(reviews, start=1):
                    sub = f"{position}.{n}" if len(reviews) > 1 else position
                    try:
                        result.records.append(_from_google(sub, item, review))
                    except Malformed as exc:
                        result.errors.append(RecordError(sub, str(exc)))
                continue
            result.records.append(_from_schema_org(position, item))
        except Malformed as exc:
            result.errors.append(RecordError(position, str(exc)))
    return result


def _items(data: object) -> Iterator[tuple[str, object]]:
    if isinstance(data, dict) and isinstance(data.get("claims"), list):  # a claims:search response
        data = data["claims"]
    elif isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data = [
            node
            for node in data["@graph"]
            if not isinstance(node, dict) or _is_claimreview(node) or _is_google_claim(node)
        ]
    if not isinstance(data, list):
        data = [data]
    for index, item in enumerate(data, start=1):
        yield str(index), item


def _is_google_claim(item: dict[str, Any]) -> bool:
    return "claimReview" in item


def _is_claimreview(node: dict[str, Any]) -> bool:
    kind = node.get("@type")
    return kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind)


def _from_google(position: str, claim: dict[str, Any], review: object) -> ClaimReviewRecord:
    if not isinstance(review, dict):
        raise Malformed(f"a review must be an object, got {type(review).__name__}")
    publisher = _optional_dict(review, "publisher")
    return ClaimReviewRecord(
        position=position,
        claim_text=_required_text(claim, "text"),
        review_url=_url(review.get("url"), "url"),
        rating_text=_optional_text(review, "textualRating"),
        verdict=rating_to_verdict(_optional_text(review, "textualRating")),
        claimant=_optional_text(claim, "claimant"),
        claimed_on=_date(claim.get("claimDate"), "claimDate"),
        review_title=_optional_text(review, "title"),
        review_date=_date(review.get("reviewDate"), "reviewDate"),
        publisher=_optional_text(publisher, "name"),
        publisher_site=_optional_text(publisher, "site"),
        language=_optional_text(review, "languageCode"),
    )


def _from_schema_org(position: str, node: dict[str, Any]) -> ClaimReviewRecord:
    if not _is_claimreview(node):
        raise Malformed("neither a ClaimReview (@type) nor a claims:search claim (claimReview)")
    item = _optional_dict(node, "itemReviewed")
    rating = _optional_dict(node, "reviewRating")
    author = _optional_dict(node, "author")
    claim_author = _optional_dict(item, "author")
    rating_text = _optional_text(rating, "alternateName") or _optional_text(rating, "name")
    verdict = rating_to_verdict(rating_text) or _verdict_from_value(rating)
    text = _optional_text(node, "claimReviewed") or _optional_text(item, "text") or _optional_text(item, "name")
    if not text:
        raise Malformed("claimReviewed is missing: the claim's text is required")
    return ClaimReviewRecord(
        position=position,
        claim_text=text,
        review_url=_url(node.get("url"), "url"),
        rating_text=rating_text,
        verdict=verdict,
        claimant=_optional_text(claim_author, "name"),
        claimed_on=_date(item.get("datePublished"), "itemReviewed.datePublished"),
        review_title=_optional_text(node, "headline") or _optional_text(node, "name"),
        review_date=_date(node.get("datePublished"), "datePublished"),
        publisher=_optional_text(author, "name"),
        publisher_site=_host(author.get("url")),
        language=_language(node.get("inLanguage")),
        appearance_url=_appearance(item),
    )


def _verdict_from_value(rating: dict[str, Any]) -> str:
    """Numeric ratings on the reviewer's own scale, mapped onto our 1 (false) to 5 (accurate)."""
    try:
        value, best, worst = (float(rating[k]) for k in ("ratingValue", "bestRating", "worstRating"))
    except (KeyError, TypeError, ValueError):
        return ""
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return ""
    share = (value - worst) / (best - worst)
    return ("false", "misleading", "unproven", "mostly_accurate", "accurate")[min(4, int(share * 5))]


def _optional_dict(node: dict[str, Any], key: str) -> dict[str, Any]:
    value = node.get(key)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0]
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{key} must be an object, got {type(value).__name__}")
    return value


def _optional_text(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{key} must be text, got {type(value).__name__}")
    return " ".join(value.split())


def _required_text(node: dict[str, Any], key: str) -> str:
    value = _optional_text(node, key)
    if not value:
        raise Malformed(f"{key} is missing: the claim's text is required")
    return value


def _url(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Malformed(f"{name} is missing: the review's URL identifies the record")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Malformed(f"{name} is not an http(s) URL: {value[:100]!r}")
    return value.strip()


def _date(value: object, name: str) -> str:
    """A partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from an ISO date or timestamp; "" when absent."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{name} must be an ISO date, got {type(value).__name__}")
    try:
        return str(parse_partial_date(value.strip()[:10]))
    except ValueError as exc:
        raise Malformed(f"{name} is not a date: {value[:40]!r}") from exc


def _host(value: object) -> str:
    return urlsplit(value).netloc if isinstance(value, str) else ""


def _language(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return value.strip()[:12] if isinstance(value, str) else ""


def _appearance(item: dict[str, Any]) -> str:
    for key in ("appearance", "firstAppearance"):
        value = item.get(key)
        for candidate in value if isinstance(value, list) else [value]:
            url = candidate.get("url") if isinstance(candidate, dict) else candidate
            if isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
                return url
    return ""
