"""Similar claims: the scorer, suggestions on the demo desk, and the editor's confirm / dismiss."""

import itertools

import pytest

from claims.matching import SUGGEST_THRESHOLD, ClaimText, score
from claims.models import Claim, ClaimLink
from claims.services.matching import decide_link, similar_claims, suggest_similar


@pytest.fixture(autouse=True)
def lexical(settings):
    """These are the lexical matcher's suggestions on the demo (docs/matching.md, "Measured"). The embeddings'
    memory suggests more pairs among the demo's claims, all of one article about Haftar: tests/test_memory_matching.py
    and docs/matching.md ("Known limits")."""
    settings.MATCHING_METHOD = "lexical"


SHOIGU_2018 = "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو"
SHOIGU_LAVROV = "أجرى لقاءات مع وزير الدفاع الروسي سيرغي شويغو ووزير الخارجية سيرغي لافروف"


def test_same_claim_in_other_spelling_scores_high():
    a = ClaimText("زار حفتر موسكو عام 2018 والتقى وزير الدفاع شويغو")
    b = ClaimText("زيارة حفتر لموسكو سنة 2018 ولقاؤه بوزير الدفاع شويغو")
    assert score(a, b).score >= SUGGEST_THRESHOLD


def test_different_years_lower_the_score():
    a = ClaimText("زار حفتر موسكو عام 2018 والتقى شويغو")
    b = ClaimText("زار حفتر موسكو عام 2012 والتقى شويغو")
    assert score(a, b).score < score(a, a).score * 0.8


def test_unrelated_claims_score_low():
    a = ClaimText("يوجد في ليبيا نحو ألفي مرتزق روسي من مجموعة فاغنر")
    b = ClaimText("تلقى حفتر عام 1983 تعليماً عسكرياً في أكاديمية فرونزي العسكرية")
    assert score(a, b).score < SUGGEST_THRESHOLD


def _demo_claim(fragment):
    return Claim.objects.get(exact__contains=fragment)


@pytest.fixture
def suggested(demo):
    for claim in Claim.objects.all():
        suggest_similar(claim=claim)
    return ClaimLink.objects.all()


def test_the_two_haftar_shoigu_meetings_are_suggested_as_related(suggested):
    a, b = _demo_claim(SHOIGU_2018), _demo_claim(SHOIGU_LAVROV)
    link = suggested.get(from_claim=min(a.pk, b.pk), to_claim=max(a.pk, b.pk))
    assert link.state == "suggested" and link.score >= SUGGEST_THRESHOLD


def test_unrelated_demo_claims_are_not_paired(suggested):
    assert suggested.count() == 1


def test_confirmed_link_survives_rescoring_and_shows_on_both_claims(suggested, editor):
    link = decide_link(link=suggested.get(), by=editor, same=True)
    suggest_similar(claim=link.from_claim)
    link.refresh_from_db()
    assert link.state == "confirmed" and link.decided_by == editor
    assert [found.other for found in similar_claims(link.to_claim)] == [link.from_claim]


def test_dismissed_suggestion_is_not_suggested_again(suggested, editor):
    link = decide_link(link=suggested.get(), by=editor, same=False)
    for claim in (link.from_claim, link.to_claim):
        suggest_similar(claim=claim)
    assert similar_claims(link.from_claim) == []
    assert ClaimLink.objects.get().state == "dismissed"


def test_scores_are_symmetric(demo):
    from claims.services.matching import claim_text

    claims = list(Claim.objects.prefetch_related("entities"))
    for a, b in itertools.combinations(claims[:6], 2):
        assert score(claim_text(a), claim_text(b)) == score(claim_text(b), claim_text(a))
