"""Similar-claims scoring runs in a worker after the claim is saved, with a bounded cost per claim, and the
claim page says "looking for similar claims…" until the results are there."""

import pytest
from django.db import connection

from claims import limits
from claims.models import Claim, ClaimLink
from claims.services import matching as matching_services
from claims.services.matching import claim_text, suggest_similar
from tests.factories import ArticleFactory, ClaimFactory
from tests.waiting import wait_for

SHOIGU = "زار حفتر موسكو عام 2018 والتقى وزير الدفاع الروسي سيرغي شويغو"


@pytest.fixture
def scored(monkeypatch):
    """Counts every pair the scorer is asked about, and whether a transaction was open meanwhile."""
    calls = []
    real = matching_services.score

    def counting(a, b):
        calls.append(connection.in_atomic_block)
        return real(a, b)

    monkeypatch.setattr(matching_services, "score", counting)
    return calls


def _new_claim_form(article):
    return {"kind": "meeting", "exact": SHOIGU, "start": "0", "end": str(len(SHOIGU)), "statement": SHOIGU}


def test_saving_a_claim_scores_nothing_inside_the_request(
    client, editor, demo, scored, django_capture_on_commit_callbacks
):
    article = ArticleFactory(text=SHOIGU)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/articles/{article.pk}/claims/new/", _new_claim_form(article))
    assert response.status_code == 302
    claim = Claim.objects.get(article=article)
    assert scored == [] and claim.similar_queued_at is not None


def test_the_claim_page_says_it_is_looking_then_the_panel_shows_the_match(client, editor, demo, celery_worker):
    article = ArticleFactory(text=SHOIGU)
    client.force_login(editor)
    client.post(f"/desk/articles/{article.pk}/claims/new/", _new_claim_form(article))
    claim = Claim.objects.get(article=article)
    assert wait_for(lambda: not Claim.objects.filter(pk=claim.pk, similar_queued_at__isnull=False).exists())
    panel = client.get(f"/desk/claims/{claim.pk}/similar/panel/").content.decode()
    assert "Looking for similar claims" not in panel and "data-panel-url" not in panel
    others = [link.from_claim_id for link in ClaimLink.objects.filter(to_claim=claim)]
    assert others and all(f"#{pk} " in panel for pk in others)


def test_a_queued_claim_shows_looking_and_a_url_to_poll(client, editor, demo):
    claim = Claim.objects.filter(kind="meeting").first()
    matching_services.queue_similar(claim_id=claim.pk)  # in the test's transaction: never sent
    client.force_login(editor)
    page = client.get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "Looking for similar claims…" in page
    assert f'data-panel-url="/desk/claims/{claim.pk}/similar/panel/"' in page


def test_scoring_holds_no_transaction(transactional_db, demo, scored, settings):
    settings.MATCHING_METHOD = "lexical"  # `scored` counts the lexical scorer's calls; the memory's path is below
    for claim in Claim.objects.filter(kind="meeting"):
        suggest_similar(claim=claim)
    assert scored and not any(scored)
    assert ClaimLink.objects.count() == 1


def test_each_claim_is_read_to_a_bounded_length(demo):
    article = ArticleFactory(text="حفتر " * 30_000)
    # Written before the limits existed, or by the admin: scoring still reads a bounded part of it.
    claim = ClaimFactory(article=article, start=0, end=100_000, statement="شويغو " * 20_000)
    claim.exact = article.text[:100_000]
    claim.save()
    assert len(claim_text(claim).text) <= 2 * limits.MATCHING_TEXT_MAX_CHARS + 1
    assert suggest_similar(claim=claim) is not None


def test_the_memory_scores_holding_no_transaction(transactional_db, demo, monkeypatch):
    calls = []
    real = matching_services.memory_score

    def counting(*args, **kwargs):
        calls.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(matching_services, "memory_score", counting)
    for claim in Claim.objects.filter(kind="meeting"):
        suggest_similar(claim=claim)
    assert calls and not any(calls)
