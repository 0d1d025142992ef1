"""Every text and file a user sends has a documented limit (claims/limits.py, docs/limits.md); over it they get a
message that says the limit and keeps what they typed, never a debug page or a request that runs for minutes."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims import limits
from claims.models import Article, Claim
from tests.factories import ArticleFactory

ARTICLE = "زار حفتر موسكو عام 2018 والتقى وزير الدفاع الروسي سيرغي شويغو. " * 3


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory(text=ARTICLE)


def _claim_form(article, **fields):
    exact = "زار حفتر موسكو"
    return {"kind": "other", "exact": exact, "start": "0", "end": str(len(exact)), "statement": "A claim", **fields}


def test_a_long_statement_comes_back_in_the_form_with_the_limit(desk, article):
    statement = "ادعاء طويل " * 300
    response = desk.post(reverse("desk:claim-new", args=[article.pk]), _claim_form(article, statement=statement))
    page = response.content.decode()
    assert response.status_code == 400 and not Claim.objects.exists()
    assert f"the limit is {limits.CLAIM_STATEMENT_MAX_CHARS:,}" in page
    assert statement.strip() in page  # what the editor wrote is in the form again


def test_a_4_mb_statement_through_the_api_is_refused_at_once(api, article):
    statement = "x" * 4_000_000
    started = time.monotonic()
    response = api.post(
        "/api/v1/claims/",
        {"article": article.pk, "selector": {"exact": "زار حفتر موسكو"}, "statement": statement, "kind": "other"},
        format="json",
    )
    assert response.status_code == 400 and "statement" in response.json()
    assert str(limits.CLAIM_STATEMENT_MAX_CHARS) in json.dumps(response.json())
    assert time.monotonic() - started < 10 and not Claim.objects.exists()


def test_a_long_quote_is_refused_before_the_article_is_searched(desk, article, monkeypatch):
    from claims import anchoring

    monkeypatch.setattr(anchoring, "resolve", lambda *a, **k: pytest.fail("searched the article"))
    quote = "ق" * (limits.CLAIM_QUOTE_MAX_CHARS + 1)
    response = desk.post(
        reverse("desk:claim-new", args=[article.pk]), _claim_form(article, exact=quote, start="", end="")
    )
    assert response.status_code == 400 and f"{limits.CLAIM_QUOTE_MAX_CHARS:,}" in response.content.decode()


def test_a_long_rationale_is_refused_and_kept_in_the_workflow_form(desk, editor, article):
    from tests.factories import ClaimFactory

    # An opinion needs no evidence to go to review: the rationale's length is all that stops it.
    claim = ClaimFactory(article=article, kind="opinion", status="researching", created_by=editor, last_editor=editor)
    rationale = "سبب " * 6_000
    response = desk.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {
            "to": "in_review",
            "verdict": "not_checkable",
            "rationale": rationale,
            "comment": "",
            "version": claim.version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"the limit is {limits.RATIONALE_MAX_CHARS:,}" in page
    assert rationale in page
    claim.refresh_from_db()
    assert claim.status == "researching" and claim.rationale == ""


def test_a_long_rationale_through_the_api_is_a_400(api, editor, article):
    from tests.factories import ClaimFactory

    claim = ClaimFactory(article=article, created_by=editor)
    response = api.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"to": "researching", "rationale": "r" * (limits.RATIONALE_MAX_CHARS + 1)},
        format="json",
    )
    assert response.status_code == 400 and "rationale" in json.dumps(response.json())


def test_an_article_over_the_text_limit_comes_back_filled_in(desk, monkeypatch):
    monkeypatch.setattr(limits, "ARTICLE_TEXT_MAX_CHARS", 1_000)
    text = "نص المقال " * 200
    response = desk.post(reverse("desk:article-new"), {"title": "Long one", "text": text, "url": ""})
    page = response.content.decode()
    assert response.status_code == 400 and not Article.objects.exists()
    assert "the limit is 1,000" in page
    assert text in page and 'value="Long one"' in page


def test_the_article_form_states_its_limits(desk):
    page = desk.get(reverse("desk:article-new")).content.decode()
    assert f"{limits.ARTICLE_TEXT_MAX_CHARS:,} characters" in page
    assert f'data-max-chars="{limits.ARTICLE_TEXT_MAX_CHARS}"' in page


def test_a_paste_over_the_request_limit_is_a_413_that_offers_the_upload(desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    response = desk.post(reverse("desk:article-new"), {"title": "", "text": "ن" * 60_000, "url": ""})
    page = response.content.decode()
    assert response.status_code == 413
    assert "at most 48.8 KB of text" in page
    assert 'type="file" name="file"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Traceback" not in page and "RequestDataTooBig" not in page


def test_the_same_text_uploaded_as_a_file_is_not_held_to_the_request_limit(desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    text = "نص طويل " * 10_000
    upload = SimpleUploadedFile("article.txt", text.encode(), content_type="text/plain")
    response = desk.post(reverse("desk:article-new"), {"title": "Uploaded", "file": upload, "url": "", "text": ""})
    assert response.status_code == 302
    assert Article.objects.get().text == text


def test_a_form_urlencoded_body_over_the_limit_is_a_413(desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = desk.post(
        reverse("desk:article-new"), "text=" + "a" * 20_000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_a_json_body_over_the_limit_is_a_413_in_json(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post("/api/v1/articles/", {"title": "T", "text": "a" * 20_000}, format="json")
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == 10_000 and "9.8 KB" in response.json()["detail"]


def test_a_long_evidence_passage_is_a_400_naming_the_field(api, editor, article):
    from claims.services.sources import add_evidence
    from tests.factories import ClaimFactory, SourceFactory

    claim = ClaimFactory(article=article, created_by=editor)
    response = api.post(
        "/api/v1/evidence/",
        {
            "claim": claim.pk,
            "source": SourceFactory().pk,
            "stance": "supports",
            "passage": "p" * (limits.EVIDENCE_PASSAGE_MAX_CHARS + 1),
        },
        format="json",
    )
    assert response.status_code == 400 and "passage" in response.json()
    # The service says the same to every caller (desk, admin, imports).
    with pytest.raises(Exception, match=f"the limit is {limits.EVIDENCE_PASSAGE_MAX_CHARS:,}"):
        add_evidence(claim=claim, source=SourceFactory(), by=editor, passage="p" * 20_000)
