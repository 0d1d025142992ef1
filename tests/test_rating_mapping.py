"""Ratings onto our verdicts: the common English and Arabic scales map; a rating nothing maps is kept with its
review (no verdict) in the desk's mapping table, and a reviewer's decision reaches every review imported with it."""

import pytest

from claims.claimreview_import import rating_to_verdict
from claims.models import Claim, RatingMapping
from claims.services.claimreview import import_claimreview
from claims.services.ratings import decide_rating

SCALES = {
    # Snopes: the ratings that left 40 % of one desk's reviews without a verdict, and the rest of its scale.
    "Correct Attribution": "accurate",
    "Miscaptioned": "misleading",
    "Misattributed": "false",
    "Outdated": "misleading",
    "Legend": "unproven",
    "Scam": "false",
    "Mixture": "misleading",
    "Unfounded": "unproven",
    "Labeled Satire": "not_checkable",
    "Legit": "accurate",
    # PolitiFact's Truth-O-Meter.
    "True": "accurate",
    "Mostly True": "mostly_accurate",
    "Half True": "misleading",
    "Mostly False": "misleading",
    "False": "false",
    "Pants on Fire!": "false",
    # AFP and Reuters.
    "Missing context": "misleading",
    "Altered photo": "misleading",
    "Partly false": "misleading",
    "Satire": "not_checkable",
    "Unsubstantiated": "unproven",
    "Fabricated quote": "false",
    # Full Fact's sentences, FactCheck.org's words.
    "This isn't true. The figure was 5% in 2019.": "false",
    "Incorrect": "false",
    "Needs context": "misleading",
    "Distorts the Facts": "misleading",
    "Cherry Picks": "misleading",
    "No evidence": "unproven",
    # Arabic desks.
    "مضلّل": "misleading",
    "خارج السياق": "misleading",
    "زائف جزئياً": "misleading",
    "غير مؤكد": "unproven",
}


@pytest.mark.parametrize(("rating", "verdict"), SCALES.items())
def test_the_common_rating_scales_map(rating, verdict):
    assert rating_to_verdict(rating) == verdict


def _record(url: str, rating: str, publisher: str = "Checker") -> dict:
    return {
        "text": f"claim reviewed at {url}",
        "claimReview": [{"url": url, "textualRating": rating, "publisher": {"name": publisher}}],
    }


def test_an_unknown_rating_is_kept_counted_and_applied_once_mapped(editor, reviewer):
    outcomes = import_claimreview(
        data=[
            _record("https://a.example/1", "Research In Progress"),
            _record("https://a.example/2", "research in progress"),
        ],
        by=editor,
    )
    assert [o.outcome for o in outcomes] == ["imported", "imported"]
    assert set(Claim.objects.values_list("verdict", flat=True)) == {""}
    mapping = RatingMapping.objects.get()
    assert (mapping.rating, mapping.seen, mapping.verdict) == ("research in progress", 2, "")
    assert decide_rating(mapping=mapping, verdict="unproven", by=reviewer) == 2
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"unproven"}
    [later] = import_claimreview(data=[_record("https://a.example/3", "Research in progress")], by=editor)
    assert Claim.objects.get(pk=later.claim).verdict == "unproven"
    assert RatingMapping.objects.get().seen == 2  # a mapped rating is not counted as waiting any more


def test_an_unknown_rating_never_drops_the_review(editor):
    [outcome] = import_claimreview(data=[_record("https://a.example/9", "Zorglub")], by=editor)
    assert outcome.outcome == "imported" and Claim.objects.get(pk=outcome.claim).status == "researching"
