"""A million claims (issue 16): the claims lists filtered by entity count the entity's links, not the claims (one
index, where the claims' count read each claim's key as well: 30-60 ms at a million claims), with the same
count; any other filter beside the entity counts the claims, as before. The desk's filters each have an index in
the list's order (migration 0044), so a page is read from it without a sort."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import paging
from claims.models import Claim
from tests.factories import ClaimFactory, EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(editor):
    """Three claims naming the entity (one in review), two that do not."""
    entity = EntityFactory(name="حفتر")
    for status in ("draft", "draft", "in_review"):
        ClaimFactory(status=status).entities.add(entity, EntityFactory())
    ClaimFactory(status="draft").entities.add(EntityFactory())
    ClaimFactory(status="in_review")
    return entity


def counts(client, address: str) -> tuple[list[str], object]:
    """The SQL of the request's count queries, and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()], response


def test_the_desk_list_of_an_entity_counts_its_links(client, editor, named):
    client.force_login(editor)
    sql, response = counts(client, f"/desk/claims/?entity={named.pk}&status=&q=&page=1")
    listed = [q for q in sql if "claims_claim_entities" in q]
    assert listed and all('FROM "claims_claim"' not in q for q in listed)
    assert response.context["page"].paginator.count == 3
    assert len(response.context["page"].object_list) == 3


def test_the_desk_list_of_an_entity_with_another_filter_counts_the_claims(client, editor, named):
    client.force_login(editor)
    _sql, response = counts(client, f"/desk/claims/?entity={named.pk}&status=in_review")
    assert response.context["page"].paginator.count == 1


def test_the_api_list_of_an_entity_counts_its_links(api, named):
    sql, response = counts(api, f"/api/v1/claims/?entity={named.pk}")
    assert sql and all('FROM "claims_claim"' not in q for q in sql)
    assert response.json()["count"] == 3 and len(response.json()["results"]) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [("&status=in_review", 1), ("&entity=", 5), ("&search=statement", 3), ("&ordering=-updated_at", 3)],
)
def test_the_api_list_of_an_entity_counts_what_it_lists(api, named, query, expected):
    body = api.get(f"/api/v1/claims/?entity={named.pk}{query}").json()
    assert body["count"] == expected == len(body["results"])


def test_the_count_of_another_list_of_an_entity_is_its_own(api, named):
    claim = Claim.objects.filter(entities=named).first()
    body = api.get(f"/api/v1/claims/{claim.pk}/history/?entity={named.pk}").json()
    assert body["count"] == claim.events.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_estimate_plans_the_rows_keys_without_the_joins(named):
    with CaptureQueriesContext(connection) as captured:
        paging.planner_estimate(Claim.objects.select_related("article", "assignee").filter(status="draft"))
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert "claims_count_estimate" in sql and "JOIN" not in sql.upper()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's (migration 0044)")
@pytest.mark.parametrize(
    ("field", "value", "index"),
    [
        ("status", "in_review", "claim_status_recent"),
        ("verdict", "false", "claim_verdict_recent"),
        ("kind", "meeting", "claim_kind_recent"),
        ("assignee_id", 1, "claim_assignee_recent"),
    ],
)
def test_a_filtered_page_reads_its_filters_index_in_the_lists_order(named, field, value, index):
    page = Claim.objects.filter(**{field: value}).order_by("-updated_at", "-id")[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        # The statistics of this test's rows: an ANALYZE in an earlier test leaves its table's size behind (it is
        # kept when the test's transaction rolls back), and on those figures the planner took another index.
        cursor.execute("ANALYZE claims_claim")
        # A handful of rows: the planner would read the table; the index is what a million claims need.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # And no sort: with a handful of rows another index and a sort can cost less; the test asks whether an
        # index serves the filter in the list's order, which is what the planner takes at a million claims.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan and "Sort" not in plan, plan
