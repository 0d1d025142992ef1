"""What the scale benchmarks found, held by tests: highlight segments built in one sweep, a reading view whose
query count does not grow with its claims, and public lists read newest first from an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from claims.highlight import Segment, segments
from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory


def covering(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """The definition: cut at every span edge; each piece lists the claims whose span covers it."""
    n = len(text)
    clipped = [(cid, max(0, s), min(n, e)) for cid, s, e in spans if min(n, e) > max(0, s)]
    cuts = sorted({0, n, *(s for _, s, _ in clipped), *(e for _, _, e in clipped)})
    return [
        Segment(text[a:b], a, tuple(sorted(cid for cid, s, e in clipped if s <= a and e >= b)))
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]


span = st.tuples(st.integers(1, 6), st.integers(-5, 60), st.integers(-5, 60))


@given(st.text(min_size=0, max_size=50), st.lists(span, max_size=12))
def test_highlight_segments_mark_every_claim_covering_each_piece(text, spans):
    assert segments(text, spans) == covering(text, spans)


def test_nested_and_overlapping_claims_are_all_highlighted():
    parts = segments("abcdefghij", [(1, 0, 6), (2, 2, 4), (3, 5, 9)])
    assert [(p.text, p.claim_ids) for p in parts] == [
        ("ab", (1,)),
        ("cd", (1, 2)),
        ("e", (1,)),
        ("f", (1, 3)),
        ("ghi", (3,)),
        ("j", ()),
    ]


def reading_view_queries(client, claims: int) -> int:
    text = "".join(f"الجملة رقم {n} في المقال. " for n in range(claims * 2))
    article = ArticleFactory(text=text)
    for n in range(claims):
        ClaimFactory(article=article, quote=f"الجملة رقم {n * 2} ")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/desk/articles/{article.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="claim-span') == claims
    return len(queries)


@pytest.mark.django_db
def test_reading_view_queries_do_not_grow_with_its_claims(client, editor):
    client.force_login(editor)
    assert reading_view_queries(client, 3) == reading_view_queries(client, 40)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
def test_public_claims_newest_first_come_from_an_index_not_a_sort():
    query = Claim.objects.published().order_by("-published_at", "-id")[:30].query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # On a small table the planner prefers scanning and sorting; discourage both to see whether an index
        # can give the order at all.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_public_recent" in plan
    assert "Sort" not in plan
