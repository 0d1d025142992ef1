"""The capture job run in-process against local servers: what a capture stores, how failures, retries, link rot
and changes are recorded, how the job is claimed once, and how the sweeper and the schedule re-queue work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.fetching.archive import read_warc_response
from claims.models import Article, Capture, Source
from claims.services import captures
from claims.services.captures import RetryLater, run_capture
from tests.capturing import ARABIC, HEADLINE, Route, arabic_page, english_page, queued_capture
from tests.factories import ClaimFactory, UserFactory
from tests.fetching.test_capture import make_pdf, make_png
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(fetch_settings):
    return fetch_settings


def test_arabic_page_capture_stores_every_field(server):
    body = arabic_page().encode("windows-1256")
    url = server.route(
        "/ar",
        body=body,
        headers=[
            ("Content-Type", "text/html; charset=windows-1256"),
            ("Last-Modified", "Sat, 28 Nov 2026 10:00:00 GMT"),
        ],
    )
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.state == "done" and capture.attempts == 1
    assert (capture.final_url, capture.http_status, capture.content_type) == (url, 200, "text/html")
    assert capture.title == HEADLINE and ARABIC in capture.text and capture.language == "ar"
    assert capture.size == len(body) and len(capture.sha256) == 64
    assert capture.headers["last-modified"] == "Sat, 28 Nov 2026 10:00:00 GMT"
    assert capture.fetched_at and capture.duration_ms is not None and capture.lease_expires_at is None
    status, _headers, archived = read_warc_response(capture.warc.read())
    assert (status, archived) == (200, body)
    source = Source.objects.get(pk=capture.source_id)
    assert (source.health, source.latest_capture_id) == ("ok", capture.pk) and source.next_check_at


def test_redirect_chain_is_recorded(server):
    final = server.route("/final", body=english_page("Haftar visited Moscow."))
    server.route("/b", status=302, headers=[("Location", final)])
    url = server.route("/a", status=301, headers=[("Location", "/b")])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.final_url == final
    assert capture.redirect_chain == [[url, 301], [server.url("/b"), 302]]


def test_redirect_to_an_internal_address_is_refused_and_not_retried(server, internal_server):
    internal = internal_server.route("/admin", body=b"secret")
    url = server.route("/go", status=302, headers=[("Location", internal)])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.state == "failed" and capture.error_class == "UnsafeDestination"
    assert internal_server.seen == []


def test_a_service_on_a_port_that_is_not_a_web_port_is_never_sent_a_request(server, settings):
    settings.FETCH_ALLOWED_PORTS = ()
    capture = run_capture(capture_id=queued_capture(server.route("/", body=b"+PONG\r\n")).pk)
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "UnsafeDestination", 1)
    assert f"port {server.port}" in capture.error
    assert server.seen == []


def test_refused_redirect_is_recorded_in_the_chain_and_named_in_the_error(server, internal_server):
    internal = internal_server.route("/admin", body=b"secret")
    url = server.route("/go", status=302, headers=[("Location", internal)])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.error.startswith(
        f"The redirect to {internal} was refused because the address 127.0.0.2 is a loopback address"
    )
    assert capture.redirect_chain[0] == [url, 302]
    assert capture.redirect_chain[1][:2] == [internal, None] and "loopback" in capture.redirect_chain[1][2]


def _stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []


def test_redirect_to_an_address_too_long_to_keep_fails_at_once_and_archives_nothing(server, settings):
    long_path = "/" + "a" * 2100
    server.route(long_path, body=english_page("Far away."))
    url = server.route("/go", status=302, headers=[("Location", long_path)])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "InvalidURL", 1)
    assert "characters long; the limit is 2000." in capture.error
    assert capture.redirect_chain[-1][:2] == [server.url(long_path), None]
    assert capture.lease_expires_at is None and not capture.warc
    assert _stored_files(settings) == []


def test_a_capture_that_cannot_be_stored_is_retried_and_leaves_no_archive(server, settings, monkeypatch):
    # Whatever the database refuses (here a final address past its column, had the client let one through),
    # the capture must not stay "fetching" until its lease runs out, nor leave its WARC behind.
    url = server.route("/page", body=english_page("Haftar visited Moscow."))
    real_capture = captures.pipeline.capture

    def capture_with_an_overlong_final_url(*args, **kwargs):
        outcome = real_capture(*args, **kwargs)
        outcome.result.final_url = url + "?" + "a" * 2100
        return outcome

    monkeypatch.setattr(captures.pipeline, "capture", capture_with_an_overlong_final_url)
    queued = queued_capture(url)
    with pytest.raises(RetryLater):
        run_capture(capture_id=queued.pk)
    capture = Capture.objects.get(pk=queued.pk)
    assert (capture.state, capture.attempts, capture.warc.name) == ("queued", 1, "")
    assert "could not be stored" in capture.error
    assert _stored_files(settings) == []


def test_missing_page_is_link_rot_without_retry(server):
    url = server.url("/nowhere")
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert (capture.state, capture.gone, capture.http_status, capture.attempts) == ("failed", True, 404, 1)
    assert "not found" in capture.error
    assert Source.objects.get(pk=capture.source_id).health == "gone"


def test_server_error_is_retried_then_captured(server):
    url = server.routes_in_turn("/flaky", Route(status=500, body=b"oops"), Route(body=english_page("Back up.")))
    queued = queued_capture(url)
    with pytest.raises(RetryLater):
        run_capture(capture_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.state, queued.http_status, queued.attempts) == ("queued", 500, 1)
    capture = run_capture(capture_id=queued.pk)
    assert (capture.state, capture.attempts, capture.error) == ("done", 2, "")


def test_persistent_server_error_marks_the_source_gone(server, settings):
    settings.FETCH_MAX_ATTEMPTS = 2
    url = server.route("/down", status=503, body=b"down")
    queued = queued_capture(url)
    with pytest.raises(RetryLater):
        run_capture(capture_id=queued.pk)
    capture = run_capture(capture_id=queued.pk)
    assert (capture.state, capture.gone, capture.attempts) == ("failed", True, 2)
    assert Source.objects.get(pk=queued.source_id).health == "gone"


def test_server_trickling_its_headers_fails_at_the_total_deadline(server, settings):
    settings.FETCH_TOTAL_TIMEOUT, settings.FETCH_MAX_ATTEMPTS = 1.0, 1
    url = server.route("/drip", body=english_page("Slow."), header_byte_delay=0.4)  # ~30 s of headers
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert (capture.state, capture.error_class) == ("failed", "Timeout")
    assert "took longer than the 1-second limit" in capture.error
    assert wait_for(lambda: server.httpd.hung_up == ["/drip"], timeout=20)


def test_too_many_requests_waits_at_least_retry_after(server):
    url = server.route("/busy", status=429, body=b"slow down", headers=[("Retry-After", "120")])
    with pytest.raises(RetryLater) as retry:
        run_capture(capture_id=queued_capture(url).pk)
    assert retry.value.delay >= 120


def test_bot_wall_is_a_failure_with_its_reason(server, settings):
    settings.FETCH_MAX_ATTEMPTS = 1
    wall = b"<html><title>Just a moment...</title><body>Checking your browser before accessing</body></html>"
    url = server.route("/wall", status=503, body=wall)
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert (capture.state, capture.error_class, capture.gone) == ("failed", "ChallengePage", False)
    assert capture.text == "" and Source.objects.get(pk=capture.source_id).health == "failed"


def test_pdf_capture_keeps_the_file(server):
    pdf = make_pdf("Haftar visited Moscow in 2018", "Libya report", "Desk Research")
    url = server.route("/report.pdf", body=pdf, headers=[("Content-Type", "application/pdf")])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.body_file.read() == pdf
    assert (capture.title, capture.author, capture.text) == (
        "Libya report",
        "Desk Research",
        "Haftar visited Moscow in 2018",
    )
    assert str(capture.published_at) == "2020-01-15" and str(capture.modified_at) == "2020-01-20"


def test_image_served_as_a_page_fails_with_its_reason_and_stores_no_text(server, settings):
    url = server.route("/photo", body=make_png(), headers=[("Content-Type", "text/html; charset=utf-8")])
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert (capture.state, capture.error_class, capture.attempts) == ("failed", "ContentTypeRefused", 1)
    assert "says it serves text/html, but it sent binary data" in capture.error
    assert (capture.text, capture.title, capture.warc.name) == ("", "", "")


def test_changed_page_makes_a_new_capture_and_keeps_the_old_one(server):
    url = server.routes_in_turn(
        "/story", Route(body=english_page("About 2,000 fighters.")), Route(body=english_page("About 1,200 fighters."))
    )
    first = run_capture(capture_id=queued_capture(url).pk)
    second = run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=url).pk)
    assert (first.changed, second.changed) == (False, True)
    assert Capture.objects.get(pk=first.pk).text == first.text and "1,200" in second.text
    assert Source.objects.get(pk=first.source_id).health == "changed"


def test_unchanged_page_is_not_marked_changed(server):
    url = server.route("/same", body=english_page("Nothing new."))
    first = run_capture(capture_id=queued_capture(url).pk)
    second = run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=url).pk)
    assert second.changed is False and Source.objects.get(pk=first.source_id).health == "ok"


def test_finished_capture_is_never_run_again(server):
    url = server.route("/once", body=english_page("Once."))
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert run_capture(capture_id=capture.pk) is None
    assert server.hits("/once") == 1


def test_capture_held_by_a_live_worker_is_left_alone(server):
    url = server.route("/held", body=english_page("Held."))
    queued = queued_capture(url)
    Capture.objects.filter(pk=queued.pk).update(
        state="fetching", attempts=1, lease_expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert run_capture(capture_id=queued.pk) is None
    assert server.hits("/held") == 0


def test_capture_of_a_dead_worker_is_finished_once_its_lease_runs_out(server):
    url = server.route("/orphan", body=english_page("Orphan."))
    queued = queued_capture(url)
    Capture.objects.filter(pk=queued.pk).update(
        state="fetching", attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    capture = run_capture(capture_id=queued.pk)
    assert (capture.state, capture.attempts) == ("done", 2)
    assert Capture.objects.filter(source=queued.source).count() == 1


def test_a_late_worker_cannot_overwrite_the_one_that_took_over(server, monkeypatch):
    url = server.route("/late", body=english_page("Late."))
    queued = queued_capture(url)
    real_capture = captures.pipeline.capture

    def slow_then_taken_over(*args, **kwargs):
        outcome = real_capture(*args, **kwargs)
        Capture.objects.filter(pk=queued.pk).update(attempts=2)  # another worker re-claimed it meanwhile
        return outcome

    monkeypatch.setattr(captures.pipeline, "capture", slow_then_taken_over)
    assert run_capture(capture_id=queued.pk) is None
    assert Capture.objects.get(pk=queued.pk).state == "fetching"


def test_passages_are_checked_after_each_capture(server, editor):
    url = server.route("/quote", body=english_page("Around 2,000 Wagner fighters were in Libya."))
    capture = queued_capture(url)
    claim = ClaimFactory()
    evidence = capture.source.evidence.create(claim=claim, passage="around 2,000 Wagner fighters")
    done = run_capture(capture_id=capture.pk)
    evidence.refresh_from_db()
    assert (evidence.passage_found, evidence.checked_capture_id) == ("found", done.pk)
    assert done.text[evidence.passage_start : evidence.passage_end].lower() == "around 2,000 wagner fighters"


def test_sweeper_resends_lost_and_dead_captures_only(server, monkeypatch):
    sent = []
    monkeypatch.setattr(captures, "send_task", lambda task, *args: sent.append((task.name, args)))
    now = timezone.now()
    lost = queued_capture(server.url("/lost"))
    Capture.objects.filter(pk=lost.pk).update(queued_at=now - timedelta(hours=1))
    fresh = queued_capture(server.url("/fresh"))
    dead = queued_capture(server.url("/dead"))
    Capture.objects.filter(pk=dead.pk).update(state="fetching", lease_expires_at=now - timedelta(seconds=1))
    alive = queued_capture(server.url("/alive"))
    Capture.objects.filter(pk=alive.pk).update(state="fetching", lease_expires_at=now + timedelta(minutes=1))
    assert captures.sweep_stuck_captures() == 2
    assert sorted(args[0] for _, args in sent) == sorted([lost.pk, dead.pk])
    assert fresh.pk not in [args[0] for _, args in sent]
    assert captures.sweep_stuck_captures() == 1  # the dead one again; the lost one has a grace period now


def test_due_sources_are_queued_for_recapture_and_keep_earlier_captures(server):
    url = server.route("/watch", body=english_page("Watched."))
    first = run_capture(capture_id=queued_capture(url).pk)
    Source.objects.filter(pk=first.source_id).update(next_check_at=timezone.now() - timedelta(minutes=1))
    Source.objects.create(url=server.url("/not-due"), next_check_at=timezone.now() + timedelta(hours=1))
    assert captures.schedule_recaptures() == 1
    assert list(Capture.objects.filter(source_id=first.source_id).values_list("state", "trigger")) == [
        ("queued", "schedule"),
        ("done", "new"),
    ]
    assert captures.schedule_recaptures() == 0


def test_recent_sources_are_checked_sooner(server, settings):
    url = server.route("/recent", body=english_page("Recent."))
    capture = run_capture(capture_id=queued_capture(url).pk)
    due = Source.objects.get(pk=capture.source_id).next_check_at - timezone.now()
    assert due <= timedelta(hours=settings.RECAPTURE_RECENT_HOURS)


def test_article_import_by_url_creates_the_first_revision(server):
    url = server.route(
        "/article",
        body=arabic_page().encode("windows-1256"),
        headers=[("Content-Type", "text/html; charset=windows-1256")],
    )
    article = Article.objects.create(title=url, url=url, import_state="fetching", created_by=UserFactory())
    article = captures.import_article_from_url(article_id=article.pk)
    assert article.import_state == "ready" and ARABIC in article.text
    assert (article.title, article.language, article.direction) == (HEADLINE, "ar", "rtl")
    assert article.current_revision.origin == "url"


def test_an_article_fetched_from_its_url_gets_its_proposed_claims(server):
    url = server.route("/proposed", body=arabic_page().encode(), headers=[("Content-Type", "text/html; charset=utf-8")])
    article = Article.objects.create(title=url, url=url, import_state="fetching", created_by=UserFactory())
    article = captures.import_article_from_url(article_id=article.pk)
    found = article.proposals.filter(kind="quantity", exact__startswith=ARABIC)  # one in each of 8 paragraphs
    assert found.count() == 8
    quantity = found.first()
    assert quantity.revision == article.current_revision
    assert quantity.details["value"] == 2000 and quantity.details["approximate"] is True


def test_article_import_failure_says_why(server):
    article = Article.objects.create(title="x", url=server.url("/gone"), import_state="fetching")
    article = captures.import_article_from_url(article_id=article.pk)
    assert article.import_state == "failed" and "not found" in article.import_error
    assert article.current_revision_id is None


def test_capture_that_keeps_killing_its_worker_fails_instead_of_looping(server, settings):
    queued = queued_capture(server.route("/heavy", body=english_page("Heavy.")))
    Capture.objects.filter(pk=queued.pk).update(
        state="fetching", attempts=settings.FETCH_MAX_ATTEMPTS, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    capture = run_capture(capture_id=queued.pk)
    assert capture.state == "failed" and "stopped its worker" in capture.error
    assert server.hits("/heavy") == 0


def test_unexpected_processing_error_is_retried_not_left_fetching(server, monkeypatch):
    queued = queued_capture(server.route("/odd", body=english_page("Odd.")))
    monkeypatch.setattr(captures.pipeline, "capture", lambda *a, **k: 1 / 0)
    with pytest.raises(RetryLater):
        run_capture(capture_id=queued.pk)
    assert Capture.objects.get(pk=queued.pk).state == "queued"


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_limiter_leaves_the_capture_queued_for_a_retry(server, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"  # Redis is down
    url = server.route("/page", body=english_page("Haftar visited Moscow."))
    capture = queued_capture(url)
    with pytest.raises(RetryLater) as retry:
        run_capture(capture_id=capture.pk)
    assert "unreachable" in retry.value.reason and retry.value.delay > 0
    capture.refresh_from_db()
    assert (capture.state, capture.attempts) == ("queued", 0)
    assert server.seen == []  # nothing fetched without the per-host limit


def test_a_fetch_finished_while_redis_went_away_is_still_recorded(server, settings, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    from claims.fetching import host_slots, pipeline

    url = server.route("/page", body=english_page("Haftar visited Moscow."))
    real_capture = pipeline.capture

    def capture_then_lose_redis(*args, **kwargs):
        outcome = real_capture(*args, **kwargs)
        import redis

        host_slots._backend().client = redis.Redis.from_url(f"redis://127.0.0.1:{_closed_port()}/0")
        return outcome

    monkeypatch.setattr(pipeline, "capture", capture_then_lose_redis)
    try:
        capture = run_capture(capture_id=queued_capture(url).pk)
    finally:
        host_slots._redis.clear()
    assert capture.state == "done" and capture.title == "Report on Libya"
