"""A million claims (issue 16): every list costs the same number of queries whatever its table's size and its
page's size; page-number counts are bounded (exact under the cap, the planner's estimate over it, 0 when
nothing can match); the sitemap index pages at its setting without reading a whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import paging
from claims.models import Claim, Entity
from claims.paging import BoundedPaginator, bounded_count
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
SIZES = (3, 14)

DESK_LISTS = [
    "/desk/claims/",
    "/desk/claims/?status=published",
    "/desk/claims/?verdict=false",
    "/desk/claims/?kind=other",
    "/desk/claims/?assignee=none",
    "/desk/claims/?q=2000",
    "/desk/articles/",
    "/desk/",
]
API_LISTS = [
    "/api/v1/claims/",
    "/api/v1/claims/?status=published",
    "/api/v1/claims/?kind=other",
    "/api/v1/claims/?search=ليبيا",
    "/api/v1/articles/",
    "/api/v1/sources/",
    "/api/v1/evidence/",
    "/api/v1/entities/",
    "/api/v1/public/claims/",
]
PUBLIC_LISTS = ["/", "/search/?q=ليبيا", "/feed.atom", "/sitemap.xml", "/sitemap-claims.xml", "/sitemap-entities.xml"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Count what a page costs to render, never a copy the page cache kept from the smaller size.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def grow_to(total: int, focus: Entity, editor) -> None:
    """Published claims (each in its own article, naming `focus`, with one evidence row) until there are `total`."""
    for i in range(Claim.objects.count(), total):
        article = ArticleFactory(text=f"يوجد في ليبيا نحو 2000 مرتزق روسي، بحسب التقرير رقم {i}.")
        claim = ClaimFactory(
            article=article,
            statement=f"في ليبيا نحو 2000 مرتزق {i}",
            status="published",
            verdict="false",
            published_at=timezone.now(),
            assignee=editor,
        )
        claim.entities.add(focus, EntityFactory())
        EvidenceFactory(claim=claim)


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("address", DESK_LISTS + PUBLIC_LISTS + API_LISTS)
def test_a_list_costs_the_same_queries_at_two_table_sizes(client, api, editor, address):
    focus = EntityFactory(name="حفتر")
    client.force_login(editor)
    reader = api if address.startswith("/api/") and "/public/" not in address else client
    counts = []
    for size in SIZES:
        grow_to(size, focus, editor)
        counts.append(queries(reader, address))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("address", [a for a in API_LISTS if "?" not in a])
def test_an_api_list_costs_the_same_queries_at_two_page_sizes(api, editor, address):
    grow_to(SIZES[1], EntityFactory(), editor)
    assert queries(api, f"{address}?page_size=2") == queries(api, f"{address}?page_size=12")


@pytest.mark.parametrize("address", ["/desk/claims/", "/api/v1/claims/", "/entities/{entity}/"])
def test_a_page_with_the_entity_costs_the_same_queries_at_two_sizes(client, api, editor, address):
    focus = EntityFactory(name="حفتر")
    client.force_login(editor)
    reader = api if address.startswith("/api/") else client
    counts = []
    for size in SIZES:
        grow_to(size, focus, editor)
        target = address.format(entity=focus.pk) if "{" in address else f"{address}?entity={focus.pk}"
        counts.append(queries(reader, target))
    assert counts[0] == counts[1]


def test_the_api_list_of_an_entity_costs_the_same_queries_at_two_page_sizes(api, editor):
    focus = EntityFactory()
    grow_to(SIZES[1], focus, editor)
    address = f"/api/v1/claims/?entity={focus.pk}"
    assert queries(api, f"{address}&page_size=2") == queries(api, f"{address}&page_size=12")


# --- the bounded count -------------------------------------------------------------------------------------------


def test_the_count_is_exact_under_the_cap(editor):
    grow_to(4, EntityFactory(), editor)
    assert bounded_count(Claim.objects.all(), limit=5) == 4
    assert BoundedPaginator(Claim.objects.order_by("id"), 2).num_pages == 2


def test_over_the_cap_the_count_is_the_planners_estimate_never_below_the_cap(editor, monkeypatch):
    grow_to(6, EntityFactory(), editor)
    asked = []

    def estimate(queryset):
        asked.append(queryset.model)
        return 1_000_000

    monkeypatch.setattr(paging, "planner_estimate", estimate)
    with CaptureQueriesContext(connection) as captured:
        assert bounded_count(Claim.objects.all(), limit=3) == 1_000_000
    assert asked == [Claim]
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]  # the exact part stops one row past the cap
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: 2)  # statistics older than the rows
    assert bounded_count(Claim.objects.all(), limit=3) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_planner_estimate_is_an_integer_from_the_database(editor):
    grow_to(3, EntityFactory(), editor)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    estimate = paging.planner_estimate(Claim.objects.filter(status="published"))
    assert isinstance(estimate, int) and estimate >= 1


def test_a_list_nothing_can_match_counts_zero_without_a_query():
    with CaptureQueriesContext(connection) as captured:
        assert bounded_count(Claim.objects.filter(pk__in=[])) == 0
    assert captured.captured_queries == []
    assert BoundedPaginator(Claim.objects.filter(pk__in=[]).order_by("id"), 10).count == 0


def test_the_api_count_stays_an_integer_over_the_cap(api, editor, monkeypatch):
    grow_to(4, EntityFactory(), editor)
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 2)
    monkeypatch.setattr(paging.bounded_count, "__defaults__", (2,))
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: 40)
    body = api.get("/api/v1/claims/?page_size=2").json()
    assert body["count"] == 40 and isinstance(body["count"], int)
    assert len(body["results"]) == 2 and body["next"]


# --- the sitemap index -----------------------------------------------------------------------------------------


def test_the_sitemap_index_pages_each_section_at_its_setting(client, editor, settings):
    grow_to(5, EntityFactory(), editor)
    settings.SITEMAP_ADDRESSES_PER_PAGE = 4  # two claims (in two languages) a page
    ids = Claim.objects.published().order_by("id").values_list("id", flat=True)
    pages = -(-(ids.last() - ids.first() + 1) // 2)
    with CaptureQueriesContext(connection) as captured:
        index = client.get("/sitemap.xml").content.decode()
    assert f"sitemap-claims.xml?p={pages}</loc>" in index and f"sitemap-claims.xml?p={pages + 1}<" not in index
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    seen = []
    for page in range(1, pages + 1):
        body = client.get(f"/sitemap-claims.xml?p={page}").content.decode()
        found = body.count("<url>")
        assert found <= 4
        seen.append(found)
    assert sum(seen) == 2 * Claim.objects.published().count()
    assert client.get(f"/sitemap-claims.xml?p={pages + 1}").status_code == 404
