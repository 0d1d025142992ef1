"""A million claims (issue 16): the API's part-of-a-word filters read a trigram index of the text Django's
`icontains` compares (migration 0050), not the whole table, and `?claimant=` counts as a word search does: exactly
up to TEXT_MATCH_COUNT_LIMIT matches, then the planner's estimate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article, Claim, Source, querysets
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: the planner would read the table; the index is what a million claims need.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's (migration 0050)")
@pytest.mark.parametrize(
    ("queryset", "indexes"),
    [
        (lambda: Claim.objects.filter(claimant__icontains="حفتر"), ["claim_claimant_trgm"]),
        (lambda: Article.objects.filter(title__icontains="طرابلس"), ["article_title_trgm"]),
        (
            lambda: Source.objects.filter(url__icontains="news") | Source.objects.filter(title__icontains="news"),
            ["source_url_trgm", "source_title_trgm"],
        ),
    ],
)
def test_a_part_of_a_word_filter_reads_its_trigram_index(queryset, indexes):
    found = plan(queryset().order_by()[:1001])
    assert all(index in found for index in indexes), found


def test_the_api_filters_find_a_part_of_a_word_in_any_case(api):
    ClaimFactory(claimant="المشير خليفة حفتر")
    ClaimFactory(claimant="Khalifa Haftar")
    ClaimFactory(claimant="غيره")
    ArticleFactory(title="اشتباكات في طرابلس")
    ArticleFactory(title="خبر آخر")
    SourceFactory(url="https://www.example.org/libya/story", title="")
    SourceFactory(title="Libya Herald")
    SourceFactory()
    assert api.get("/api/v1/claims/", {"claimant": "حفتر"}).json()["count"] == 1
    assert api.get("/api/v1/claims/", {"claimant": "haftar"}).json()["count"] == 1
    assert api.get("/api/v1/articles/", {"search": "طرابلس"}).json()["count"] == 1
    assert api.get("/api/v1/sources/", {"search": "LIBYA"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("address", "query", "make"),
    [
        ("/api/v1/claims/", {"claimant": "حفتر"}, lambda n: ClaimFactory(claimant=f"حفتر {n}")),
        ("/api/v1/articles/", {"search": "طرابلس"}, lambda n: ArticleFactory(title=f"طرابلس {n}")),
        ("/api/v1/sources/", {"search": "libya"}, lambda n: SourceFactory(title=f"Libya {n}")),
    ],
)
def test_a_part_of_a_word_filter_counts_exactly_up_to_the_text_match_limit(api, monkeypatch, address, query, make):
    monkeypatch.setattr(querysets, "TEXT_MATCH_COUNT_LIMIT", 2)
    for n in range(2):
        make(n)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(address, query).json()["count"] == 2
    assert any(q["sql"].startswith("SELECT COUNT(*)") and "LIMIT 3" in q["sql"] for q in captured.captured_queries)
    make(2)
    assert api.get(address, query).json()["count"] >= 3  # over the limit: the estimate, never below the limit + 1
