"""Harvesting other fact-checkers' ClaimReview: fact-check pages and feeds served by local HTTP servers, read
through the safe client on a schedule, imported once and updated when harvested again; internal addresses
refused; every failure kept on the source in plain words."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims import tasks
from claims.models import Claim, HarvestedReview, HarvestSource, RatingMapping
from claims.services import harvest
from tests.httpserver import Route


def review(url: str, claim: str, rating: str, **rating_extra) -> dict:
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2024-05-02",
        "author": {"@type": "Organization", "name": "Checker", "url": "https://checker.example/"},
        "reviewRating": {"@type": "Rating", "alternateName": rating, **rating_extra},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A page"}},
    }


def page(*blocks: object) -> bytes:
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(block, ensure_ascii=False)}</script>' for block in blocks
    )
    return f"<!doctype html><html><head><title>Fact check</title>{scripts}</head><body><p>x</p></body></html>".encode()


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>t</title><link>{link}</link></item>" for link in links)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>{items}</channel></rss>'.encode()


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    return settings


def add(server, path: str, kind: str, editor, **kwargs) -> HarvestSource:
    """Added without running: a new active source queues its first harvest only once the transaction commits."""
    return harvest.add_harvest_source(url=server.url(path), kind=kind, by=editor, **kwargs)


def test_a_fact_check_page_with_a_graph_imports_its_reviews(fetch_settings, server, editor):
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, review("", "The bridge fell", "False")]}
    server.route(
        "/check/1", body=page({"@type": "Organization"}, graph, [review(server.url("/check/1#b"), "B", "True")])
    )
    source = add(server, "/check/1", "page", editor)
    source = harvest.run_harvest(source_id=source.pk)
    assert source.last_error == "" and source.last_success_at is not None
    assert source.last_counts["imported"] == 2 and source.reviews_total == 2
    first = HarvestedReview.objects.get(review_url=server.url("/check/1"))  # no url of its own: the page's
    assert first.claim.statement == "The bridge fell" and first.claim.verdict == "false"


def test_a_feed_is_followed_to_each_page_bounded_per_run(fetch_settings, server, editor, settings):
    settings.HARVEST_MAX_PAGES_PER_RUN = 2
    links = [server.url(f"/p/{n}") for n in range(3)]
    for n, link in enumerate(links):
        server.route(f"/p/{n}", body=page(review(link, f"claim {n}", "Mostly false")))
    server.route("/feed.xml", body=rss(*links), headers=[("Content-Type", "application/rss+xml")])
    source = harvest.run_harvest(source_id=add(server, "/feed.xml", "feed", editor).pk)
    assert source.last_counts["pages"] == 2 and source.last_counts["imported"] == 2
    assert server.hits("/p/2") == 0
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"misleading"}


def test_an_atom_feed_is_read_too(fetch_settings, server, editor):
    server.route("/a/1", body=page(review(server.url("/a/1"), "atom claim", "Pants on Fire!")))
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>'
        '<entry><title>e</title><link rel="alternate" href="/a/1"/></entry></feed>'
    )
    server.route("/atom", body=atom.encode(), headers=[("Content-Type", "application/atom+xml")])
    source = harvest.run_harvest(source_id=add(server, "/atom", "feed", editor).pk)
    assert source.last_counts["imported"] == 1
    assert Claim.objects.get().verdict == "false"


def test_harvesting_again_updates_the_review_and_never_duplicates(fetch_settings, server, editor):
    url = server.url("/check/2")
    server.routes_in_turn(
        "/check/2",
        Route(body=page(review(url, "Prices doubled", "Unproven"))),
        Route(body=page(review(url, "Prices doubled", "Unproven"))),
        Route(body=page(review(url, "Prices doubled", "True"))),
    )
    source = add(server, "/check/2", "page", editor)
    harvest.run_harvest(source_id=source.pk)
    again = harvest.run_harvest(source_id=source.pk)
    assert again.last_counts["unchanged"] == 1
    third = harvest.run_harvest(source_id=source.pk)
    assert third.last_counts["updated"] == 1
    claim = Claim.objects.get()
    assert claim.verdict == "accurate"
    assert HarvestedReview.objects.get().rating_text == "True"


def test_a_page_without_markup_and_a_broken_feed_say_why(fetch_settings, server, editor):
    server.route("/plain", body=b"<html><body>No markup here</body></html>")
    server.route("/notfeed", body=b"<html><body>hi</body></html>", headers=[("Content-Type", "text/html")])
    plain = harvest.run_harvest(source_id=add(server, "/plain", "page", editor).pk)
    assert "no ClaimReview markup" in plain.last_error and plain.last_success_at is None
    broken = harvest.run_harvest(source_id=add(server, "/notfeed", "feed", editor).pk)
    assert "not an RSS or Atom feed" in broken.last_error or "feed" in broken.last_error
    gone = harvest.run_harvest(source_id=add(server, "/missing", "page", editor).pk)
    assert "404" in gone.last_error


def test_an_internal_address_is_refused(fetch_settings, internal_server, editor):
    with pytest.raises(harvest.HarvestSourceRefused, match="internal system"):
        harvest.add_harvest_source(url=internal_server.url("/feed"), kind="feed", by=editor)
    assert not HarvestSource.objects.exists()


def test_a_feed_item_pointing_inside_is_not_fetched(fetch_settings, server, internal_server, editor):
    internal_server.route("/secret", body=page(review(internal_server.url("/secret"), "x", "True")))
    server.route("/feed", body=rss(internal_server.url("/secret")), headers=[("Content-Type", "text/xml")])
    source = harvest.run_harvest(source_id=add(server, "/feed", "feed", editor).pk)
    assert internal_server.hits("/secret") == 0
    assert "internal system" in source.last_error and not Claim.objects.exists()


def test_the_sweep_queues_due_sources_once_and_the_task_harvests(
    fetch_settings, eager, server, editor, django_capture_on_commit_callbacks
):
    server.route("/check/3", body=page(review(server.url("/check/3"), "Sweep claim", "Scam")))
    due = add(server, "/check/3", "page", editor, interval_minutes=60)
    paused = add(server, "/check/4", "page", editor, active=False)
    recent = add(server, "/check/5", "page", editor)
    HarvestSource.objects.filter(pk=due.pk).update(last_run_at=timezone.now() - timedelta(minutes=61))
    HarvestSource.objects.filter(pk=recent.pk).update(last_run_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_harvest_sources() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_harvest_sources() == 0  # claimed: not due again for an hour
    due.refresh_from_db()
    assert due.last_success_at is not None and Claim.objects.get().verdict == "false"
    assert server.hits("/check/4") == 0 and server.hits("/check/5") == 0
    assert not HarvestSource.objects.get(pk=paused.pk).last_run_at


def test_an_unknown_rating_lands_in_the_table_and_the_review_is_kept(fetch_settings, server, editor):
    server.route("/u/1", body=page(review(server.url("/u/1"), "Odd one", "Research in progress")))
    harvest.run_harvest(source_id=add(server, "/u/1", "page", editor).pk)
    claim = Claim.objects.get()
    assert claim.verdict == "" and claim.status == "researching"
    row = RatingMapping.objects.get()
    assert (row.rating, row.seen, row.verdict) == ("research in progress", 1, "")


def test_an_unknown_text_with_a_numeric_rating_uses_the_scale(fetch_settings, server, editor):
    body = page(review(server.url("/n/1"), "Numbers", "Zorgle", ratingValue=1, bestRating=5, worstRating=1))
    server.route("/n/1", body=body)
    harvest.run_harvest(source_id=add(server, "/n/1", "page", editor).pk)
    assert Claim.objects.get().verdict == "false" and not RatingMapping.objects.exists()


def test_the_beat_sweep_harvests_in_a_real_worker(transactional_db, celery_worker, fetch_settings, server, editor):
    from tests.waiting import wait_for

    server.route("/w/1", body=page(review(server.url("/w/1"), "Worker claim", "Miscaptioned")))
    source = HarvestSource.objects.create(url=server.url("/w/1"), kind="page", created_by=editor)
    tasks.sweep_harvest_sources.delay()  # what beat sends (settings.CELERY_BEAT_SCHEDULE)
    assert wait_for(lambda: HarvestSource.objects.get(pk=source.pk).last_success_at is not None)
    assert Claim.objects.get().verdict == "misleading"


def test_the_harvest_sweep_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-harvest-sources"]["task"] == "claims.tasks.sweep_harvest_sources"
