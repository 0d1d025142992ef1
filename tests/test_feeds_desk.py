"""The monitored feeds and the inbox on the desk: a member adds a feed with its interval and filters, reads its
health (last success, last error with its reason, items per day), pauses it or polls it now; the inbox lists one
item per story with the sites that carried it, to take or dismiss; in English and Arabic, without JavaScript."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Feed, FeedEntry, InboxItem
from claims.services import feeds
from tests.factories import ArticleFactory, EntityFactory

pytestmark = pytest.mark.django_db


def story(title: str, *sites: str, feed: Feed | None = None) -> InboxItem:
    item = InboxItem.objects.create(article=ArticleFactory(title=title), title=title, copies=len(sites))
    for n, site in enumerate(sites):
        feed = feed or Feed.objects.create(url=f"https://{site}/rss", name=site)
        FeedEntry.objects.create(
            feed=feed, key=f"{title}{n}", url=f"https://{site}/{n}", title=title, inbox_item=item, article=item.article
        )
    return item


def test_adding_a_feed_with_filters_queues_its_first_poll(
    client, editor, fetch_settings, server, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("claims.services.queueing.send_task", lambda task, *args: sent.append((task.name, args)))
    wagner = EntityFactory(name="فاغنر", aliases=["Wagner"])
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("desk:feeds"),
            {
                "url": server.url("/rss"),
                "name": "ليبيا اليوم",
                "interval_minutes": "15",
                "keywords": "حفتر\nWagner",
                "entities": "Wagner",
            },
        )
    feed = Feed.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("desk:feed", args=[feed.pk])
    assert feed.interval_minutes == 15 and feed.keyword_list == ["حفتر", "Wagner"]
    assert list(feed.entities.all()) == [wagner] and feed.created_by == editor
    assert sent == [("claims.tasks.poll_feed", (feed.pk,))]


def test_a_refused_feed_keeps_what_was_typed_and_says_why(client, editor, fetch_settings, internal_server):
    client.force_login(editor)
    typed = {"url": internal_server.url("/rss"), "name": "داخلي", "interval_minutes": "30", "keywords": "حفتر"}
    response = client.post(reverse("desk:feeds"), typed)
    assert response.status_code == 400 and not Feed.objects.exists()
    page = response.content.decode()
    assert "internal system" in page and 'value="داخلي"' in page and ">حفتر</textarea>" in page


def test_an_unknown_entity_and_a_bad_interval_are_refused(client, editor, fetch_settings, server):
    client.force_login(editor)
    response = client.post(reverse("desk:feeds"), {"url": server.url("/a"), "interval_minutes": "2"})
    assert response.status_code == 400 and "from 5 to" in response.content.decode()
    response = client.post(reverse("desk:feeds"), {"url": server.url("/a"), "interval_minutes": "30", "entities": "X"})
    assert response.status_code == 400 and "No entity on file has this name or number: X" in response.content.decode()
    assert not Feed.objects.exists()


def test_the_list_shows_each_feeds_health(client, editor):
    now = timezone.now()
    Feed.objects.create(url="https://a.example/rss", name="Good", last_success_at=now, interval_minutes=60)
    broken = Feed.objects.create(
        url="https://b.example/rss",
        name="Broken",
        last_error="The page was not found (HTTP 404): it may have been moved or deleted.",
        last_error_at=now,
    )
    for n in range(14):
        FeedEntry.objects.create(feed=broken, key=f"k{n}", url=f"https://b.example/{n}")
    client.force_login(editor)
    page = client.get(reverse("desk:feeds")).content.decode()
    assert "Good" in page and "60 minutes" in page and "Never" in page
    assert "The page was not found (HTTP 404)" in page and "<td>2.0</td>" in page


def test_the_health_reason_is_shown_in_arabic(client, editor):
    Feed.objects.create(
        url="https://b.example/rss",
        last_error="The address answers with a web page (HTML), not a feed: look on the site for its RSS or Atom link.",
    )
    client.force_login(editor)
    page = client.get(reverse("desk:feeds"), headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in page and "صفحة ويب" in page and "الخلاصات المرصودة" in page


def test_the_feed_page_pauses_resumes_polls_and_saves(client, editor, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("claims.services.queueing.send_task", lambda task, *args: sent.append(task.name))
    feed = Feed.objects.create(url="https://a.example/rss", name="A")
    url = reverse("desk:feed", args=[feed.pk])
    client.force_login(editor)
    client.post(url, {"action": "pause"})
    assert not Feed.objects.get().active
    assert "Paused" in client.get(url).content.decode()
    client.post(url, {"action": "resume"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "poll"})
    assert Feed.objects.get().active and sent == ["claims.tasks.poll_feed"]
    client.post(url, {"name": "B", "interval_minutes": "45", "keywords": "Wagner", "entities": ""})
    feed.refresh_from_db()
    assert (feed.name, feed.interval_minutes, feed.keywords) == ("B", 45, "Wagner")


def test_a_moved_feed_says_so_on_its_page(client, editor):
    feed = Feed.objects.create(
        url="https://new.example/rss", moved_to="https://new.example/rss", moved_at=timezone.now()
    )
    client.force_login(editor)
    page = client.get(reverse("desk:feed", args=[feed.pk])).content.decode()
    assert "The feed moved for good to https://new.example/rss" in page


def test_stopping_a_feed_keeps_its_inbox_items(client, editor):
    item = story("قصة", "a.example")
    feed = item.entries.get().feed
    client.force_login(editor)
    response = client.post(reverse("desk:feed", args=[feed.pk]), {"action": "delete"})
    assert response.status_code == 302 and not Feed.objects.exists()
    assert InboxItem.objects.get() == item


def test_the_inbox_shows_one_item_per_story_with_its_sites(client, editor):
    story("تعزيزات حفتر", "alwasat.example", "libyaobserver.example")
    story("معرض الكتاب", "a.example")
    client.force_login(editor)
    page = client.get(reverse("desk:inbox")).content.decode()
    assert page.count('class="inbox-item"') == 2
    assert "Carried by 2 sites" in page and "alwasat.example" in page and "libyaobserver.example" in page
    assert page.index("معرض الكتاب") < page.index("تعزيزات حفتر")  # newest first


def test_taking_an_item_assigns_its_article_and_dismissing_hides_it(client, editor):
    taken, dismissed = story("أ", "a.example"), story("ب", "b.example")
    client.force_login(editor)
    response = client.post(reverse("desk:inbox-decide", args=[taken.pk]), {"state": "taken"})
    assert response.status_code == 302
    client.post(reverse("desk:inbox-decide", args=[dismissed.pk]), {"state": "dismissed"})
    taken.refresh_from_db()
    assert taken.state == "taken" and taken.decided_by == editor and taken.article.assignee == editor
    assert InboxItem.objects.get(pk=dismissed.pk).state == "dismissed"
    assert 'class="inbox-item"' not in client.get(reverse("desk:inbox")).content.decode()
    page = client.get(reverse("desk:inbox"), {"state": "all"}).content.decode()
    assert page.count('class="inbox-item"') == 2 and editor.username in page


def test_a_decision_without_a_state_is_refused_with_a_message(client, editor):
    item = story("أ", "a.example")
    client.force_login(editor)
    response = client.post(reverse("desk:inbox-decide", args=[item.pk]), {}, follow=True)
    assert "Choose whether to take the item" in response.content.decode()
    assert InboxItem.objects.get().state == "new"


def test_the_inbox_filters_by_feed(client, editor):
    one = story("أ", "a.example")
    story("ب", "b.example")
    client.force_login(editor)
    page = client.get(reverse("desk:inbox"), {"feed": one.entries.get().feed_id}).content.decode()
    assert page.count('class="inbox-item"') == 1 and "a.example" in page


def test_the_inbox_in_arabic(client, editor):
    story("أ", "a.example", "b.example")
    client.force_login(editor)
    page = client.get(reverse("desk:inbox"), headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in page and "الوارد" in page and "استلام" in page


def test_the_nav_links_to_the_inbox_and_the_feeds(client, editor):
    client.force_login(editor)
    page = client.get(reverse("desk:home")).content.decode()
    assert f'href="{reverse("desk:inbox")}"' in page and f'href="{reverse("desk:feeds")}"' in page


@pytest.mark.parametrize("size", [2, 12])
def test_the_inbox_costs_the_same_queries_with_many_stories(client, editor, django_assert_max_num_queries, size):
    for n in range(size):
        story(f"قصة {n}", f"a{n}.example", f"b{n}.example")
    client.force_login(editor)
    # session, user, roles, count, the page of items with their articles and deciders, their copies, the copies'
    # feeds; and the nav's unread notifications
    with django_assert_max_num_queries(9):
        assert client.get(reverse("desk:inbox")).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_the_feed_list_costs_the_same_queries_with_many_feeds(client, editor, django_assert_max_num_queries, size):
    for n in range(size):
        feed = Feed.objects.create(url=f"https://f{n}.example/rss")
        FeedEntry.objects.create(feed=feed, key="k", url=f"https://f{n}.example/1")
    client.force_login(editor)
    # session, user, roles, the feeds with their recent items counted; and the nav's unread notifications
    with django_assert_max_num_queries(6):
        assert client.get(reverse("desk:feeds")).status_code == 200


def test_entities_named_finds_names_aliases_and_numbers(db):
    wagner = EntityFactory(name="Wagner Group", aliases=["فاغنر"])
    haftar = EntityFactory(name="خليفة حفتر")
    assert feeds.entities_named(f"فاغنر\n{haftar.pk}\n\nWagner group") == [wagner, haftar]
