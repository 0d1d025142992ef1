"""Importing articles in the desk (paste, .txt/.html upload, URL) and editing their text into new revisions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Article, Claim
from claims.services.articles import add_revision
from claims.write_generation import MoveGenerations
from tests.factories import ArticleFactory, ClaimFactory

ARABIC = "زار حفتر موسكو عام 2018 والتقى وزير الدفاع سيرغي شويغو. ويقدر عددهم بحوالي ألفين.\n"


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def import_article(desk, **data):
    return desk.post(reverse("desk:article-new"), {"title": "", "text": "", "url": ""} | data)


def test_new_article_page_offers_paste_upload_and_url(desk):
    page = desk.get(reverse("desk:article-new")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="text"' in page and 'name="file"' in page and 'name="url"' in page


def test_pasted_arabic_text_detects_language_and_direction(desk):
    response = import_article(desk, title="زيارة", text=ARABIC)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert (article.language, article.direction, article.text) == ("ar", "rtl", ARABIC)
    assert article.current_revision.origin == "paste"


def test_language_and_direction_given_by_the_editor_win(desk):
    import_article(desk, text=ARABIC, language="fa", direction="ltr")
    assert (Article.objects.get().language, Article.objects.get().direction) == ("fa", "ltr")


def test_uploaded_txt_is_decoded_and_kept_as_written(desk):
    upload = SimpleUploadedFile("article.txt", ARABIC.encode("cp1256"), content_type="text/plain")
    import_article(desk, title="Upload", file=upload)
    article = Article.objects.get()
    assert article.text == ARABIC
    assert article.current_revision.origin == "upload"


def test_uploaded_html_keeps_only_the_text_never_the_markup(desk):
    html = (
        "<html><head><title>Haftar in Moscow</title><script>alert('x')</script></head><body>"
        '<nav>Home | World</nav><article><h1>Haftar in Moscow</h1><p onclick="steal()">'
        + ARABIC
        * 3
        + "</p><p>Second paragraph <b>with bold</b> and <img src=x onerror=alert(1)> an image.</p>"
        "</article></body></html>"
    )
    upload = SimpleUploadedFile("page.html", html.encode(), content_type="text/html")
    import_article(desk, file=upload)
    article = Article.objects.get()
    assert "زار حفتر موسكو" in article.text and "with bold" in article.text
    for markup in ("<", "alert", "onclick", "steal"):
        assert markup not in article.text
    assert article.title == "Haftar in Moscow"


def test_too_large_upload_is_refused_with_the_limit(desk, settings):
    settings.ARTICLE_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.txt", b"x" * 2048, content_type="text/plain")
    response = import_article(desk, file=upload)
    assert response.status_code == 400
    assert "The file is 2.0 KB; the limit is 1.0 KB." in response.content.decode()
    assert not Article.objects.exists()


def test_other_file_types_are_refused(desk):
    upload = SimpleUploadedFile("doc.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = import_article(desk, file=upload)
    assert "Upload a .txt or .html file." in response.content.decode()


def test_html_without_any_text_is_refused_beside_the_file(desk):
    upload = SimpleUploadedFile("empty.html", b"<html><body><script>x()</script></body></html>")
    response = import_article(desk, file=upload)
    assert response.status_code == 400 and "No article text was found" in response.content.decode()


def test_nothing_given_says_what_to_give(desk):
    response = import_article(desk)
    assert response.status_code == 400
    assert "Paste the article&#x27;s text, upload a file, or give its URL." in response.content.decode()


def test_text_and_file_together_are_refused(desk):
    upload = SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")
    response = import_article(desk, text="hello", file=upload)
    assert "not both" in response.content.decode()


def test_url_alone_queues_the_fetch_and_the_article_shows_fetching(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        import_article(desk, url="https://example.org/news/1")
    article = Article.objects.get()
    assert article.import_state == "fetching" and article.current_revision is None
    # The fetch, beside the desk's write generations moving after each write (claims/write_generation.py).
    assert len([c for c in callbacks if not isinstance(c, MoveGenerations)]) == 1
    page = desk.get(article.get_absolute_url()).content.decode()
    assert "being fetched" in page


def test_reading_view_of_a_fetching_article_offers_no_claim_form(desk):
    article = Article.objects.create(title="Waiting", url="https://example.org/a", import_state="fetching")
    page = desk.get(article.get_absolute_url()).content.decode()
    assert 'id="claim-form-panel"' not in page


def test_edit_text_page_shows_the_current_text(desk):
    article = ArticleFactory(text=ARABIC)
    page = desk.get(reverse("desk:article-edit", args=[article.pk])).content.decode()
    assert "ويقدر عددهم بحوالي ألفين" in page and 'dir="rtl"' in page


def test_editing_text_adds_a_revision_and_reports_reanchoring(desk):
    article = ArticleFactory(text=ARABIC)
    kept = ClaimFactory(article=article, quote="ويقدر عددهم بحوالي ألفين")
    lost = ClaimFactory(article=article, quote="والتقى وزير الدفاع سيرغي شويغو")
    new_text = "مقدمة جديدة.\nويقدر عددهم بحوالي ألفين.\n"
    response = desk.post(
        reverse("desk:article-edit", args=[article.pk]),
        {"text": new_text, "title": article.title, "language": "ar", "direction": "rtl"},
        follow=True,
    )
    article.refresh_from_db()
    assert article.current_revision.number == 2 and article.text == new_text
    assert article.revisions.get(number=1).text == ARABIC
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert (kept.anchor, new_text[kept.start : kept.end]) == ("exact", "ويقدر عددهم بحوالي ألفين")
    assert lost.anchor == Claim.Anchor.ORPHANED
    assert "Saved as revision r2. Claims re-anchored: 1 exactly, 0 fuzzily (check them), 1 orphaned" in (
        response.content.decode()
    )


def test_saving_the_same_text_adds_no_revision(desk):
    article = ArticleFactory(text=ARABIC)
    desk.post(
        reverse("desk:article-edit", args=[article.pk]),
        {"text": ARABIC, "title": "New title", "language": "ar", "direction": "rtl"},
    )
    article.refresh_from_db()
    assert (article.revisions.count(), article.title) == (1, "New title")


def test_emptying_the_text_is_refused_beside_the_text(desk):
    article = ArticleFactory(text=ARABIC)
    response = desk.post(
        reverse("desk:article-edit", args=[article.pk]),
        {"text": "   ", "title": "t", "language": "ar", "direction": "rtl"},
    )
    assert response.status_code == 400
    assert article.revisions.count() == 1


def test_a_refused_text_leaves_the_title_and_language_unchanged_too(desk):
    # One edit, one transaction (services.articles.update_article), as through the API.
    article = ArticleFactory(text=ARABIC, title="Old title", language="ar")
    response = desk.post(
        reverse("desk:article-edit", args=[article.pk]),
        {"text": "   ", "title": "New title", "language": "fa", "direction": "rtl"},
    )
    assert response.status_code == 400
    article.refresh_from_db()
    assert (article.title, article.language, article.revisions.count()) == ("Old title", "ar", 1)


def test_import_pages_need_a_desk_member(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("desk:article-new")).status_code == 403


def test_re_anchoring_many_claims_writes_every_one_in_batches(editor, monkeypatch):
    monkeypatch.setattr("claims.services.articles.REANCHOR_BATCH", 7)
    lines = [f"السطر رقم {n}: قال المصدر إن العدد بلغ {n * 10} مقاتلا." for n in range(40)]
    article = ArticleFactory(text="\n".join(lines))
    claims = [ClaimFactory(article=article, quote=line) for line in lines]
    new_text = "مقدمة أضافها المحرر.\n" + "\n".join(lines[:20]) + "\nسطر في الوسط.\n" + "\n".join(lines[20:])
    revision = add_revision(article=article, text=new_text, by=editor)
    for claim, line in zip(claims, lines, strict=True):
        before = claim.updated_at
        claim.refresh_from_db()
        assert (claim.revision_id, claim.anchor, claim.anchor_confidence) == (revision.pk, "exact", 1.0)
        assert new_text[claim.start : claim.end] == claim.exact == line
        assert new_text[: claim.start].endswith(claim.prefix) and new_text[claim.end :].startswith(claim.suffix)
        assert claim.updated_at > before
        event = claim.events.get(action="reanchored")
        assert event.changes["revision"] == [None, 2] and event.actor == editor
