"""The desk's rating mapping table: a rating our built-in scale does not know is kept (with the review, which
imports without a verdict), counted, and waits for a reviewer to say what it means; the decision then reaches
every review already imported with that rating."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.claimreview_import import normalize_rating
from claims.models import HarvestedReview, RatingMapping
from claims.services.workflow import set_verdict
from claims.workflow import VERDICTS, TransitionRefused


class MappingRefused(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decided_verdict(*, rating: str, publisher: str) -> str:
    """The verdict a reviewer decided for this rating (this publisher's own mapping first), or ""."""
    rows = RatingMapping.objects.filter(Q(publisher=publisher) | Q(publisher=""), rating=rating).exclude(verdict="")
    decided = {row.publisher: row.verdict for row in rows.only("publisher", "verdict")}
    return decided.get(publisher) or decided.get("", "")


def note_unmapped(*, rating_text: str, publisher: str) -> RatingMapping | None:
    """Count one more review imported with a rating nothing maps; the row waits for a reviewer."""
    rating = normalize_rating(rating_text)
    if not rating:
        return None
    row, _created = RatingMapping.objects.get_or_create(
        rating=rating, publisher="", defaults={"example": rating_text[:1000]}
    )
    RatingMapping.objects.filter(pk=row.pk).update(seen=F("seen") + 1)
    return row


def decide_rating(*, mapping: RatingMapping, verdict: str, by: User) -> int:
    """Map the rating onto `verdict` ("" to undecide) and give that verdict to every imported review with the
    rating that has none yet (and was not published by us meanwhile). Returns how many claims got it."""
    if verdict and verdict not in VERDICTS:
        raise MappingRefused(_("Choose one of the verdicts, or none."))
    with transaction.atomic():
        mapping = RatingMapping.objects.select_for_update().get(pk=mapping.pk)
        mapping.verdict, mapping.decided_by, mapping.decided_at = verdict, by, timezone.now()
        mapping.save(update_fields=["verdict", "decided_by", "decided_at"])
    return apply_mapping(mapping=mapping, by=by) if verdict else 0


def apply_mapping(*, mapping: RatingMapping, by: User) -> int:
    reviews = HarvestedReview.objects.filter(rating=mapping.rating, claim__verdict="").select_related("claim")
    if mapping.publisher:
        reviews = reviews.filter(publisher=mapping.publisher)
    applied = 0
    for review in reviews.iterator(chunk_size=200):
        if review.claim.is_public:
            continue
        rationale = _("%(publisher)s rated it «%(rating)s», which the desk maps to «%(verdict)s»: %(url)s") % {
            "publisher": review.publisher or _("Another desk"),
            "rating": review.rating_text,
            "verdict": VERDICTS[mapping.verdict].label_en,
            "url": review.review_url,
        }
        try:
            with transaction.atomic():
                set_verdict(claim=review.claim, by=by, verdict=mapping.verdict, rationale=rationale)
        except TransitionRefused:
            continue  # a claim the workflow no longer lets us change keeps its state
        applied += 1
    return applied
