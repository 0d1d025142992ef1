"""A third-party copy: when the desk turns it on, each captured page is handed to a public web archive (Save Page Now
2) whose copy is recorded beside the capture. A stand-in archive on loopback answers as the real one does: a job id,
"pending", then the copy's timestamp; or refusals, limits and errors, which end in plain words or are tried again."""

import json
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from claims.models import DeskSettings, Evidence, Source, ThirdPartyCopy
from claims.services import third_party
from claims.services.captures import run_capture
from claims.services.third_party import queue_copy, run_copy
from tests.capturing import english_page, queued_capture
from tests.httpserver import Route
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)
from tests.test_capture_worker import capture_worker, clean_broker  # noqa: F401 (fixtures)
from tests.waiting import wait_for

JSON = [("Content-Type", "application/json")]


def answer(data, status=200, headers=()) -> Route:
    return Route(status=status, body=json.dumps(data).encode(), headers=[*JSON, *headers])


@pytest.fixture
def archive(settings, server, fetch_settings):
    """The stand-in archive (on the test's local server) and a desk that wants third-party copies."""
    settings.THIRD_PARTY_ARCHIVE_URL = server.url("")
    settings.THIRD_PARTY_ARCHIVE_ACCESS_KEY, settings.THIRD_PARTY_ARCHIVE_SECRET_KEY = "desk-key", "desk-secret"
    settings.THIRD_PARTY_ARCHIVE_CHECK_SECONDS = 5
    settings.THIRD_PARTY_ARCHIVE_PER_MINUTE = 100
    DeskSettings.objects.update_or_create(pk=1, defaults={"third_party_copies": True})
    return server


@pytest.fixture
def queued(monkeypatch):
    jobs: list[int] = []
    monkeypatch.setattr(third_party, "enqueue_after_commit", lambda task, pk: jobs.append(pk))
    return jobs


@pytest.fixture
def captured(db, archive):
    capture = run_capture(capture_id=queued_capture(archive.route("/story", body=english_page("About 2,000."))).pk)
    assert capture.state == "done"
    return capture


def test_the_archive_is_asked_its_job_checked_and_its_copy_recorded_beside_the_capture(
    captured, archive, queued, client, api, editor
):
    archive.route("/save", **vars(answer({"url": captured.source.url, "job_id": "spn2-abc"})))
    archive.routes_in_turn(
        "/save/status/spn2-abc",
        answer({"status": "pending", "job_id": "spn2-abc"}),
        answer({"status": "success", "timestamp": "20200108100000", "original_url": captured.source.url}),
    )
    copy = queue_copy(captured)
    assert queued == [copy.pk] and copy.state == "queued"
    assert queue_copy(captured) == copy and queued == [copy.pk]  # once per capture

    copy, again = run_copy(copy_id=copy.pk)
    assert (copy.state, copy.job_id, again) == ("pending", "spn2-abc", 5.0)
    [(path, headers, body)] = archive.posted
    assert path == "/save" and parse_qs(body.decode()) == {"url": [captured.source.url]}
    assert headers["Authorization"] == "LOW desk-key:desk-secret" and headers["Accept"] == "application/json"
    assert run_copy(copy_id=copy.pk)[0].state == "pending"
    copy, again = run_copy(copy_id=copy.pk)
    expected = f"{archive.url('')}/web/20200108100000/{captured.source.url}"
    assert (copy.state, copy.url, again, copy.tries) == ("done", expected, None, 3)
    captured.refresh_from_db()
    assert captured.third_party_url == expected

    client.force_login(editor)
    desk = client.get(reverse("desk:capture", args=[captured.pk])).content.decode()
    assert "Third-party copy" in desk and expected in desk
    row = api.get(f"/api/v1/sources/{captured.source_id}/captures/").json()
    row = row["results"][0] if isinstance(row, dict) else row[0]
    assert row["third_party_url"] == expected
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=captured.source, stance="supports")
    client.logout()
    public = client.get(reverse("public:archive", args=[claim.pk, captured.source_id])).content.decode()
    assert "A public web archive keeps its own copy too:" in public and expected in public


def test_nothing_is_asked_while_the_desk_has_it_off(captured, archive, queued):
    DeskSettings.objects.filter(pk=1).update(third_party_copies=False)
    assert queue_copy(captured) is None and queued == [] and not ThirdPartyCopy.objects.exists()


def test_a_busy_archive_is_asked_again_after_its_retry_after(captured, archive, queued):
    archive.routes_in_turn(
        "/save",
        answer({"message": "slow down"}, status=429, headers=[("Retry-After", "42")]),
        answer({"job_id": "spn2-later"}),
    )
    copy, again = run_copy(copy_id=queue_copy(captured).pk)
    assert (copy.state, again) == ("queued", 42.0)
    assert copy.error == "The web archive is busy or limiting requests (HTTP 429); the desk will ask again later."
    copy, again = run_copy(copy_id=copy.pk)
    assert (copy.state, copy.job_id, copy.error) == ("pending", "spn2-later", "")


@pytest.mark.parametrize(
    ("refusal", "words"),
    [
        ({"status": "error", "status_ext": "error:blocked-url", "message": "x"}, "the site does not allow archiving"),
        ({"status": "error", "status_ext": "error:too-many-daily-captures"}, "the page was saved too many times today"),
        ({"status": "error", "status_ext": "error:something-new", "message": "Odd."}, "odd."),
    ],
)
def test_a_refusal_is_final_and_said_in_plain_words(captured, archive, queued, client, editor, refusal, words):
    archive.route("/save", **vars(answer(refusal)))
    copy, again = run_copy(copy_id=queue_copy(captured).pk)
    assert (copy.state, again) == ("failed", None)
    assert copy.error == f"The web archive would not save this page: {words}"
    client.force_login(editor)
    client.post(reverse("desk:language"), {"language": "ar", "next": "/desk/"})
    page = client.get(reverse("desk:capture", args=[captured.pk])).content.decode()
    assert "رفض أرشيف الويب حفظ هذه الصفحة" in page


def test_refused_keys_say_which_settings_to_check(captured, archive, queued):
    archive.route("/save", **vars(answer({"message": "bad keys"}, status=401)))
    copy, _again = run_copy(copy_id=queue_copy(captured).pk)
    assert copy.state == "failed" and "THIRD_PARTY_ARCHIVE_ACCESS_KEY" in copy.error


def test_a_job_that_never_finishes_is_given_up_after_the_tries_allowed(captured, archive, queued, settings):
    settings.THIRD_PARTY_ARCHIVE_MAX_TRIES = 3
    archive.route("/save", **vars(answer({"job_id": "stuck"})))
    archive.route("/save/status/stuck", **vars(answer({"status": "pending"})))
    copy = queue_copy(captured)
    for _ in range(3):
        copy, again = run_copy(copy_id=copy.pk)
        assert copy.state == "pending" and again == 5.0
    copy, again = run_copy(copy_id=copy.pk)
    assert (copy.state, again) == ("failed", None)
    assert copy.error == "The web archive had not saved the page after 3 checks; the desk stopped asking."
    assert archive.hits("/save/status/stuck") == 2


def test_the_desks_own_rate_limit_holds_calls_back_without_asking(captured, archive, queued, settings):
    settings.THIRD_PARTY_ARCHIVE_PER_MINUTE = 0
    copy, again = run_copy(copy_id=queue_copy(captured).pk)
    assert copy.state == "queued" and 0 < again <= 61 and copy.tries == 0
    assert "limit of 0 requests a minute" in copy.error and archive.posted == []


def test_an_archive_at_an_internal_address_is_never_reached(captured, archive, internal_server, settings, queued):
    settings.THIRD_PARTY_ARCHIVE_URL = internal_server.url("")
    copy, _again = run_copy(copy_id=queue_copy(captured).pk)
    assert copy.state in ("failed", "queued") and copy.error
    assert internal_server.seen == [] and internal_server.posted == []


def test_only_an_admin_turns_it_on_in_the_desk_settings(client, admin_user, editor, db):
    client.force_login(admin_user)
    response = client.post(reverse("desk:settings"), {"reminders_enabled": "on", "third_party_copies": "on"})
    assert response.status_code == 302 and DeskSettings.load().third_party_copies
    page = client.get(reverse("desk:settings")).content.decode()
    assert 'name="third_party_copies" checked' in page
    client.post(reverse("desk:settings"), {"reminders_enabled": "on"})
    assert not DeskSettings.load().third_party_copies
    client.force_login(editor)
    assert client.post(reverse("desk:settings"), {"third_party_copies": "on"}).status_code in (302, 403)
    assert not DeskSettings.load().third_party_copies


@pytest.mark.worker
def test_a_capture_through_the_worker_ends_with_the_archives_copy(capture_worker, archive, settings):  # noqa: F811
    settings.THIRD_PARTY_ARCHIVE_CHECK_SECONDS = 0
    url = archive.route("/page", body=english_page("About 2,000."))
    archive.route("/save", **vars(answer({"job_id": "w1"})))
    archive.route(
        "/save/status/w1", **vars(answer({"status": "success", "timestamp": "20200108", "original_url": url}))
    )
    from claims.services.captures import queue_capture

    source = Source.objects.create(url=url, original_url=url)
    queue_capture(source=source)
    assert wait_for(lambda: ThirdPartyCopy.objects.filter(state="done").exists(), timeout=60)
    assert source.captures.get().third_party_url == f"{archive.url('')}/web/20200108/{url}"
