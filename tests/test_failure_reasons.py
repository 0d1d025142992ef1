"""Why a fetch or a capture failed reads in the desk member's language: workers store the reason in English, and
each page shows it translated (an English desk and the API keep the English text)."""

import re
import string

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.reasons import TEMPLATES, in_language, reason
from claims.models import Article, Capture
from claims.services.captures import run_capture
from claims.services.profiles import set_interface_language
from tests.factories import ArticleFactory, ClaimFactory

NOT_FOUND_AR = "لم يُعثر على الصفحة (HTTP 404)"
NOT_FOUND_EN = "The page was not found (HTTP 404)"
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
# Parameters as the raise sites give them: host names, addresses, figures; no text that reads as a template.
WORDS = st.text(alphabet=string.ascii_letters + string.digits + "./:-_", min_size=1, max_size=30)


@given(data=st.data())
def test_every_template_reads_in_english_unchanged_and_in_arabic_with_its_values(data):
    for template in TEMPLATES:
        params = {
            name: data.draw(st.integers(0, 10**6) if kind == "d" else WORDS)
            for name, kind in PLACEHOLDER.findall(template)
        }
        english = reason(template, **params)
        assert english == template % params
        with translation.override("en"):
            assert in_language(english) == english and in_language(str(english)) == english
        with translation.override("ar"):
            arabic = translation.gettext(template) % params
            assert arabic != template, template
            assert in_language(english) == arabic and in_language(str(english)) == arabic
            assert all(str(value) in arabic for value in params.values())


def test_a_reason_inside_a_reason_is_translated_too():
    refused = reason(
        "The redirect to %(target)s was refused because %(reason)s",
        target="http://10.0.0.1/",
        reason="the address 10.0.0.1 is a private network address; fetching it could reach an internal system, "
        "so it is refused.",
    )
    stored = f"Attempt 2: {refused}"
    with translation.override("ar"):
        shown = in_language(stored)
    assert shown.startswith("المحاولة 2: رُفضت إعادة التوجيه إلى http://10.0.0.1/")
    assert "عنوان شبكة خاصة" in shown and "address" not in shown


def test_text_no_template_wrote_is_shown_as_it_is():
    with translation.override("ar"):
        assert in_language("Something the worker said in 2019.") == "Something the worker said in 2019."


@pytest.fixture
def failed_capture(client, editor, fetch_settings, server):
    """A source of a claim whose capture the worker's service failed (HTTP 404), its reason stored in English."""
    claim = ClaimFactory()
    client.force_login(editor)
    client.post(reverse("desk:claim_add_source", args=[claim.pk]), {"url": server.url("/gone"), "stance": "supports"})
    capture = run_capture(capture_id=Capture.objects.get().pk)
    assert capture.error.startswith(NOT_FOUND_EN)
    return capture


@pytest.mark.django_db
def test_a_failed_captures_reason_reads_in_arabic_on_the_desk_in_arabic(client, editor, failed_capture):
    set_interface_language(user=editor, language="ar")
    claim = failed_capture.source.evidence.get().claim
    pages = {
        "source": reverse("desk:source", args=[failed_capture.source_id]),
        "capture": reverse("desk:capture", args=[failed_capture.pk]),
        "claim and its activity panel": reverse("desk:claim", args=[claim.pk]),
    }
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert NOT_FOUND_AR in page, name
        assert NOT_FOUND_EN not in page, name
    status = client.get(reverse("desk:claim_sources_status", args=[claim.pk])).json()
    assert status["sources"][0]["reason"].startswith(NOT_FOUND_AR)


@pytest.mark.django_db
def test_a_failed_captures_reason_stays_english_for_an_english_desk_and_the_api(client, editor, api, failed_capture):
    set_interface_language(user=editor, language="en")
    page = client.get(reverse("desk:source", args=[failed_capture.source_id])).content.decode()
    assert NOT_FOUND_EN in page and NOT_FOUND_AR not in page
    assert api.get(f"/api/v1/captures/{failed_capture.pk}/").json()["error"].startswith(NOT_FOUND_EN)


@pytest.mark.django_db
def test_a_reason_stored_before_reads_in_arabic(client, editor, failed_capture):
    Capture.objects.filter(pk=failed_capture.pk).update(error="The server did not answer within 10 seconds.")
    set_interface_language(user=editor, language="ar")
    page = client.get(reverse("desk:capture", args=[failed_capture.pk])).content.decode()
    assert "لم يردّ الخادم خلال 10 ثانية." in page


@pytest.mark.django_db
def test_an_import_failure_reads_in_arabic_on_the_article_page(client, editor, api):
    article = ArticleFactory(url="https://news.example.org/a")
    Article.objects.filter(pk=article.pk).update(
        import_state=Article.ImportState.FAILED,
        import_error="The page was fetched, but no article text could be found in it.",
    )
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    page = client.get(reverse("desk:article", args=[article.pk])).content.decode()
    assert "جُلبت الصفحة، لكن لم يُعثر فيها على نص مقال." in page
    assert api.get(f"/api/v1/articles/{article.pk}/").json()["import_error"].startswith("The page was fetched")


@pytest.mark.django_db
def test_a_refused_address_in_the_source_form_reads_in_arabic(client, editor, fetch_settings):
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    claim = ClaimFactory()
    response = client.post(
        reverse("desk:claim_add_source", args=[claim.pk]), {"url": "ftp://files.example.org/a", "stance": "supports"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "لا يمكن جلب إلا العناوين التي تبدأ بـ http:// أو https://" in page
    assert "Only http://" not in page
    assert "ftp://files.example.org/a" in page  # what they typed is kept
