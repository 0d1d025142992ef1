"""One activity timeline per claim: history, comments, captures of its sources and evidence changes, interleaved
newest first, each with who and when; on the claim page and at /api/v1/claims/{id}/activity/, at a cost that does
not grow with the number of items."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Capture
from claims.services.comments import add_comment
from claims.services.sources import add_evidence
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _capture(source, **fields):
    return Capture.objects.create(source=source, requested_url=source.url, **fields)


@pytest.fixture
def busy_claim(editor, reviewer):
    """In this order: evidence added, its source captured, a comment, a status change, a reply."""
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    source = SourceFactory(title="Ministry statement")
    add_evidence(claim=claim, source=source, by=editor, passage="two thousand")
    _capture(source, state="done", http_status=200, fetched_at=timezone.now())
    top = add_comment(by=reviewer, claim=claim, body="Is the ministry's figure dated?")
    transition_claim(claim=claim, to="researching", by=editor, comment="Starting.")
    add_comment(by=editor, claim=claim, parent=top, body="Yes, March.")
    _capture(SourceFactory(), state="done", fetched_at=timezone.now())  # a source this claim does not cite
    return claim


def test_api_interleaves_history_comments_captures_and_evidence_newest_first(api, busy_claim):
    results = api.get(f"/api/v1/claims/{busy_claim.pk}/activity/").json()["results"]
    summary = [
        (item["kind"], item["actor"], (item["event"] or {}).get("action") or (item["comment"] or {}).get("body"))
        for item in results
    ]
    assert summary == [
        ("comment", "ed", "Yes, March."),
        ("event", "ed", "transition"),
        ("comment", "rev", "Is the ministry's figure dated?"),
        ("capture", None, None),
        ("event", "ed", "evidence"),
    ]
    assert results[3]["capture"]["http_status"] == 200
    times = [item["at"] for item in results]
    assert times == sorted(times, reverse=True)


def test_api_activity_answers_the_schema_it_documents(api, client, busy_claim):
    """A comment's null author or deleter and an item without actor are stated nullable; any integer id is the
    API's JSON 404 (a negative one fell through to Django's HTML page for an unknown URL)."""
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schema["Comment"]["properties"]["deleted_by"]["nullable"] is True
    assert schema["Comment"]["properties"]["author"]["nullable"] is True
    assert schema["Activity"]["properties"]["actor"]["nullable"] is True
    assert schema["ClaimEvent"]["properties"]["actor"]["nullable"] is True
    comment = next(i for i in api.get(f"/api/v1/claims/{busy_claim.pk}/activity/").json()["results"] if i["comment"])
    assert comment["comment"]["deleted_by"] is None
    for missing in (-1, 0, 2**70):
        response = api.get(f"/api/v1/claims/{missing}/activity/")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_api_activity_is_paginated(api, busy_claim):
    first = api.get(f"/api/v1/claims/{busy_claim.pk}/activity/", {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = api.get(f"/api/v1/claims/{busy_claim.pk}/activity/", {"page_size": 2, "page": 3}).json()
    assert [item["kind"] for item in last["results"]] == ["event"] and last["next"] is None


def test_claim_page_shows_one_timeline_with_who_and_when(client, editor, busy_claim):
    client.force_login(editor)
    page = client.get(reverse("desk:claim", args=[busy_claim.pk])).content.decode()
    timeline = page[page.index('id="activity"') :]
    order = [timeline.index(words) for words in ("Yes, March.", "Starting.", "figure dated", "Ministry statement")]
    assert order == sorted(order)
    assert timeline.count('<li class="event') == 5
    assert 'class="actor">rev</span>' in timeline


def _grow(claim, editor, n):
    """n items of each kind: comments with a mention, status changes, captures of a cited source."""
    source = SourceFactory()
    add_evidence(claim=claim, source=source, by=editor)
    for i in range(n):
        add_comment(by=editor, claim=claim, body=f"note {i} @ed")
        claim = transition_claim(claim=claim, to="researching" if i % 2 == 0 else "draft", by=editor)
        _capture(source, state="done", fetched_at=timezone.now())


@pytest.mark.parametrize("where", ["api", "desk"])
def test_the_timeline_costs_the_same_queries_for_5_or_50_items(
    where, api, client, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    counts = []
    for n in (5, 50):
        claim = ClaimFactory(created_by=editor, last_editor=editor)
        _grow(claim, editor, n)
        if where == "api":
            address = f"/api/v1/claims/{claim.pk}/activity/"
            # token, user, roles, the claim, three counts, the events with actors, the comments with authors and
            # their mentions, the captures with their sources
            bound = 10
        else:
            address = reverse("desk:claim", args=[claim.pk])
            bound = 21  # tests/test_desk_query_budgets.py names each
        with django_assert_max_num_queries(bound) as captured:
            assert (api if where == "api" else client).get(address).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
