"""A word search's count reads at most TEXT_MATCH_COUNT_LIMIT matching rows exactly (each row's text is tested), a
plain list's EXACT_COUNT_LIMIT (index entries); beyond, the planner's estimate (claims.paging)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, querysets
from claims.paging import EXACT_COUNT_LIMIT, BoundedPaginator
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def count_sql(do) -> str:
    with CaptureQueriesContext(connection) as captured:
        do()
    return next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))


def test_a_word_search_counts_exactly_up_to_its_own_lower_limit(monkeypatch):
    monkeypatch.setattr(querysets, "TEXT_MATCH_COUNT_LIMIT", 2)
    for n in range(3):
        ClaimFactory(statement=f"مرتزق روسي {n}")
    found = Claim.objects.matching("مرتزق").order_by("-updated_at", "-id")
    assert found.exact_count_limit == 2  # kept through ordering and filtering
    assert found.filter(kind="other").exact_count_limit == 2
    sql = count_sql(lambda: BoundedPaginator(found, 50).count)
    assert "LIMIT 3" in sql
    assert BoundedPaginator(found, 50).count >= 3  # over the limit: the estimate, never below the limit + 1
    assert Claim.objects.all().exact_count_limit is None
    assert f"LIMIT {EXACT_COUNT_LIMIT + 1}" in count_sql(lambda: BoundedPaginator(Claim.objects.all(), 50).count)


def test_a_word_search_under_the_limit_counts_exactly_through_the_desk_and_the_api(client, editor, api):
    for n in range(3):
        ClaimFactory(statement=f"مرتزق روسي {n}")
    ClaimFactory(statement="شيء آخر")
    client.force_login(editor)
    assert "3 claims" in client.get(reverse("desk:claims"), {"q": "مرتزق"}).content.decode()
    assert api.get("/api/v1/claims/", {"search": "مرتزق روسى"}).json()["count"] == 3
    assert "LIMIT 1001" in count_sql(lambda: api.get("/api/v1/claims/", {"search": "مرتزق"}))


def test_neither_the_desk_nor_the_api_counts_a_word_search_in_the_lists_order(client, editor, api):
    # In the list's order the database walks the list's index until 1,001 rows match, or sorts every match first:
    # at a million claims the desk's two-word search spent 558 ms in its count that way, against 35 ms in any
    # order (docs/benchmarks.md, stop 28).
    ClaimFactory(statement="مرتزق روسي")
    client.force_login(editor)
    for query in ("مرتزق", "مرتزق روسي"):
        desk = count_sql(lambda query=query: client.get(reverse("desk:claims"), {"q": query}))
        assert "ORDER BY" not in desk and "LIMIT 1001" in desk
        api_sql = count_sql(lambda query=query: api.get("/api/v1/claims/", {"search": query}))
        assert "ORDER BY" not in api_sql and "LIMIT 1001" in api_sql
    plain = count_sql(lambda: client.get(reverse("desk:claims")))
    assert "ORDER BY" not in plain and f"LIMIT {EXACT_COUNT_LIMIT + 1}" in plain


def test_the_dashboards_queues_narrowed_by_a_word_count_as_a_word_search(client, editor):
    # Each queue's count read up to 10,001 matches of the word: six counts of a common word at a million claims.
    ClaimFactory(statement="مرتزق روسي", status="draft")
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("desk:home"), {"q": "مرتزق"}).status_code == 200
    worded = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)") and "LIKE" in q["sql"]
    ]
    assert worded and all(f"LIMIT {EXACT_COUNT_LIMIT + 1}" not in sql for sql in worded), worded
    assert any("LIMIT 1001" in sql for sql in worded)
