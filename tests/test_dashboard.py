"""The desk dashboard: queues for me, for review, sent back and shaky sources, with counts and filters."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, Source
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EntityFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _dashboard(client, user, **params):
    client.force_login(user)
    return client.get(reverse("desk:home"), params)


def _ready_for_review(claim, by):
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=by, verdict="false", rationale="The record says so.")


def test_mine_lists_my_unpublished_claims_only(client, editor, second_editor):
    mine = ClaimFactory(created_by=editor, last_editor=editor)
    ClaimFactory(created_by=second_editor, last_editor=second_editor)
    response = _dashboard(client, editor)
    assert list(response.context["mine"]) == [mine]
    assert response.context["counts"]["mine"] == 1


def test_mine_counts_and_lists_my_assigned_and_my_unassigned_claims_once_each_newest_first(
    client, editor, second_editor
):
    assigned = ClaimFactory(created_by=second_editor, last_editor=second_editor, assignee=editor)
    authored = ClaimFactory(created_by=editor, last_editor=editor)
    both = ClaimFactory(created_by=editor, last_editor=editor, assignee=editor)
    ClaimFactory(created_by=editor, last_editor=editor, assignee=second_editor)  # given to someone else
    Claim.objects.filter(pk=assigned.pk).update(updated_at=both.updated_at + timedelta(minutes=1))
    response = _dashboard(client, editor)
    assert [c.pk for c in response.context["mine"]] == [assigned.pk, both.pk, authored.pk]
    assert response.context["counts"]["mine"] == 3
    drafts = _dashboard(client, editor, status="draft")
    assert drafts.context["counts"]["mine"] == 3
    assert _dashboard(client, editor, status="researching").context["counts"]["mine"] == 0


def test_a_claim_once_sent_back_but_moved_on_since_is_not_sent_back(client, editor, reviewer):
    claim = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    transition_claim(claim=claim, to="researching", by=reviewer, comment="Find the ministry's own figure.")
    claim = transition_claim(claim=Claim.objects.get(pk=claim.pk), to="draft", by=editor)
    transition_claim(claim=claim, to="researching", by=editor)
    response = _dashboard(client, editor)
    assert list(response.context["sent_back"]) == []
    assert response.context["counts"]["sent_back"] == 0


def test_awaiting_review_lists_claims_in_review(client, editor, reviewer):
    claim = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    ClaimFactory()
    response = _dashboard(client, reviewer)
    assert [c.pk for c in response.context["awaiting"]] == [claim.pk]
    assert response.context["counts"]["awaiting"] == 1


def test_sent_back_lists_claims_returned_by_a_reviewer_with_the_comment(client, editor, reviewer):
    claim = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    transition_claim(claim=claim, to="researching", by=reviewer, comment="Find the ministry's own figure.")
    started = transition_claim(claim=ClaimFactory(), to="researching", by=editor)
    response = _dashboard(client, editor)
    assert [c.pk for c in response.context["sent_back"]] == [claim.pk]
    assert started.pk not in [c.pk for c in response.context["sent_back"]]
    assert "Find the ministry&#x27;s own figure." in response.content.decode()


def test_sources_gone_under_published_claims_are_listed(client, editor, reviewer):
    claim = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    transition_claim(claim=claim, to="published", by=reviewer)
    Source.objects.filter(evidence__claim=claim).update(health=Source.Health.GONE)
    unpublished = ClaimFactory()
    EvidenceFactory(claim=unpublished, source=SourceFactory(health=Source.Health.CHANGED))
    response = _dashboard(client, editor)
    assert [ev.claim_id for ev in response.context["shaky"]] == [claim.pk]
    assert response.context["counts"]["shaky"] == 1


def test_filters_narrow_every_queue(client, editor):
    ClaimFactory(created_by=editor, last_editor=editor, kind="quantity")
    other = ClaimFactory(created_by=editor, last_editor=editor, kind="opinion")
    response = _dashboard(client, editor, kind="opinion")
    assert list(response.context["mine"]) == [other]


def test_entity_filter_keeps_claims_about_that_entity(client, editor):
    haftar = EntityFactory(name="Khalifa Haftar")
    about = ClaimFactory(created_by=editor, last_editor=editor)
    about.entities.add(haftar)
    ClaimFactory(created_by=editor, last_editor=editor)
    response = _dashboard(client, editor, entity=haftar.pk)
    assert list(response.context["mine"]) == [about]


def test_dashboard_queries_stay_bounded(client, demo, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="editor"))
    for claim in Claim.objects.all()[:5]:
        EvidenceFactory(claim=claim, source=SourceFactory(health=Source.Health.GONE))
    # session, user, roles, the five queues' bounded counts (mine, unassigned, waiting for my review, sent back,
    # shaky sources), mine, unassigned, waiting for my review, sent back, shaky sources, articles, entities,
    # unread count
    with django_assert_max_num_queries(16):
        response = client.get(reverse("desk:home"))
    assert response.status_code == 200


def test_outsider_cannot_see_the_dashboard(client, outsider):
    assert _dashboard(client, outsider).status_code == 403


def test_status_filter_offers_the_stored_status_values(client, editor, reviewer):
    claim = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    response = _dashboard(client, reviewer, status="in_review")
    assert '<option value="in_review" selected>In review</option>' in response.content.decode()
    assert [c.pk for c in response.context["awaiting"]] == [claim.pk]


def test_claim_list_filters_by_kind_and_ignores_an_article_that_is_not_an_id(client, editor):
    ClaimFactory(kind="quantity")
    opinion = ClaimFactory(kind="opinion")
    client.force_login(editor)
    response = client.get(reverse("desk:claims"), {"kind": "opinion", "article": "not-an-id"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [opinion]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's (migration 0048)")
def test_the_unassigned_queue_filtered_by_status_reads_the_unassigned_claims_index(client, editor):
    """At a million claims, with every draft given out, the unassigned drafts were listed by walking all 50,000
    drafts of the status index; the page now reads the index of the unassigned open claims by status."""
    for _ in range(3):
        ClaimFactory(status="draft", assignee=editor)
    ClaimFactory(status="draft")
    with CaptureQueriesContext(connection) as captured:
        response = _dashboard(client, editor, status="draft")
    assert response.status_code == 200
    (page,) = [
        q["sql"]
        for q in captured.captured_queries
        if '"claims_claim"."assignee_id" IS NULL' in q["sql"]
        and "ORDER BY" in q["sql"]
        and "COUNT(" not in q["sql"]
        and '"claims_claim"."created_by_id" =' not in q["sql"]  # mine's unassigned half
    ]
    with connection.cursor() as cursor:
        # A handful of rows: the planner would read the table and sort; the index is what a million claims need.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_open_unassigned_status" in plan, plan
