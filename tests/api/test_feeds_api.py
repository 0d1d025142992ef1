"""``feeds/`` and ``inbox/`` over the token API: members add, change, poll and remove feeds and read their health;
they list the inbox by state and feed, and take or dismiss its items; outsiders and anonymous callers get
nothing."""

import pytest

from claims.models import Feed, FeedEntry, InboxItem
from tests.factories import ArticleFactory, EntityFactory, UserFactory

pytestmark = pytest.mark.django_db


def story(title: str, feed: Feed, *urls: str) -> InboxItem:
    item = InboxItem.objects.create(article=ArticleFactory(title=title), title=title, copies=len(urls))
    for n, url in enumerate(urls):
        FeedEntry.objects.create(feed=feed, key=f"{title}{n}", url=url, inbox_item=item)
    return item


def test_a_feed_is_added_with_filters_changed_polled_and_removed(
    api, fetch_settings, server, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("claims.services.queueing.send_task", lambda task, *args: sent.append(task.name))
    wagner = EntityFactory(name="Wagner")
    with django_capture_on_commit_callbacks(execute=True):
        made = api.post(
            "/api/v1/feeds/",
            {"url": server.url("/rss"), "name": "A", "keywords": "حفتر", "entities": [wagner.pk]},
            format="json",
        )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["entities"] == [wagner.pk] and body["interval_minutes"] == 30 and body["kind"] == ""
    assert body["items_per_day"] == 0 and body["last_error"] == "" and sent == ["claims.tasks.poll_feed"]
    url = f"/api/v1/feeds/{body['id']}/"
    changed = api.patch(url, {"active": False, "interval_minutes": 90, "entities": []}, format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False and changed.json()["entities"] == []
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{url}poll/").status_code == 202
    assert sent == ["claims.tasks.poll_feed"] * 2
    assert api.delete(url).status_code == 204 and not Feed.objects.exists()


def test_a_refused_feed_says_which_field(api, fetch_settings, internal_server, server):
    refused = api.post("/api/v1/feeds/", {"url": internal_server.url("/rss")}, format="json")
    assert refused.status_code == 400 and "internal system" in refused.json()["url"][0]
    Feed.objects.create(url=server.url("/rss"))
    again = api.post("/api/v1/feeds/", {"url": server.url("/rss")}, format="json")
    assert again.status_code == 400 and "monitored already" in again.json()["url"][0]
    many = api.post("/api/v1/feeds/", {"url": server.url("/x"), "keywords": "a\n" * 101}, format="json")
    assert many.status_code == 400 and "keywords" in many.json()


def test_the_health_says_why_the_last_poll_failed(api):
    error = "The address answered with an empty document, not a feed."
    Feed.objects.create(url="https://a.example/rss", last_error=error, moved_to="https://b.example/rss")
    health = api.get("/api/v1/feeds/").json()["results"][0]
    assert health["last_error"] == error and health["moved_to"] == "https://b.example/rss"


def test_the_inbox_lists_by_state_and_feed_with_its_copies(api):
    one, two = Feed.objects.create(url="https://a.example/rss"), Feed.objects.create(url="https://b.example/rss")
    shared = story("مشترك", one, "https://a.example/1")
    FeedEntry.objects.create(feed=two, key="copy", url="https://b.example/9", inbox_item=shared)
    story("وحيد", two, "https://b.example/2")
    listed = api.get("/api/v1/inbox/").json()
    assert listed["count"] == 2 and listed["results"][0]["title"] == "وحيد"
    copies = api.get(f"/api/v1/inbox/{shared.pk}/").json()["copies_list"]
    assert [copy["site"] for copy in copies] == ["a.example", "b.example"]
    assert api.get("/api/v1/inbox/", {"feed": one.pk}).json()["count"] == 1
    assert api.get("/api/v1/inbox/", {"state": "taken"}).json()["count"] == 0
    assert api.get("/api/v1/inbox/", {"state": "nope"}).status_code == 400
    assert api.get("/api/v1/inbox/", {"feed": "x"}).status_code == 400


def test_take_and_dismiss(api, editor):
    feed = Feed.objects.create(url="https://a.example/rss")
    item, other = story("أ", feed, "https://a.example/1"), story("ب", feed, "https://a.example/2")
    taken = api.post(f"/api/v1/inbox/{item.pk}/take/")
    assert (
        taken.status_code == 200 and taken.json()["state"] == "taken" and taken.json()["decided_by"] == editor.username
    )
    assert InboxItem.objects.get(pk=item.pk).article.assignee == editor
    assert api.post(f"/api/v1/inbox/{other.pk}/dismiss/").json()["state"] == "dismissed"
    assert api.get("/api/v1/inbox/", {"state": "new"}).json()["count"] == 0


def test_outsiders_and_anonymous_callers_get_nothing(api_as):
    feed = Feed.objects.create(url="https://a.example/rss")
    item = story("أ", feed, "https://a.example/1")
    outsider = api_as(UserFactory(username="nobody"))
    anonymous = api_as(None)
    for path in ("/api/v1/feeds/", "/api/v1/inbox/"):
        assert outsider.get(path).status_code == 403 and anonymous.get(path).status_code == 401
    assert outsider.post(f"/api/v1/inbox/{item.pk}/take/").status_code == 403
    assert outsider.post(f"/api/v1/feeds/{feed.pk}/poll/").status_code == 403
    assert InboxItem.objects.get().state == "new"


@pytest.mark.parametrize("size", [2, 12])
def test_the_lists_cost_the_same_queries_with_many_rows(api, django_assert_max_num_queries, size):
    for n in range(size):
        feed = Feed.objects.create(url=f"https://f{n}.example/rss")
        feed.entities.add(EntityFactory())
        story(f"قصة {n}", feed, f"https://f{n}.example/1", f"https://g{n}.example/1")
    # token, user's roles, count, the feeds with their recent items counted, their entities
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/feeds/").status_code == 200
    # token, user's roles, count, the items with their deciders, their copies
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/inbox/").status_code == 200
