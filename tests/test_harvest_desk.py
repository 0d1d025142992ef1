"""Harvest sources and the rating mapping table on the desk and the API: members add and pause sources and see
their health; reviewers and admins map ratings, editors only read them."""

import pytest
from django.urls import reverse

from claims.models import Claim, HarvestSource, RatingMapping
from claims.services.claimreview import import_claimreview


def test_desk_adds_a_source_and_refuses_an_internal_one_keeping_what_was_typed(
    client, editor, fetch_settings, server, internal_server, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    bad = internal_server.url("/feed")
    response = client.post(reverse("desk:harvest-sources"), {"url": bad, "kind": "feed", "interval_minutes": "60"})
    assert response.status_code == 400 and "internal system" in response.content.decode()
    assert bad in response.content.decode() and not HarvestSource.objects.exists()
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("desk:harvest-sources"), {"url": server.url("/feed"), "kind": "feed", "interval_minutes": "60"}
        )
    source = HarvestSource.objects.get()
    assert response.status_code == 302 and source.created_by == editor
    client.post(reverse("desk:harvest-source", args=[source.pk]), {"action": "pause"})
    assert not HarvestSource.objects.get().active
    page = client.get(reverse("desk:harvest-sources")).content.decode()
    assert "Paused" in page and "Never" in page


def test_desk_mapping_table_is_decided_by_reviewers_and_read_by_editors(client, editor, reviewer):
    import_claimreview(
        data=[{"text": "x", "claimReview": [{"url": "https://a.example/1", "textualRating": "Weird"}]}], by=editor
    )
    mapping = RatingMapping.objects.get()
    client.force_login(editor)
    assert 'name="verdict"' not in client.get(reverse("desk:rating-mappings")).content.decode()
    assert client.post(reverse("desk:rating-mapping", args=[mapping.pk]), {"verdict": "false"}).status_code == 403
    client.force_login(reviewer)
    assert 'name="verdict"' in client.get(reverse("desk:rating-mappings")).content.decode()
    client.post(reverse("desk:rating-mapping", args=[mapping.pk]), {"verdict": "false"})
    assert Claim.objects.get().verdict == "false"


def test_api_rating_mappings_patch_applies_and_editors_are_refused(api_as, editor, reviewer):
    import_claimreview(
        data=[{"text": "x", "claimReview": [{"url": "https://a.example/1", "textualRating": "Weird"}]}], by=editor
    )
    mapping = RatingMapping.objects.get()
    url = f"/api/v1/rating-mappings/{mapping.pk}/"
    assert api_as(editor).get("/api/v1/rating-mappings/?state=undecided").json()["count"] == 1
    assert api_as(editor).patch(url, {"verdict": "false"}, format="json").status_code == 403
    answer = api_as(reviewer).patch(url, {"verdict": "false"}, format="json")
    assert answer.status_code == 200 and answer.json()["applied"] == 1
    assert Claim.objects.get().verdict == "false"


def test_api_harvest_sources_create_list_and_refuse(api_as, editor, fetch_settings, server, internal_server):
    api = api_as(editor)
    refused = api.post("/api/v1/harvest-sources/", {"url": internal_server.url("/f"), "kind": "feed"}, format="json")
    assert refused.status_code == 400 and "internal system" in refused.json()["url"][0]
    made = api.post("/api/v1/harvest-sources/", {"url": server.url("/f"), "kind": "page"}, format="json")
    assert made.status_code == 201 and made.json()["last_error"] == ""
    paused = api.patch(f"/api/v1/harvest-sources/{made.json()['id']}/", {"active": False}, format="json")
    assert paused.json()["active"] is False
    assert api.get("/api/v1/harvest-sources/").json()["count"] == 1


@pytest.mark.parametrize("rows", [1, 12])
def test_harvest_lists_cost_the_same_queries_with_few_or_many_rows(
    client, api_as, editor, rows, django_assert_max_num_queries
):
    for n in range(rows):
        HarvestSource.objects.create(url=f"https://c.example/{n}", created_by=editor)
        RatingMapping.objects.create(rating=f"r {n}", seen=n)
    client.force_login(editor)
    # session, user, roles, the sources (the page's other queries: messages, language), whatever the rows
    with django_assert_max_num_queries(8):
        assert client.get(reverse("desk:harvest-sources")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("desk:rating-mappings")).status_code == 200
    api = api_as(editor)
    with django_assert_max_num_queries(6):  # token + user, roles, count, page
        assert api.get("/api/v1/harvest-sources/").status_code == 200
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/rating-mappings/").status_code == 200


def test_the_harvest_pages_read_in_arabic(client, editor, settings):
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "مصادر الحصاد" in client.get(reverse("desk:harvest-sources")).content.decode()
    assert "ربط التقييمات" in client.get(reverse("desk:rating-mappings")).content.decode()
