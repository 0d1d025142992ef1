"""Bulk work: select rows (or all matching the filters) in the desk lists or over the API, then assign, tag, change
status or export; status changes go through the workflow one claim at a time, and each refusal is reported."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from claims import limits
from claims.models import Claim, ClaimEvent
from claims.services.workflow import transition_claim
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def _bulk(client, **form):
    return client.post(reverse("desk:claims-bulk"), form, follow=True)


def _ready(claim, by):
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=by, verdict="false", rationale="The record says so.")


def test_a_bulk_status_change_reports_each_claim_refused_and_why(client, editor, reviewer):
    ready = _ready(ClaimFactory(created_by=editor, last_editor=editor), editor)
    mine = _ready(ClaimFactory(created_by=reviewer, last_editor=reviewer), reviewer)  # four eyes: not by rev
    draft = ClaimFactory()  # a draft cannot be published
    client.force_login(reviewer)
    response = _bulk(client, scope="selected", id=[ready.pk, mine.pk, draft.pk], action="status", to="published")
    page = response.content.decode()
    assert Claim.objects.get(pk=ready.pk).status == "published"
    assert Claim.objects.get(pk=mine.pk).status == "in_review" and Claim.objects.get(pk=draft.pk).status == "draft"
    result = response.context["result"]
    assert result.succeeded == [ready.pk]
    refused = {r.pk: r.reason for r in result.refused}
    assert set(refused) == {mine.pk, draft.pk}
    assert refused[mine.pk].startswith("Four eyes")
    assert "1 succeeded, 2 refused" in page
    assert f'data-id="{mine.pk}"' in page and f'data-id="{draft.pk}"' in page


def test_a_refused_claim_leaves_the_others_done_each_in_its_own_transaction(client, editor):
    first, second = ClaimFactory(), ClaimFactory(kind="opinion")
    client.force_login(editor)
    result = _bulk(client, scope="selected", id=[first.pk, second.pk], action="status", to="researching")
    assert sorted(result.context["result"].succeeded) == [first.pk, second.pk]
    assert ClaimEvent.objects.filter(action="transition", to_status="researching").count() == 2


def test_all_matching_re_runs_the_filter_on_the_server(client, admin_user, editor):
    opinions = [ClaimFactory(kind="opinion") for _ in range(3)]
    other = ClaimFactory(kind="quantity")
    client.force_login(admin_user)
    # The ids the browser sends are ignored for "all": the filter query decides, run again here.
    response = _bulk(client, scope="all", query="kind=opinion", id=[other.pk], action="assign", assignee=editor.pk)
    assert sorted(response.context["result"].succeeded) == sorted(c.pk for c in opinions)
    assert Claim.objects.filter(assignee=editor).count() == 3 and Claim.objects.get(pk=other.pk).assignee is None


def test_ids_that_do_not_exist_are_not_trusted(client, admin_user, editor):
    claim = ClaimFactory()
    client.force_login(admin_user)
    response = _bulk(client, scope="selected", id=[claim.pk, 999999], action="assign", assignee=editor.pk)
    assert response.context["result"].succeeded == [claim.pk]


def test_a_selection_past_the_limit_is_refused_with_a_clear_message(client, editor, monkeypatch):
    monkeypatch.setattr(limits, "BULK_MAX_CLAIMS", 2)
    for _ in range(3):
        ClaimFactory()
    client.force_login(editor)
    page = _bulk(client, scope="all", query="", action="tag", tags="Libya").content.decode()
    assert "3 rows match; one bulk action takes at most 2. Narrow the filters and try again." in page
    assert not Claim.objects.filter(tags__isnull=False).exists()


def test_nothing_selected_is_refused(client, editor):
    client.force_login(editor)
    assert "Select at least one row." in _bulk(client, scope="selected", action="tag", tags="x").content.decode()


def test_bulk_tag_and_untag(client, editor):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(editor)
    _bulk(client, scope="selected", id=[c.pk for c in claims], action="tag", tags="ليبيا, Wagner")
    assert all(sorted(t.name for t in c.tags.all()) == ["Wagner", "ليبيا"] for c in claims)
    _bulk(client, scope="selected", id=[claims[0].pk], action="untag", tags="Wagner")
    assert [t.name for t in claims[0].tags.all()] == ["ليبيا"]


def test_bulk_assigning_a_reviewer_refuses_the_claims_they_edited(client, admin_user, reviewer):
    theirs = ClaimFactory(last_editor=reviewer)
    other = ClaimFactory()
    client.force_login(admin_user)
    result = _bulk(client, scope="selected", id=[theirs.pk, other.pk], action="assign", reviewer=reviewer.pk)
    result = result.context["result"]
    assert result.succeeded == [other.pk]
    assert [r.pk for r in result.refused] == [theirs.pk] and "Four eyes" in result.refused[0].reason


def test_export_redirects_to_the_export_view_with_the_selection(client, editor):
    first, second = ClaimFactory(), ClaimFactory()
    client.force_login(editor)
    picked = client.post(
        reverse("desk:claims-bulk"), {"scope": "selected", "id": [first.pk, second.pk], "action": "export"}
    )
    location = urlsplit(picked["Location"])
    assert location.path == "/desk/claims/export/"
    assert parse_qs(location.query) == {"format": ["csv"], "id": sorted([str(first.pk), str(second.pk)])}
    matching = client.post(
        reverse("desk:claims-bulk"), {"scope": "all", "query": "kind=opinion&status=draft", "action": "export"}
    )
    assert parse_qs(urlsplit(matching["Location"]).query) == {
        "format": ["csv"],
        "kind": ["opinion"],
        "status": ["draft"],
    }


def test_the_claim_list_offers_checkboxes_and_all_matching_without_javascript(client, editor):
    for _ in range(3):
        ClaimFactory(kind="opinion")
    client.force_login(editor)
    page = client.get(reverse("desk:claims"), {"kind": "opinion"}).content.decode()
    assert page.count('class="bulk-pick"') == 3
    assert 'name="query" value="kind=opinion"' in page
    assert "All 3 rows matching the current filters" in page


def test_articles_are_assigned_and_tagged_in_bulk(client, admin_user, editor):
    articles = [ArticleFactory(), ArticleFactory()]
    client.force_login(admin_user)
    client.post(
        reverse("desk:articles-bulk"),
        {"scope": "selected", "id": [a.pk for a in articles], "action": "assign", "assignee": editor.pk},
    )
    client.post(reverse("desk:articles-bulk"), {"scope": "all", "query": "", "action": "tag", "tags": "Libya"})
    for article in articles:
        article.refresh_from_db()
        assert article.assignee == editor and [t.name for t in article.tags.all()] == ["Libya"]


# The bulk API.


def test_the_bulk_api_answers_per_claim_results_with_refusals(api_as, editor, reviewer):
    ready = _ready(ClaimFactory(created_by=editor, last_editor=editor), editor)
    draft = ClaimFactory()
    response = api_as(reviewer).post(
        "/api/v1/claims/bulk/", {"ids": [ready.pk, draft.pk], "action": "status", "to": "published"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["succeeded"] == [ready.pk]
    assert [r["id"] for r in body["refused"]] == [draft.pk] and body["refused"][0]["reason"]


def test_the_bulk_api_takes_a_filter(api, editor):
    opinions = [ClaimFactory(kind="opinion") for _ in range(2)]
    ClaimFactory(kind="quantity")
    body = api.post(
        "/api/v1/claims/bulk/", {"filter": {"kind": "opinion"}, "action": "tag", "tags": ["ليبيا"]}, format="json"
    ).json()
    assert sorted(body["succeeded"]) == sorted(c.pk for c in opinions)
    assert Claim.objects.filter(tags__slug="ليبيا").count() == 2


def test_the_bulk_api_refuses_a_bad_request_as_a_whole(api):
    assert api.post("/api/v1/claims/bulk/", {"action": "tag", "tags": ["x"]}, format="json").status_code == 400
    refused = api.post("/api/v1/claims/bulk/", {"ids": [], "action": "tag", "tags": ["x"]}, format="json")
    assert refused.status_code == 400 and refused.json() == {"detail": "Select at least one row."}
    bad = api.post(
        "/api/v1/claims/bulk/", {"filter": {"status": "nonsense"}, "action": "tag", "tags": ["x"]}, format="json"
    )
    assert bad.status_code == 400 and "filter" in bad.json()
