"""Browser capture jobs (claims/services/captures.py with claims/fetching/browser.py): what a source asks for, the
automatic follow-up of an empty plain capture, the files stored and who may download them, and a real worker on the
browser queue."""

import pytest
from django.urls import reverse

from claims.models import Capture, Evidence, Source
from claims.services.captures import run_capture, sweep_stuck_captures
from claims.services.errors import SourceInvalid
from claims.services.profiles import set_interface_language
from claims.services.sources import queue_capture, set_capture_mode
from claims.write_generation import MoveGenerations
from tests.capturing import english_page
from tests.fetching.test_browser_capture import SCRIPT_PAGE
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser_settings(fetch_settings):
    fetch_settings.BROWSER_TOTAL_TIMEOUT = 40.0
    fetch_settings.BROWSER_LOAD_TIMEOUT = 20.0
    fetch_settings.BROWSER_SETTLE_MS = 300
    return fetch_settings


def source_of(url: str, mode: str = "auto") -> Source:
    return Source.objects.create(url=url, original_url=url, capture_mode=mode)


def test_a_browser_source_is_captured_in_the_browser_with_a_screenshot_and_a_pdf(db, server, browser_settings):
    url = server.route("/story", body=english_page("About 2,000 fighters."))
    capture = queue_capture(source=source_of(url, "browser"), trigger="new")
    assert capture.mode == "browser" and capture.method == "browser"
    done = run_capture(capture_id=capture.pk)
    assert done.state == "done" and "About 2,000 fighters." in done.text
    assert done.screenshot.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert done.pdf.read()[:4] == b"%PDF" and done.wacz.name and done.warc_sha256


def test_an_auto_source_whose_page_is_a_script_shell_gets_a_browser_capture(
    db, server, browser_settings, django_capture_on_commit_callbacks
):
    url = server.route("/app", body=SCRIPT_PAGE)
    source = source_of(url)
    with django_capture_on_commit_callbacks(execute=False):
        plain = queue_capture(source=source, trigger="new")
    assert plain.mode == "plain"
    with django_capture_on_commit_callbacks(execute=False) as sent:
        failed = run_capture(capture_id=plain.pk)
    assert failed.state == "failed" and failed.attempts == 1  # no retries: the browser is the retry
    follow_up = source.captures.in_flight().get()
    # One task sent, beside the desk's write generations moving after each write (claims/write_generation.py).
    tasks = [callback for callback in sent if not isinstance(callback, MoveGenerations)]
    assert (follow_up.mode, follow_up.trigger) == ("browser", "auto") and len(tasks) == 1
    done = run_capture(capture_id=follow_up.pk)
    assert done.state == "done" and "about two thousand fighters" in done.text and done.screenshot
    # Its re-checks go to the browser at once, with no plain fetch in vain first.
    with django_capture_on_commit_callbacks(execute=False):
        again = queue_capture(source=Source.objects.get(pk=source.pk), trigger="schedule")
    assert again.mode == "browser"


def test_an_auto_source_with_text_is_not_captured_again(db, server, browser_settings):
    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url), trigger="new").pk)
    assert done.state == "done" and not done.screenshot
    assert not done.source.captures.in_flight().exists()


def test_a_plain_source_never_goes_to_the_browser(db, server, browser_settings):
    url = server.route("/app", body=SCRIPT_PAGE)
    capture = queue_capture(source=source_of(url, "plain"), trigger="new")
    browser_settings.FETCH_MAX_ATTEMPTS = 1
    failed = run_capture(capture_id=capture.pk)
    assert failed.state == "failed" and not failed.source.captures.in_flight().exists()


def test_the_capture_mode_is_checked(db):
    source = Source.objects.create(url="https://example.org/a", original_url="https://example.org/a")
    assert set_capture_mode(source=source, mode="browser").capture_mode == "browser"
    assert Source.objects.get(pk=source.pk).capture_mode == "browser"
    with pytest.raises(SourceInvalid):
        set_capture_mode(source=source, mode="sideways")


def test_the_sweeper_sends_a_lost_browser_capture_to_the_browser_queue(db, browser_settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from claims.services import captures

    source = source_of("https://example.org/lost", "browser")
    capture = Capture.objects.create(source=source, requested_url=source.url, mode="browser")
    Capture.objects.filter(pk=capture.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    sent = []
    monkeypatch.setattr(captures, "send_task", lambda task, *args: sent.append((task.name, args)))
    assert sweep_stuck_captures() == 1
    assert sent == [("claims.tasks.capture_in_browser", (capture.pk,))]


def test_the_screenshot_is_the_desks_until_a_published_claim_cites_it(db, server, browser_settings, client, editor):
    from tests.public_helpers import make_claim

    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url, "browser"), trigger="new").pk)
    assert client.get(done.screenshot.url).status_code == 404
    client.force_login(editor)
    shot = client.get(done.screenshot.url)
    assert shot.status_code == 200 and shot["Content-Type"] == "image/png"
    assert client.get(done.pdf.url)["Content-Type"] == "application/pdf"
    client.logout()
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=done.source, stance="supports")
    assert client.get(done.screenshot.url).status_code == 200
    page = client.get(reverse("public:archive", args=[claim.pk, done.source_id])).content.decode()
    assert done.screenshot.url in page


@pytest.fixture
def browser_worker(transactional_db, browser_settings, settings):
    """A real Celery worker consuming only the browser queue from Redis, as the Procfile's "browser" line does."""
    import redis

    from tests.workers import running_worker

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker tests run through Redis")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # this task's own Redis database
    with running_worker(concurrency=1, queues=["browser"]) as worker:
        yield worker


@pytest.mark.worker
@pytest.mark.slow
def test_a_browser_worker_captures_a_script_built_page(browser_worker, server):
    url = server.route("/app", body=SCRIPT_PAGE)
    capture = queue_capture(source=source_of(url, "browser"), trigger="new")
    assert wait_for(lambda: Capture.objects.get(pk=capture.pk).state in ("done", "failed"), timeout=120)
    done = Capture.objects.get(pk=capture.pk)
    assert (done.state, done.mode) == ("done", "browser"), done.error
    assert "about two thousand fighters" in done.text and done.screenshot.name and done.pdf.name


def test_the_api_gives_the_mode_and_the_files_of_a_browser_capture(db, server, browser_settings, api):
    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url, "browser"), trigger="new").pk)
    data = api.get(f"/api/v1/sources/{done.source_id}/captures/").json()
    row = data["results"][0] if isinstance(data, dict) else data[0]
    assert (row["mode"], row["method"], row["stopped_reason"]) == ("browser", "browser", None)
    assert row["screenshot_url"] == f"http://testserver{done.screenshot.url}"
    assert row["pdf_url"] == f"http://testserver{done.pdf.url}"


def test_the_api_sets_a_sources_capture_mode(db, api, api_as, reviewer, outsider):
    source = Source.objects.create(url="https://example.org/a", original_url="https://example.org/a")
    answer = api.post(f"/api/v1/sources/{source.pk}/capture-mode/", {"capture_mode": "browser"}, format="json")
    assert answer.status_code == 200 and answer.json()["capture_mode"] == "browser"
    assert (
        api.post(f"/api/v1/sources/{source.pk}/capture-mode/", {"capture_mode": "x"}, format="json").status_code == 400
    )
    assert (
        api_as(outsider).post(f"/api/v1/sources/{source.pk}/capture-mode/", {"capture_mode": "plain"}).status_code
        == 403
    )
    assert (
        api_as(reviewer).post(f"/api/v1/sources/{source.pk}/capture-mode/", {"capture_mode": "plain"}).status_code
        == 200
    )
    assert Source.objects.get(pk=source.pk).capture_mode == "plain"
    assert api.get(f"/api/v1/sources/{source.pk}/").json()["capture_mode"] == "plain"


def test_an_editor_chooses_the_capture_mode_on_the_source_page(db, client, editor):
    source = Source.objects.create(url="https://example.org/a", original_url="https://example.org/a")
    client.force_login(editor)
    page = client.get(reverse("desk:source", args=[source.pk])).content.decode()
    assert reverse("desk:source_capture_mode", args=[source.pk]) in page and 'value="browser"' in page
    response = client.post(reverse("desk:source_capture_mode", args=[source.pk]), {"capture_mode": "browser"})
    assert response.status_code == 302 and Source.objects.get(pk=source.pk).capture_mode == "browser"
    client.post(reverse("desk:source_capture_mode", args=[source.pk]), {"capture_mode": "nonsense"})
    assert Source.objects.get(pk=source.pk).capture_mode == "browser"


def test_the_desk_capture_page_shows_the_screenshot_in_both_languages(db, server, browser_settings, client, editor):
    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url, "browser"), trigger="new").pk)
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[done.pk])).content.decode()
    assert done.screenshot.url in page and done.pdf.url in page and "Browser" in page
    set_interface_language(user=editor, language="ar")
    arabic = client.get(reverse("desk:capture", args=[done.pk])).content.decode()
    assert done.screenshot.url in arabic and "نزّل لقطة الشاشة (PNG)" in arabic and "طريقة الالتقاط" in arabic


def test_the_public_archived_copy_shows_the_screenshot_in_arabic(db, server, browser_settings, client):
    from tests.public_helpers import make_claim

    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url, "browser"), trigger="new").pk)
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=done.source, stance="supports")
    arabic = client.get("/ar" + reverse("public:archive", args=[claim.pk, done.source_id])).content.decode()
    assert done.screenshot.url in arabic and "الصفحة كما عرضها متصفح عند التقاطها." in arabic


def test_an_unpublished_claims_source_has_no_public_screenshot(db, server, browser_settings, client):
    from tests.public_helpers import make_claim

    url = server.route("/story", body=english_page("About 2,000 fighters."))
    done = run_capture(capture_id=queue_capture(source=source_of(url, "browser"), trigger="new").pk)
    claim = make_claim(status="researching", verdict="", statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=done.source, stance="supports")
    assert client.get(reverse("public:archive", args=[claim.pk, done.source_id])).status_code == 404
    assert client.get(done.screenshot.url).status_code == 404 and client.get(done.pdf.url).status_code == 404
