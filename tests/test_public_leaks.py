"""Nothing unpublished, anywhere: a claim in any unpublished state is unreachable anonymously."""

import pytest
from django.utils import translation

from claims.models import ClaimLink
from claims.services.history import record_event
from claims.workflow import PUBLIC_STATUSES, Status
from tests.factories import ArticleFactory, EntityFactory, EvidenceFactory
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

UNPUBLISHED = [s.value for s in Status if s not in PUBLIC_STATUSES]
SECRET = "zanzibarsecret"


@pytest.fixture
def world():
    """One published claim; beside it, in its article, about its entity and linked to it, the unpublished ones."""
    article = ArticleFactory()
    entity = EntityFactory(name="Common Person")
    published = make_claim(article=article, statement="Published claim about Common Person")
    published.entities.add(entity)
    hidden = []
    for status in UNPUBLISHED:
        for verdict in ("", "false"):
            claim = make_claim(article=article, status=status, verdict=verdict,
                               statement=f"{SECRET} about Common Person {status} {verdict}", statement_en=f"{SECRET} en")
            claim.entities.add(entity)
            EvidenceFactory(claim=claim, source__title=f"{SECRET} source")
            record_event(claim=claim, actor=None, action="transition", from_status="draft", to_status=status)
            low, high = sorted([published, claim], key=lambda c: c.pk)
            ClaimLink.objects.create(from_claim=low, to_claim=high, state="confirmed", score=0.9)
            hidden.append(claim)
    # An article and an entity only unpublished claims point at.
    lonely_article = ArticleFactory()
    lonely_entity = EntityFactory(name=f"{SECRET} person")
    lonely = make_claim(article=lonely_article, status="in_review", verdict="false", statement=SECRET)
    lonely.entities.add(lonely_entity)
    return {"published": published, "hidden": [*hidden, lonely], "article": lonely_article, "entity": lonely_entity}


def public_urls(world):
    published = world["published"]
    urls = ["/", "/feed.atom", "/sitemap.xml", "/robots.txt", "/search/?q=Common+Person", url(published),
            f"/articles/{published.article_id}/", "/api/v1/public/claims/", "/about/", "/verdicts/"]
    urls += [f"/entities/{e.pk}/" for e in published.entities.all()]
    return urls + ["/ar" + u for u in urls if not u.startswith("/api")]


def test_no_public_page_feed_sitemap_search_or_api_mentions_an_unpublished_claim(client, world):
    for address in public_urls(world):
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert SECRET not in body, address
        for claim in world["hidden"]:
            assert f"/claims/{claim.pk}/" not in body, address


def test_unpublished_claims_have_no_public_page_archive_or_api_detail(client, world):
    for claim in world["hidden"]:
        slug = claim.slug
        for address in (f"/claims/{claim.pk}/", f"/claims/{claim.pk}/{slug}/", f"/ar/claims/{claim.pk}/{slug}/",
                        f"/api/v1/public/claims/{claim.pk}/"):
            assert client.get(address).status_code == 404, address
        for evidence in claim.evidence.all():
            archive = f"/claims/{claim.pk}/sources/{evidence.source_id}/archive/"
            assert client.get(archive).status_code == 404


def test_articles_and_entities_known_only_from_unpublished_claims_are_not_found(client, world):
    assert client.get(f"/articles/{world['article'].pk}/").status_code == 404
    assert client.get(f"/entities/{world['entity'].pk}/").status_code == 404


def test_a_claim_leaves_every_public_list_when_it_is_no_longer_public(client, world):
    published = world["published"]
    with translation.override("en"):
        address = published.public_url
    assert address in client.get("/").content.decode()
    type(published).objects.filter(pk=published.pk).update(status="in_review")
    from claims.public.cache import invalidate_claim

    invalidate_claim(published.pk)
    assert address not in client.get("/").content.decode()
    assert client.get(address).status_code == 404


def test_search_of_the_shared_words_finds_only_the_published_claim(client, world):
    body = client.get("/search/", {"q": "Common Person"}).content.decode()
    assert url(world["published"]) in body
