"""Monitored feeds, polled from local HTTP servers through the safe client: new items imported as articles into
the inbox, conditional GET (304), moved, missing and not-a-feed addresses explained on the feed, filters, the
beat sweep, and one inbox item for a story that two sites carried."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims import tasks
from claims.models import Article, ArticleRevision, Feed, FeedEntry, InboxItem
from claims.services import feeds
from tests.factories import EntityFactory
from tests.feedsupport import (
    ATOM_TYPE,
    OTHER_STORY,
    RSS_TYPE,
    STORY,
    STORY_COPY,
    THIRD_STORY,
    article_page,
    atom,
    news_sitemap,
    rss,
    rss_item,
)
from tests.httpserver import Route

ETAG = '"v1-feed"'
MODIFIED = "Sat, 28 Nov 2026 10:00:00 GMT"


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    return settings


def add(server, path: str, editor, **kwargs) -> Feed:
    """Added without polling: a new active feed queues its first poll only once the transaction commits."""
    return feeds.add_feed(url=server.url(path), by=editor, **kwargs)


def poll(feed: Feed) -> Feed:
    polled = feeds.run_poll(feed_id=feed.pk)
    assert polled is not None
    return polled


def test_three_polls_new_items_then_304_then_a_moved_feed_and_one_story_from_two_sites(
    fetch_settings, server, second_site, editor
):
    """The issue's done-when: a local feed polled three times, and a story syndicated by two sites is one item."""
    story_a = server.url("/2026/11/haftar-sirte")
    headers = [*RSS_TYPE, ("ETag", ETAG), ("Last-Modified", MODIFIED)]
    first = rss(
        rss_item(story_a, "حفتر يحشد قرب سرت", text=STORY, author="مراسل ليبيا", date=MODIFIED),
        rss_item(server.url("/2026/11/books"), "معرض الكتاب في بنغازي", text=OTHER_STORY, date=MODIFIED),
    )
    later = rss(
        rss_item(server.url("/2026/12/new"), "خبر جديد بعد الانتقال", text=THIRD_STORY),
        rss_item(story_a, "حفتر يحشد قرب سرت", text=STORY),
    )
    server.routes_in_turn(
        "/feed.xml",
        Route(body=first, headers=headers),
        Route(status=304, body=b"", headers=[("ETag", ETAG)]),
        Route(status=301, body=b"", headers=[("Location", "/news/feed.xml")]),
    )
    server.route("/news/feed.xml", body=later, headers=RSS_TYPE)
    second_site.route("/rss", body=rss(rss_item(second_site.url("/a/991"), "عاجل: تعزيزات لحفتر", text=STORY_COPY)))
    feed = add(server, "/feed.xml", editor, name="Site A")
    other = feeds.add_feed(url=second_site.url("/rss"), by=editor, name="Site B")

    feed = poll(feed)  # 1: new items
    assert feed.last_error == "" and feed.kind == "rss" and feed.last_success_at is not None
    assert feed.last_counts["kept"] == 2 and feed.etag == ETAG and feed.last_modified == MODIFIED
    assert InboxItem.objects.count() == 2

    feed = poll(feed)  # 2: 304, validators sent
    path, sent = server.seen[-1]
    assert path == "/feed.xml" and sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == MODIFIED
    assert feed.last_counts["not_modified"] == 1 and feed.last_error == ""
    assert InboxItem.objects.count() == 2

    feed = poll(feed)  # 3: moved for good; its address follows, the item it listed before is not imported again
    assert feed.url == server.url("/news/feed.xml") and feed.moved_to == feed.url and feed.moved_at is not None
    assert feed.last_counts["new"] == 1 and feed.last_counts["kept"] == 1
    assert InboxItem.objects.count() == 3

    poll(other)  # the same agency story on another site: a copy, not a new item
    story = InboxItem.objects.get(canonical_url=story_a)
    assert story.copies == 2 and InboxItem.objects.count() == 3
    assert sorted(entry.site for entry in story.entries.all()) == sorted(
        [f"127.0.0.1:{server.port}", f"127.0.0.1:{second_site.port}"]
    )
    assert Article.objects.count() == 3  # the copy made no article of its own
    article = story.article
    assert article.text.startswith("طرابلس (رويترز)") and article.published_at.isoformat() == "2026-11-28"
    assert article.current_revision.origin == ArticleRevision.Origin.FEED and story.author == "مراسل ليبيا"


def test_an_atom_feed_is_read_with_its_authors(fetch_settings, server, editor):
    server.route("/atom", body=atom((server.url("/e/1"), "عنوان", STORY)), headers=ATOM_TYPE)
    feed = poll(add(server, "/atom", editor))
    assert feed.kind == "atom" and feed.last_counts["kept"] == 1
    item = InboxItem.objects.get()
    assert item.author == "مراسلنا" and "حفتر" in item.article.text


def test_a_windows_1256_feed_reads_as_arabic(fetch_settings, server, editor):
    body = rss(rss_item(server.url("/w/1"), "حفتر في سرت", text=STORY), encoding="windows-1256")
    assert "حفتر".encode() not in body  # really not UTF-8
    server.route("/1256.xml", body=body, headers=[("Content-Type", "text/xml")])
    feed = poll(add(server, "/1256.xml", editor))
    assert feed.last_error == ""
    item = InboxItem.objects.get()
    assert item.title == "حفتر في سرت" and item.article.text.startswith("طرابلس")


def test_the_http_charset_is_used_when_the_xml_declares_none(fetch_settings, server, editor):
    body = rss(rss_item(server.url("/c/1"), "فاغنر", text=STORY), encoding="windows-1256").replace(
        b' encoding="windows-1256"', b""
    )
    server.route("/charset.xml", body=body, headers=[("Content-Type", "application/xml; charset=windows-1256")])
    poll(add(server, "/charset.xml", editor))
    assert InboxItem.objects.get().title == "فاغنر"


def test_a_summary_only_item_is_fetched_from_its_page_with_date_and_author(
    fetch_settings, eager, server, editor, django_capture_on_commit_callbacks
):
    link = server.url("/story/7")
    server.route("/story/7", body=article_page("حفتر يحشد", STORY, author="سالم الورفلي", date="2026-11-27"))
    server.route("/feed", body=rss(rss_item(link, "حفتر يحشد", summary="ملخص قصير")), headers=RSS_TYPE)
    feed = add(server, "/feed", editor)
    with django_capture_on_commit_callbacks(execute=True):
        poll(feed)
    item = InboxItem.objects.get()
    article = item.article
    assert article.import_state == "ready" and "فاغنر" in article.text and item.author == "سالم الورفلي"
    assert article.published_at.isoformat() == "2026-11-27" and article.current_revision.origin == "url"


def test_a_summary_only_copy_joins_by_the_canonical_address_of_its_page(
    fetch_settings, eager, server, second_site, editor, django_capture_on_commit_callbacks
):
    original = server.url("/agency/1")
    server.route("/feed", body=rss(rss_item(original, "الأصل", text=STORY)), headers=RSS_TYPE)
    republished = "<p>مقدمة مختلفة تماما.</p>" * 3
    second_site.route("/copy/1", body=article_page("نسخة", OTHER_STORY + republished, canonical=original))
    second_site.route("/feed", body=rss(rss_item(second_site.url("/copy/1"), "نسخة", summary="..")))
    with django_capture_on_commit_callbacks(execute=True):
        poll(add(server, "/feed", editor))
        poll(feeds.add_feed(url=second_site.url("/feed"), by=editor))
    item = InboxItem.objects.get()
    assert item.copies == 2 and item.entries.count() == 2


def test_a_page_that_cannot_be_fetched_still_reaches_the_inbox_with_its_reason(
    fetch_settings, eager, server, editor, django_capture_on_commit_callbacks
):
    server.route("/feed", body=rss(rss_item(server.url("/gone"), "مفقود", summary="..")), headers=RSS_TYPE)
    with django_capture_on_commit_callbacks(execute=True):
        poll(add(server, "/feed", editor))
    item = InboxItem.objects.get()
    assert item.article.import_state == "failed" and "404" in item.article.import_error


def test_a_news_sitemap_lists_articles_to_fetch(
    fetch_settings, eager, server, editor, django_capture_on_commit_callbacks
):
    server.route("/s/1", body=article_page("خبر", STORY))
    sitemap = news_sitemap((server.url("/s/1"), "خبر الخريطة", "2026-11-30T09:00:00+02:00"))
    server.route("/news-sitemap.xml", body=sitemap, headers=[("Content-Type", "application/xml")])
    with django_capture_on_commit_callbacks(execute=True):
        feed = poll(add(server, "/news-sitemap.xml", editor))
    assert feed.kind == "sitemap"
    item = InboxItem.objects.get()
    assert item.title == "خبر الخريطة" and "حفتر" in item.article.text


def test_a_sitemap_index_is_followed_one_level(fetch_settings, server, editor):
    server.route("/news-1.xml", body=news_sitemap((server.url("/s/2"), "خبر", "2026-11-30")))
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/news-1.xml')}</loc></sitemap></sitemapindex>"
    ).encode()
    server.route("/index.xml", body=index, headers=[("Content-Type", "text/xml")])
    feed = poll(add(server, "/index.xml", editor))
    assert feed.kind == "sitemap" and feed.last_counts["kept"] == 1
    assert FeedEntry.objects.get().url == server.url("/s/2")


def test_a_missing_feed_says_why_and_is_tried_again_at_its_interval(fetch_settings, server, editor):
    feed = poll(add(server, "/missing.xml", editor, interval_minutes=15))
    assert "404" in feed.last_error and feed.last_error_at is not None and feed.last_success_at is None
    assert feed.active  # never stopped silently
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now() - timedelta(minutes=16))
    assert feeds.sweep_feeds() == 1


def test_a_server_error_and_a_gone_feed_say_why(fetch_settings, server, editor):
    server.route("/broken", status=500, body=b"oops", headers=[("Content-Type", "text/plain")])
    server.route("/gone", status=410, body=b"", headers=[("Content-Type", "text/plain")])
    assert "HTTP 500" in poll(add(server, "/broken", editor)).last_error
    assert "410" in poll(add(server, "/gone", editor)).last_error


def test_a_web_page_json_and_garbage_are_not_feeds(fetch_settings, server, editor):
    server.route("/page", body=b"<!doctype html><html><body><p>Home</p></body></html>")
    server.route("/json", body=b'{"items": []}', headers=[("Content-Type", "application/json")])
    server.route("/garbage", body=b"<rss><channel><item>", headers=[("Content-Type", "text/xml")])
    assert "web page (HTML), not a feed" in poll(add(server, "/page", editor)).last_error
    assert "JSON data, not an RSS" in poll(add(server, "/json", editor)).last_error
    assert "cannot be read as XML" in poll(add(server, "/garbage", editor)).last_error
    assert not InboxItem.objects.exists()


def test_a_good_poll_after_an_error_clears_it(fetch_settings, server, editor):
    server.routes_in_turn(
        "/flaky",
        Route(status=503, body=b"", headers=[("Content-Type", "text/plain")]),
        Route(body=rss(rss_item(server.url("/f/1"), "t", text=STORY)), headers=RSS_TYPE),
    )
    feed = add(server, "/flaky", editor)
    assert "503" in poll(feed).last_error
    feed = poll(feed)
    assert feed.last_error == "" and feed.last_error_at is not None and feed.last_success_at is not None


def test_keyword_and_entity_filters_keep_only_relevant_items(fetch_settings, server, editor):
    wagner = EntityFactory(name="فاغنر", aliases=["Wagner Group"], names={"en": "Wagner"})
    server.route(
        "/feed",
        body=rss(
            rss_item(server.url("/1"), "لقاء مع المشير حفتر", summary="..."),  # the keyword, hamza/alef aside
            rss_item(server.url("/2"), "Report on the Wagner Group in Libya", summary="..."),  # an entity alias
            rss_item(server.url("/3"), "معرض الكتاب", text=OTHER_STORY),  # neither
            rss_item(server.url("/4"), "تقرير", summary="قال مسؤول إن لحفتر قوات في الجنوب"),  # a prefixed keyword
        ),
        headers=RSS_TYPE,
    )
    feed = add(server, "/feed", editor, keywords="حفتر\n", entities=[wagner])
    feed = poll(feed)
    assert feed.last_counts["kept"] == 3 and feed.last_counts["filtered"] == 1
    assert set(FeedEntry.objects.filter(kept=False).values_list("url", flat=True)) == {server.url("/3")}
    feed = poll(feed)  # the skipped item is not looked at again either
    assert feed.last_counts["new"] == 0


def test_a_different_story_is_a_new_inbox_item(fetch_settings, server, second_site, editor):
    server.route("/feed", body=rss(rss_item(server.url("/x"), "أ", text=STORY)), headers=RSS_TYPE)
    second_site.route("/feed", body=rss(rss_item(second_site.url("/y"), "ب", text=OTHER_STORY)))
    poll(add(server, "/feed", editor))
    poll(feeds.add_feed(url=second_site.url("/feed"), by=editor))
    assert InboxItem.objects.count() == 2 and set(InboxItem.objects.values_list("copies", flat=True)) == {1}


def test_the_item_limit_per_poll(fetch_settings, server, editor, settings):
    settings.FEED_MAX_ITEMS_PER_POLL = 2
    items = [rss_item(server.url(f"/n/{n}"), f"خبر {n}", summary="..") for n in range(5)]
    server.route("/feed", body=rss(*items), headers=RSS_TYPE)
    feed = poll(add(server, "/feed", editor))
    assert feed.last_counts["read"] == 2 and FeedEntry.objects.count() == 2


def test_an_internal_feed_address_is_refused(fetch_settings, internal_server, editor):
    with pytest.raises(feeds.FeedRefused, match="internal system"):
        feeds.add_feed(url=internal_server.url("/feed"), by=editor)
    assert not Feed.objects.exists() and internal_server.hits("/feed") == 0


def test_a_redirect_inside_is_refused_and_said(fetch_settings, server, internal_server, editor):
    server.route("/feed", status=301, body=b"", headers=[("Location", internal_server.url("/feed"))])
    feed = poll(add(server, "/feed", editor))
    assert "internal system" in feed.last_error and internal_server.hits("/feed") == 0
    assert feed.url == server.url("/feed")


def test_the_sweep_queues_due_feeds_once_and_the_task_polls(
    fetch_settings, eager, server, editor, django_capture_on_commit_callbacks
):
    server.route("/due", body=rss(rss_item(server.url("/d/1"), "t", text=STORY)), headers=RSS_TYPE)
    due = add(server, "/due", editor, interval_minutes=60)
    paused = add(server, "/paused", editor, active=False)
    recent = add(server, "/recent", editor)
    Feed.objects.filter(pk=due.pk).update(last_polled_at=timezone.now() - timedelta(minutes=61))
    Feed.objects.filter(pk=recent.pk).update(last_polled_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_feeds() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_feeds() == 0  # claimed: not due again for an hour
    assert Feed.objects.get(pk=due.pk).last_success_at is not None and InboxItem.objects.count() == 1
    assert server.hits("/paused") == 0 and server.hits("/recent") == 0
    assert not Feed.objects.get(pk=paused.pk).last_polled_at


def test_the_beat_sweep_polls_in_a_real_worker(transactional_db, celery_worker, fetch_settings, server, editor):
    from tests.waiting import wait_for

    server.route("/w", body=rss(rss_item(server.url("/w/1"), "عامل", text=STORY)), headers=RSS_TYPE)
    feed = Feed.objects.create(url=server.url("/w"), created_by=editor)
    tasks.sweep_feeds.delay()  # what beat sends (settings.CELERY_BEAT_SCHEDULE)
    assert wait_for(lambda: Feed.objects.get(pk=feed.pk).last_success_at is not None)
    assert InboxItem.objects.get().title == "عامل"


def test_the_feed_sweep_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-feeds"]["task"] == "claims.tasks.sweep_feeds"
