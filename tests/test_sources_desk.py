"""The desk's sources: adding a source or an offline document as evidence, the live capture state and its retry
button, the capture page's text diff, the sandboxed archived copy, and the WARC download (desk and API)."""

import pytest
from django.urls import reverse

from claims.models import Capture, Evidence, Source
from claims.services.captures import run_capture
from tests.capturing import english_page, queued_capture
from tests.factories import ClaimFactory
from tests.httpserver import Route

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, editor, fetch_settings):
    client.force_login(editor)
    return client


def add_url(desk, claim, url, **fields):
    return desk.post(reverse("desk:claim_add_source", args=[claim.pk]), {"url": url, "stance": "supports", **fields})


def test_editor_adds_a_source_by_url_with_passage_and_estimate(desk):
    claim = ClaimFactory(kind="quantity")
    response = add_url(
        desk,
        claim,
        "https://News.example.org/story?utm_source=x#top",
        passage="about 2,000",
        estimate_value="2,000",
        estimate_approximate="on",
        estimate_unit="fighters",
    )
    assert response.status_code == 302 and response.url.endswith("#evidence")
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.source.url, evidence.passage, evidence.estimate_value) == (
        "https://news.example.org/story",
        "about 2,000",
        2000,
    )
    assert evidence.estimate_approximate and evidence.source.captures.get().state == "queued"


def test_the_same_url_is_one_source_across_claims(desk):
    first, second = ClaimFactory(), ClaimFactory()
    add_url(desk, first, "https://news.example.org/a")
    add_url(desk, second, "HTTPS://news.example.org:443/a")
    assert Source.objects.count() == 1 and Evidence.objects.count() == 2
    assert Capture.objects.count() == 1


def test_offline_document_is_added_without_capture(desk):
    claim = ClaimFactory()
    desk.post(
        reverse("desk:claim_add_source", args=[claim.pk]),
        {"title": "Ministry letter", "note": "Paper copy in the archive", "stance": "context"},
    )
    source = Evidence.objects.get(claim=claim).source
    assert (source.health, source.captures.count()) == ("offline", 0)


def test_a_source_needs_a_url_or_a_description(desk):
    response = desk.post(reverse("desk:claim_add_source", args=[ClaimFactory().pk]), {"stance": "supports"})
    assert response.status_code == 400 and "Give a URL" in response.content.decode()


def test_outsider_cannot_add_sources(client, outsider):
    client.force_login(outsider)
    response = add_url(client, ClaimFactory(), "https://news.example.org/a")
    assert response.status_code == 403 and not Source.objects.exists()


def test_claim_page_shows_state_passage_check_and_estimates_chart(desk, server):
    url = server.route("/p", body=english_page("Around 2,000 Wagner fighters were in Libya."))
    claim = ClaimFactory(kind="quantity")
    add_url(desk, claim, url, passage="around 2,000 Wagner fighters", estimate_value="2000")
    page = desk.get(claim.get_absolute_url()).content.decode()
    assert "state-queued" in page and "<svg" in page and "captures.js" in page
    run_capture(capture_id=Capture.objects.get().pk)
    page = desk.get(claim.get_absolute_url()).content.decode()
    assert "state-done" in page and "Found in the capture" in page and "code points" in page


def test_status_endpoint_reports_live_state_and_failure_reason(desk, server):
    claim = ClaimFactory()
    add_url(desk, claim, server.url("/missing"))
    status_url = reverse("desk:claim_sources_status", args=[claim.pk])
    assert desk.get(status_url).json()["sources"][0]["state"] == "queued"
    assert desk.get(status_url).json()["busy"] is True
    run_capture(capture_id=Capture.objects.get().pk)
    item = desk.get(status_url).json()["sources"][0]
    assert item["state"] == "gone" and "not found" in item["reason"] and item["recapture_url"]


def test_retry_button_queues_a_new_capture_and_keeps_the_failed_one(desk, server):
    url = server.routes_in_turn("/flaky", Route(status=404), Route(body=english_page("Back.")))
    failed = run_capture(capture_id=queued_capture(url).pk)
    response = desk.post(reverse("desk:source_recapture", args=[failed.source_id]), HTTP_ACCEPT="application/json")
    assert response.json()["state"] == "queued"
    retry = failed.source.captures.get(state="queued")
    run_capture(capture_id=retry.pk)
    assert list(failed.source.captures.values_list("state", flat=True)) == ["done", "failed"]


def test_retry_without_javascript_returns_to_the_page(desk, server):
    failed = run_capture(capture_id=queued_capture(server.url("/x")).pk)
    response = desk.post(reverse("desk:source_recapture", args=[failed.source_id]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == failed.source.get_absolute_url()


def test_capture_page_shows_the_text_diff_with_the_previous_capture(desk, server):
    url = server.routes_in_turn(
        "/s", Route(body=english_page("About 2,000 fighters.")), Route(body=english_page("About 1,200 fighters."))
    )
    first = run_capture(capture_id=queued_capture(url).pk)
    second = run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=url).pk)
    page = desk.get(reverse("desk:capture", args=[second.pk])).content.decode()
    assert 'class="diff-removed">- About 2,000' in page and 'class="diff-added">+ About 1,200' in page


def test_capture_page_shows_a_refused_redirect_with_its_reason(desk, server):
    url = server.route("/go", status=302, headers=[("Location", "file:///etc/passwd")])
    capture = run_capture(capture_id=queued_capture(url).pk)
    page = desk.get(reverse("desk:capture", args=[capture.pk])).content.decode()
    assert f"302 {url}</li>" in page
    assert '<span class="hop-refused">refused</span> file:///etc/passwd <small>(Only http:// and https://' in page


def test_archived_copy_is_sanitized_and_sandboxed(desk, server):
    body = english_page("Real text.").replace(
        b"</article>",
        b"<script>alert(1)</script><img src='http://tracker.example/x.png'>"
        b"<a href='javascript:alert(2)' onclick='x()'>link</a></article>",
    )
    capture = run_capture(capture_id=queued_capture(server.route("/a", body=body)).pk)
    response = desk.get(reverse("desk:capture_archived", args=[capture.pk]))
    html = response.content.decode()
    assert "Real text." in html and "<script>alert" not in html and "<img" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_archived_copy_as_plain_text(desk, server):
    capture = run_capture(capture_id=queued_capture(server.route("/t", body=english_page("Plain."))).pk)
    response = desk.get(reverse("desk:capture_archived", args=[capture.pk]) + "?as=text")
    assert response["Content-Type"] == "text/plain; charset=utf-8" and b"<script" not in response.content
    assert b"Plain." in response.content


def test_warc_download_from_desk_and_api(desk, api, server):
    capture = run_capture(capture_id=queued_capture(server.route("/w", body=english_page("W."))).pk)
    for url in (reverse("desk:capture_warc", args=[capture.pk]), f"/api/v1/captures/{capture.pk}/warc/"):
        response = (desk if url.startswith("/desk") else api).get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content)[:2] == b"\x1f\x8b"  # gzipped WARC


def test_api_recapture_on_demand(api, server, fetch_settings):
    capture = run_capture(capture_id=queued_capture(server.route("/r", body=english_page("R."))).pk)
    response = api.post(f"/api/v1/sources/{capture.source_id}/recapture/")
    assert response.status_code == 202 and response.json()["state"] == "queued"
    again = api.post(f"/api/v1/sources/{capture.source_id}/recapture/")
    assert again.json()["id"] == response.json()["id"]


def test_source_page_links_each_capture_and_offers_a_new_capture(desk, server):
    capture = run_capture(capture_id=queued_capture(server.route("/l", body=english_page("L."))).pk)
    page = desk.get(capture.source.get_absolute_url()).content.decode()
    assert reverse("desk:capture", args=[capture.pk]) in page
    assert reverse("desk:source_recapture", args=[capture.source_id]) in page


def test_a_capture_too_long_to_read_whole_says_so(desk, api, server, fetch_settings):
    fetch_settings.FETCH_EXTRACT_MAX_CHARS = 5_000
    fetch_settings.FETCH_MAX_BYTES = 2_000_000
    url = server.route("/long", body=english_page("Haftar met the minister in Moscow. " * 40) * 5)
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.state == "done" and capture.text_truncated and capture.size > 5_000
    page = desk.get(reverse("desk:capture", args=[capture.pk])).content.decode()
    assert "too long to read whole" in page
    assert api.get(f"/api/v1/captures/{capture.pk}/").json()["text_truncated"] is True


def test_a_url_too_long_once_encoded_is_refused_with_the_address_kept(desk):
    url = "https://news.example.org/" + "ع" * 1900  # 11,425 characters once percent-encoded: past the column
    response = add_url(desk, ClaimFactory(), url)
    assert response.status_code == 400
    assert "the limit is 2000" in response.content.decode()
    assert url in response.content.decode()  # what the editor typed stays in the form
    assert not Source.objects.exists()
