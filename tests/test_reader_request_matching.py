"""A reader's "check this" is matched against a bounded set of published claims: the newest ones by word
similarity and older near-copies through the trigram index, never every published claim ranked (seconds at a
million claims); an old fact-check that matches is still found."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.services import matching as matching_services
from claims.services import requests as request_services
from tests.public_helpers import make_claim

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's word similarity"),
]

KUZNETSOV = "زار حفتر عام 2017 حاملة الطائرات الروسية الأميرال كوزنتسوف"
ASKED = "هل زار حفتر حاملة طائرات روسية سنة 2017"


def _newer_published(n, start=0):
    for i in range(start, start + n):
        make_claim(statement=f"غمر فيضان في بنغازي {i} جسرا ودمرها")


def test_an_old_published_fact_check_is_found_beyond_the_window_of_newest_claims(monkeypatch):
    monkeypatch.setattr(matching_services, "WORDING_WINDOW", 5)
    old = make_claim(statement=KUZNETSOV)
    make_claim(status="draft", verdict="", statement=KUZNETSOV + " في طرطوس")  # a draft: never a reader's answer
    _newer_published(8)

    assert request_services.find_published_match(text=ASKED, url="") == old
    assert old.pk in {claim.pk for claim in request_services.candidate_claims(ASKED)}


def test_the_candidates_cost_the_same_queries_and_rows_however_many_claims_are_published(monkeypatch):
    monkeypatch.setattr(matching_services, "WORDING_WINDOW", 5)
    monkeypatch.setattr(request_services, "CANDIDATES", 3)
    make_claim(statement=KUZNETSOV)
    _newer_published(6)

    def look_up():
        with CaptureQueriesContext(connection) as captured:
            found = list(request_services.candidate_claims(ASKED))
        return captured, found

    small, _ = look_up()
    _newer_published(30, start=6)
    large, found = look_up()
    assert len(large) == len(small)
    assert len(found) <= 3
    ranked = [query["sql"] for query in large if "WORD_SIMILARITY(" in query["sql"]]
    # The window (a LIMIT of WORDING_WINDOW) and the near-copies beyond it (`%>` at the threshold, newest 3):
    # every query that computes a word similarity reads a fixed number of rows.
    assert ranked and all("LIMIT" in sql for sql in ranked), ranked
    assert any("LIMIT 5" in sql for sql in ranked) and any("%>" in sql and "LIMIT 3" in sql for sql in ranked)
    levels = [query["sql"] for query in large if "word_similarity_threshold" in query["sql"]]
    assert len(levels) == 1 and f"'{matching_services.WORD_NEAR_COPY}'" in levels[0], levels


def test_the_near_copies_beyond_the_window_can_be_read_from_an_index_and_cut():
    """Beyond the window the newest near-copies are looked up by `search_text %> words` (the trigram indexes of
    migrations 0006 and 0039 serve it), cut at the pool before any ranking."""
    words = "هل زار حفتر حامله طائرات روسيه سنه 2017"
    query = matching_services.wording_neighbours(Claim.objects.published(), words, pool=100, word_similarity=True).query
    sql, params = query.sql_with_params()
    assert "%>" in sql and "LIMIT 100" in sql, sql
    with connection.cursor() as cursor:
        # On a small table the planner prefers a scan; turn it off to see an index can serve the look-up at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on claims_claim" not in plan, plan
    assert "Limit" in plan, plan
