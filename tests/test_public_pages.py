"""The public pages render for the demo desk, in English and Arabic, and show only published claims."""

import pytest
from django.utils import translation
from django.utils.html import escape

from claims.models import Claim, Page
from claims.workflow import VERDICTS
from tests.public_helpers import fresh_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


def url(claim) -> str:
    """The English address; the Arabic one is the same under /ar."""
    with translation.override("en"):
        return claim.public_url


@pytest.fixture
def published(demo):
    return Claim.objects.published().order_by("pk")


def test_home_lists_the_latest_published_claims(client, published):
    page = client.get("/").content.decode()
    for claim in published:
        assert url(claim) in page


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_every_published_claim_page_renders_in_both_languages(client, published, prefix):
    for claim in published:
        response = client.get(prefix + url(claim))
        assert response.status_code == 200, claim.public_url


def test_arabic_claim_page_is_right_to_left_and_quotes_the_claim_in_its_own_language(client, published):
    claim = published.first()
    page = client.get("/ar" + url(claim)).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<blockquote class="claim-context" lang="{claim.article.language}" dir="{claim.article.direction}">' in page
    assert claim.verdict_info.label_ar in page
    assert claim.verdict_info.definition_ar in page


def test_english_claim_page_shows_verdict_definition_and_rationale(client, published):
    claim = published.first()
    page = client.get(url(claim)).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert claim.verdict_info.definition_en in page
    assert escape(claim.rationale.splitlines()[0]) in page


def test_claim_page_under_a_wrong_slug_redirects_to_the_canonical_address(client, published):
    claim = published.first()
    response = client.get(f"/claims/{claim.pk}/wrong-slug/")
    assert response.status_code == 301
    assert response["Location"] == url(claim)


def test_claim_page_links_canonical_and_both_languages(client, published, settings):
    claim = published.first()
    page = client.get(url(claim)).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url(claim)}">' in page
    assert f'hreflang="ar" href="{settings.SITE_URL}/ar{url(claim)}"' in page
    assert f'href="/ar{url(claim)}" hreflang="ar"' in page  # the language switch


def test_claim_page_carries_open_graph_and_twitter_tags(client, published):
    page = client.get(url(published.first())).content.decode()
    for tag in ('property="og:title"', 'property="og:url"', 'property="og:description"', 'name="twitter:card"'):
        assert tag in page


def test_entity_pages_of_published_claims_render(client, published):
    for claim in published:
        for entity in claim.entities.all():
            assert client.get(f"/ar/entities/{entity.pk}/").status_code == 200


def test_article_page_highlights_its_published_claims(client, published):
    claim = published.first()
    page = client.get(f"/articles/{claim.article_id}/").content.decode()
    assert page.count('class="checked-claim"') >= published.filter(revision=claim.article.current_revision).count()
    assert f'href="{url(claim)}"><mark' in page


@pytest.mark.parametrize("slug", ["about", "methodology", "corrections", "verdicts"])
@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_policy_pages_render_in_both_languages(client, db, slug, prefix):
    response = client.get(f"{prefix}/{slug}/")
    assert response.status_code == 200
    title = Page.objects.get(slug=slug, language=prefix.strip("/") or "en").title
    assert title in response.content.decode()


def test_policy_page_body_is_sanitized(client, db):
    Page.objects.filter(slug="about", language="en").update(body="<p>Hi</p><script>alert(1)</script>")
    page = client.get("/about/").content.decode()
    assert "<p>Hi</p>" in page
    assert "alert(1)" not in page


def test_verdict_page_lists_the_whole_scale(client, db):
    from claims.workflow import VERDICTS

    page = client.get("/ar/verdicts/").content.decode()
    for verdict in VERDICTS.values():
        assert verdict.definition_ar in page


def test_robots_txt_points_at_the_sitemap(client, db, settings):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /desk/" in body
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body


def test_verdict_names_and_definitions_are_the_arabic_of_the_catalogue(client):
    # Written out: the page must keep the Arabic the desk chose, now msgstrs of claims/locale/ar.
    arabic = {
        "accurate": ("صحيح", "الادعاء صحيح ولا ينقصه شيء جوهري."),
        "mostly_accurate": ("صحيح في معظمه", "الادعاء صحيح لكنه يحتاج إلى توضيح أو ينقصه تفصيل."),
        "unproven": ("غير مثبت", "الأدلة المتاحة لا تؤكد الادعاء ولا تنفيه."),
        "misleading": ("مضلل", "في الادعاء جزء من الحقيقة لكنه يترك انطباعاً خاطئاً."),
        "false": ("خاطئ", "الادعاء غير صحيح."),
        "not_checkable": ("غير قابل للتحقق", "رأي أو توقع أو ادعاء لا يمكن لأي دليل أن يحسمه."),
    }
    page = client.get("/ar/verdicts/").content.decode()
    for verdict, (label, definition) in arabic.items():
        assert (VERDICTS[verdict].label("ar"), VERDICTS[verdict].definition("ar")) == (label, definition)
        assert label in page and definition in page
