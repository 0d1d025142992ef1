"""Tags: topics on claims and articles, filtered in the desk and the API, and a public topic page of published
claims only."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from claims.models import ClaimEvent, Tag
from claims.services.tags import change_claim_tags, find_or_create_tag
from tests.factories import ArticleFactory, ClaimFactory
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db


def test_an_arabic_tag_name_keeps_its_letters_in_its_address(editor):
    tag, created = find_or_create_tag(name="  الشأن   الليبي ", by=editor)
    assert created and tag.name == "الشأن الليبي" and tag.slug == "الشأن-الليبي"
    again, created = find_or_create_tag(name="الشأن الليبي", by=editor)
    assert again == tag and not created


def test_tags_are_edited_on_the_claim_page_and_the_history_says_so(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    page = client.post(
        reverse("desk:claim-tags", args=[claim.pk]), {"tags": "Libya، روسيا, Wagner"}, follow=True
    ).content.decode()
    assert sorted(t.name for t in claim.tags.all()) == ["Libya", "Wagner", "روسيا"]
    assert "Tags saved." in page and 'class="tag"' in page and "روسيا" in page
    event = ClaimEvent.objects.get(claim=claim, action="tagged")
    assert event.changes == {"tags": [[], ["Libya", "Wagner", "روسيا"]]}
    client.post(reverse("desk:claim-tags", args=[claim.pk]), {"tags": "Libya"})
    assert [t.name for t in claim.tags.all()] == ["Libya"]


def test_a_tag_name_without_letters_is_refused_and_what_was_typed_is_kept(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    page = client.post(reverse("desk:claim-tags", args=[claim.pk]), {"tags": "!!!"}, follow=True).content.decode()
    assert "A tag name needs at least one letter or digit." in page
    assert 'value="!!!"' in page and not claim.tags.exists()


def test_the_desk_claim_list_filters_by_tag(client, editor):
    tagged, other = ClaimFactory(), ClaimFactory()
    change_claim_tags(claim=tagged, by=editor, tags=[find_or_create_tag(name="ليبيا", by=editor)[0]])
    client.force_login(editor)
    page = client.get(reverse("desk:claims"), {"tag": "ليبيا"})
    assert [c.pk for c in page.context["page"]] == [tagged.pk]
    assert other.pk not in [c.pk for c in page.context["page"]]


def test_the_api_lists_creates_and_filters_tags_and_only_admins_delete(api, api_as, editor, admin_user):
    created = api.post("/api/v1/tags/", {"name": "ليبيا"}, format="json")
    assert created.status_code == 201 and created.json()["slug"] == "ليبيا"
    assert api.post("/api/v1/tags/", {"name": "ليبيا"}, format="json").status_code == 200
    claim = ClaimFactory()
    patched = api.patch(f"/api/v1/claims/{claim.pk}/", {"tags": ["ليبيا", "Wagner group"]}, format="json").json()
    assert patched["tags"] == ["wagner-group", "ليبيا"]  # by name
    ClaimFactory()
    assert [c["id"] for c in api.get("/api/v1/claims/", {"tag": "wagner-group"}).json()["results"]] == [claim.pk]
    tag_id = created.json()["id"]
    assert api.delete(f"/api/v1/tags/{tag_id}/").status_code == 403
    assert api_as(admin_user).delete(f"/api/v1/tags/{tag_id}/").status_code == 204
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["tags"] == ["wagner-group"]


def test_articles_carry_tags_in_the_api(api, editor):
    article = ArticleFactory()
    body = api.patch(f"/api/v1/articles/{article.pk}/", {"tags": ["Libya"]}, format="json").json()
    assert body["tags"] == ["libya"]
    assert [a["id"] for a in api.get("/api/v1/articles/", {"tag": "libya"}).json()["results"]] == [article.pk]


def test_the_topic_page_lists_only_published_claims_and_is_linked_from_their_pages(client, editor):
    tag, _ = find_or_create_tag(name="ليبيا", by=editor)
    published = make_claim(statement="Published about Libya")
    hidden = make_claim(status="in_review", statement="zqxhiddenclaim")
    for claim in (published, hidden):
        change_claim_tags(claim=claim, by=editor, tags=[tag])
    for prefix in ("", "/ar"):
        response = client.get(f"{prefix}/topic/{quote(tag.slug)}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Published about Libya" in body and "zqxhiddenclaim" not in body
        assert f"/claims/{hidden.pk}/" not in body
    assert f'href="/topic/{quote(tag.slug)}/"' in client.get(url(published)).content.decode()


def test_a_tag_only_on_unpublished_claims_has_no_public_page(client, editor):
    tag, _ = find_or_create_tag(name="zqxsecrettopic", by=editor)
    change_claim_tags(claim=make_claim(status="researching", statement="x"), by=editor, tags=[tag])
    for prefix in ("", "/ar"):
        response = client.get(f"{prefix}/topic/{tag.slug}/")
        assert response.status_code == 404
        assert "zqxsecrettopic" not in response.content.decode()
    assert client.get("/topic/no-such-topic/").status_code == 404


def test_the_public_api_shows_tags_of_published_claims_and_filters_by_them(client, editor):
    tag, _ = find_or_create_tag(name="Libya", by=editor)
    published = make_claim()
    change_claim_tags(claim=published, by=editor, tags=[tag])
    change_claim_tags(claim=make_claim(status="draft", verdict=""), by=editor, tags=[tag])
    body = client.get("/api/v1/public/claims/", {"tag": "libya"}).json()
    assert [(c["id"], c["tags"]) for c in body["results"]] == [(published.pk, ["libya"])]


@pytest.mark.parametrize("rows", [1, 12])
def test_the_topic_page_costs_the_same_queries_with_few_or_many_claims(
    client, editor, rows, django_assert_max_num_queries
):
    tag, _ = find_or_create_tag(name="Libya", by=editor)
    for _ in range(rows):
        change_claim_tags(claim=make_claim(), by=editor, tags=[tag])
    # the tag; its published claims with their articles
    with django_assert_max_num_queries(2):
        assert client.get(f"/topic/{tag.slug}/").status_code == 200


def test_deleting_a_tag_is_for_admins(editor, admin_user):
    from claims.services.errors import TagInvalid
    from claims.services.tags import delete_tag

    tag, _ = find_or_create_tag(name="Libya", by=editor)
    with pytest.raises(TagInvalid):
        delete_tag(tag=tag, by=editor)
    delete_tag(tag=tag, by=admin_user)
    assert not Tag.objects.exists()


def test_the_sitemap_lists_topics_with_a_published_claim_only(client, editor):
    public, _ = find_or_create_tag(name="ليبيا", by=editor)
    secret, _ = find_or_create_tag(name="zqxsecrettopic", by=editor)
    change_claim_tags(claim=make_claim(statement="Published about Libya"), by=editor, tags=[public])
    change_claim_tags(claim=make_claim(status="researching", statement="x"), by=editor, tags=[secret])
    body = client.get("/sitemap-topics.xml").content.decode()
    assert f"/topic/{quote(public.slug)}/" in body and f"/ar/topic/{quote(public.slug)}/" in body
    assert "zqxsecrettopic" not in body
