"""Claim list filters, search and ordering, on the demo desk."""

import pytest

from claims.models import Claim, Entity, Evidence
from tests.factories import ClaimFactory, SourceFactory


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filter_by_status_takes_several_values(api, demo):
    expected = set(Claim.objects.filter(status__in=["draft", "published"]).values_list("pk", flat=True))
    assert ids(api.get("/api/v1/claims/?status=draft&status=published")) == expected


def test_filter_by_verdict_and_kind(api, demo):
    expected = set(Claim.objects.filter(verdict="accurate", kind="meeting").values_list("pk", flat=True))
    assert expected
    assert ids(api.get("/api/v1/claims/?verdict=accurate&kind=meeting")) == expected


def test_filter_by_entity_lists_claims_naming_it(api, demo):
    lavrov = Entity.objects.get(name__icontains="Lavrov")
    assert ids(api.get(f"/api/v1/claims/?entity={lavrov.pk}")) == set(lavrov.claims.values_list("pk", flat=True))


def test_filter_by_claimant_is_a_substring_match(api, demo, editor):
    other = ClaimFactory(article=demo, claimant="وزارة الدفاع الروسية")
    assert ids(api.get("/api/v1/claims/?claimant=الدفاع")) == {other.pk}


def test_filter_by_article(api, demo):
    other = ClaimFactory()
    assert ids(api.get(f"/api/v1/claims/?article={other.article_id}")) == {other.pk}


def test_filter_by_creation_and_publication_dates(api, demo):
    assert len(ids(api.get("/api/v1/claims/?created_after=2000-01-01T00:00:00Z"))) == 13
    assert ids(api.get("/api/v1/claims/?created_before=2000-01-01T00:00:00Z")) == set()
    published = set(Claim.objects.exclude(published_at=None).values_list("pk", flat=True))
    assert ids(api.get("/api/v1/claims/?published_after=2000-01-01T00:00:00Z")) == published
    assert ids(api.get("/api/v1/claims/?updated_after=2999-01-01T00:00:00Z")) == set()


def test_filter_by_changed_sources(api, demo):
    evidence = Evidence.objects.select_related("source").first()
    evidence.source.health = "changed"
    evidence.source.save(update_fields=["health"])
    shaky = set(Evidence.objects.filter(source=evidence.source).values_list("claim_id", flat=True))
    assert ids(api.get("/api/v1/claims/?changed_sources=true")) == shaky
    assert ids(api.get("/api/v1/claims/?changed_sources=false")).isdisjoint(shaky)


def test_search_matches_arabic_spelling_variants(api, demo):
    found = ids(api.get("/api/v1/claims/?search=فاغنر"))
    assert found and found == set(Claim.objects.filter(search_text__contains="فاغنر").values_list("pk", flat=True))
    assert ids(api.get("/api/v1/claims/?search=شويغو")) == ids(api.get("/api/v1/claims/?search=شويغـو"))


def test_filter_imported_claims(api, demo, editor):
    from claims.services.claimreview import import_claimreview
    from tests.api.test_claimreview_parsing import GOOGLE_EN

    [outcome] = import_claimreview(data=GOOGLE_EN, by=editor)
    assert ids(api.get("/api/v1/claims/?imported=true")) == {outcome.claim}
    assert outcome.claim not in ids(api.get("/api/v1/claims/?imported=false"))
    assert api.get(f"/api/v1/claims/{outcome.claim}/").json()["imported"] is True


def test_ordering_by_creation_date_descending(api, demo):
    rows = api.get("/api/v1/claims/?ordering=-created_at&page_size=50").json()["results"]
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)


def test_an_unknown_filter_value_is_a_400_not_a_500(api, demo):
    assert api.get("/api/v1/claims/?status=nonsense").status_code == 400
    assert api.get("/api/v1/claims/?created_after=yesterday").status_code == 400


def test_page_size_is_chosen_by_the_client_and_capped(api, demo):
    assert len(api.get("/api/v1/claims/?page_size=5").json()["results"]) == 5
    assert api.get("/api/v1/claims/?page_size=5&page=3").json()["results"]


@pytest.mark.parametrize("query", ["kind=meeting", "health=ok", "search=UN"])
def test_other_lists_filter_too(api, demo, query):
    SourceFactory(health="ok")
    for endpoint in ("/api/v1/sources/", "/api/v1/entities/", "/api/v1/articles/"):
        assert api.get(f"{endpoint}?{query}").status_code in (200, 400)
