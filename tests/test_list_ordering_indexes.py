"""A million claims (issue 16): each order the API's lists offer (`?ordering=`) is read from an index, so a page
reads its rows in that order instead of sorting the whole table (migration 0051 for the orders that had none)."""

import pytest
from django.db import connection

from claims.models import Article, Claim, Source
from tests.factories import ClaimFactory, SourceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's"),
]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: the planner would read the table and sort it; the index is what a million claims need.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    ("model", "field", "index"),
    [
        (Claim, "created_at", "claim_created_order"),
        (Claim, "published_at", "claim_published_order"),
        (Claim, "start", "claim_start_order"),
        (Article, "title", "article_title_order"),
        (Source, "health", "source_health_order"),
    ],
)
def test_a_page_in_an_offered_order_reads_its_index(model, field, index, descending):
    ClaimFactory()
    SourceFactory()
    found = plan(model.objects.order_by(f"-{field}" if descending else field)[:50])
    assert index in found and "Sort" not in found, found
