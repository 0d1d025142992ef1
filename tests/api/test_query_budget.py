"""Every list endpoint costs a constant number of queries whatever the page size."""

import pytest

from claims.models import Claim, ClaimLink, Evidence
from claims.services.matching import suggest_similar
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

# Per list: session/token auth (1), role groups (1), count (1), page (1), plus one per prefetch. These are the
# uncached pages (a test's transaction has written, so nothing is cached); a cached desk page, and a miss at any
# page or table size, are counted in test_desk_list_cache.py.
ENDPOINTS = {
    "/api/v1/claims/": 8,  # + entities, attendees (with their entities), tags and pending correction prefetches
    "/api/v1/articles/": 5,  # + tags prefetch
    "/api/v1/entities/": 4,
    "/api/v1/sources/": 4,
    "/api/v1/evidence/": 4,
    "/api/v1/claim-links/": 4,
    "/api/v1/public/claims/": 5,  # no auth queries; + entities, attendees and tags prefetches
    "/api/v1/public/claimreview/": 2,
}


@pytest.fixture
def big_desk(demo):
    for n in range(60):
        claim = ClaimFactory(article=demo, statement=f"ادعاء رقم {n}")
        EvidenceFactory(claim=claim, source=SourceFactory())
    for claim in Claim.objects.filter(pk__in=Claim.objects.order_by("pk").values("pk")[:13]):
        suggest_similar(claim=claim)
    assert Evidence.objects.count() > 50 and ClaimLink.objects.exists()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_list_page_costs_the_same_queries_at_5_and_50_rows(api, big_desk, endpoint, django_assert_max_num_queries):
    for size in (5, 50):
        with django_assert_max_num_queries(ENDPOINTS[endpoint]):
            response = api.get(f"{endpoint}?page_size={size}")
        assert response.status_code == 200, response.content
