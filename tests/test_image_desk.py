"""The desk's image and social-post panels: on a capture's page and its source's page, the thumbnail (served to
desk members only), the EXIF table, the hashes, where else the desk has the image (with links to those sources
and the claims citing them), reverse-image search links that only the editor's browser opens, and a social
post's panel; in both interface languages, within a fixed query budget."""

import pytest
import requests
from django.urls import reverse

from claims.models import Capture, CaptureImage, CapturePost, Evidence, Source
from claims.services.captures import run_capture
from claims.services.profiles import set_interface_language
from tests.capturing import queued_capture
from tests.factories import ClaimFactory
from tests.imaging import CAMERA, original_jpeg, recycled_jpeg

pytestmark = pytest.mark.django_db

JPEG = [("Content-Type", "image/jpeg")]


@pytest.fixture(autouse=True)
def _settings(fetch_settings):
    return fetch_settings


@pytest.fixture
def recycled(server):
    """An original photo and its re-posted copy, the copy cited by a claim."""
    original = run_capture(
        capture_id=queued_capture(server.route("/original.jpg", body=original_jpeg(), headers=JPEG)).pk
    )
    copy = run_capture(capture_id=queued_capture(server.route("/copy.jpg", body=recycled_jpeg(), headers=JPEG)).pk)
    claim = ClaimFactory(statement="The photo shows this week's parade")
    Evidence.objects.create(claim=claim, source=copy.source)
    return original, copy, claim


@pytest.fixture
def no_outgoing_requests(monkeypatch):
    """Any request the server would make (a reverse-image search, say) fails the test."""
    calls = []

    def refuse(self, request, **kwargs):
        calls.append(request.url)
        raise AssertionError(f"the server fetched {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    return calls


def test_capture_page_shows_the_image_its_exif_hashes_and_where_else(client, editor, recycled, no_outgoing_requests):
    original, copy, claim = recycled
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[original.pk])).content.decode()
    image = CaptureImage.objects.get(capture=original)
    assert f'src="{reverse("desk:capture_thumbnail", args=[original.pk])}"' in page
    assert CAMERA[0] in page and CAMERA[1] in page and "GPSLatitude" in page
    assert image.sha256 in page and image.phash in page and image.dhash in page
    assert copy.source.get_absolute_url() in page and claim.get_absolute_url() in page
    assert "near-identical" in page
    assert no_outgoing_requests == []


def test_reverse_image_search_links_open_in_the_editors_browser_only(client, editor, recycled, no_outgoing_requests):
    original, _copy, _claim = recycled
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[original.pk])).content.decode()
    for service in ("lens.google.com", "www.bing.com", "tineye.com", "yandex.com"):
        assert f'href="https://{service}/' in page
    assert page.count('target="_blank" rel="noopener noreferrer"') >= 4
    assert "url=http%3A%2F%2F127.0.0.1" in page  # the image's own address, never the desk's
    assert no_outgoing_requests == []


def test_source_page_shows_the_latest_captures_image_panel(client, editor, recycled):
    original, copy, _claim = recycled
    client.force_login(editor)
    page = client.get(reverse("desk:source", args=[original.source_id])).content.decode()
    assert reverse("desk:capture_thumbnail", args=[original.pk]) in page
    assert copy.source.get_absolute_url() in page


def test_the_image_panel_reads_in_arabic(client, editor, recycled):
    original, _copy, _claim = recycled
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[original.pk])).content.decode()
    assert "أين توجد هذه الصورة أيضًا لدى المكتب" in page and "البصمة الإدراكية" in page
    assert "Where else" not in page and "near-identical" not in page


def test_the_archived_copy_of_an_image_capture_is_the_image_in_the_sandbox(client, editor, recycled):
    original, _copy, _claim = recycled
    client.force_login(editor)
    response = client.get(reverse("desk:capture_archived", args=[original.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == original_jpeg()
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"


def test_thumbnail_is_sent_to_desk_members(client, editor, recycled):
    original, _copy, _claim = recycled
    client.force_login(editor)
    response = client.get(reverse("desk:capture_thumbnail", args=[original.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_thumbnail_is_refused_to_visitors_and_outsiders(client, outsider, recycled):
    original, _copy, _claim = recycled
    url = reverse("desk:capture_thumbnail", args=[original.pk])
    assert client.get(url).status_code == 302  # to log in
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_thumbnail_file_is_not_served_by_the_public_file_view(client, editor, recycled):
    original, _copy, _claim = recycled
    name = CaptureImage.objects.get(capture=original).thumbnail.name
    assert client.get(f"/files/{name}").status_code == 404
    client.force_login(editor)
    assert client.get(f"/files/{name}").status_code == 404


def test_a_capture_without_an_image_has_no_thumbnail(client, editor, server):
    capture = Capture.objects.create(
        source=Source.objects.create(url="https://example.org/a"), requested_url="https://example.org/a"
    )
    client.force_login(editor)
    assert client.get(reverse("desk:capture_thumbnail", args=[capture.pk])).status_code == 404


def test_capture_page_of_an_image_costs_the_same_queries_with_few_or_many_sightings(
    client, editor, server, django_assert_max_num_queries
):
    body = original_jpeg()
    first = run_capture(capture_id=queued_capture(server.route("/0.jpg", body=body, headers=JPEG)).pk)
    client.force_login(editor)
    counts = []
    for copies in (1, 8):
        while Source.objects.count() <= copies:
            n = Source.objects.count()
            copy = run_capture(capture_id=queued_capture(server.route(f"/{n}.jpg", body=body, headers=JPEG)).pk)
            Evidence.objects.create(claim=ClaimFactory(), source=copy.source)
        with django_assert_max_num_queries(30) as captured:
            client.get(reverse("desk:capture", args=[first.pk]))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_post_panel_says_plainly_when_the_platform_gave_nothing(client, editor):
    source = Source.objects.create(url="https://x.com/someone/status/1", kind=Source.Kind.SOCIAL)
    capture = Capture.objects.create(source=source, requested_url=source.url, state="done")
    CapturePost.objects.create(
        capture=capture,
        platform="x",
        nothing="X (Twitter) gave nothing of this post without logging in: no text, no preview, no embed. "
        "Open it in a browser with an account, and keep a screenshot.",
    )
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[capture.pk])).content.decode()
    assert "لم تُعطِ X (Twitter) شيئًا من هذا المنشور دون تسجيل الدخول" in page


def test_post_panel_shows_the_posts_text_author_and_image(client, editor):
    source = Source.objects.create(url="https://t.me/libyanews/42", kind=Source.Kind.SOCIAL)
    capture = Capture.objects.create(source=source, requested_url=source.url, state="done")
    CapturePost.objects.create(
        capture=capture,
        platform="telegram",
        text="وصول شحنة أسلحة",
        author="Libya News",
        author_url="https://t.me/libyanews",
        image_url="https://cdn.example/photo.jpg",
    )
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[capture.pk])).content.decode()
    assert "Post on Telegram" in page and "وصول شحنة أسلحة" in page and "Libya News" in page
    assert "https://tineye.com/search?url=https%3A%2F%2Fcdn.example%2Fphoto.jpg" in page


def test_the_public_archived_copy_of_a_published_image_shows_the_image_to_readers(client, server):
    from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse there)

    capture = run_capture(capture_id=queued_capture(server.route("/photo.jpg", body=original_jpeg(), headers=JPEG)).pk)
    claim = make_claim(statement="The photo shows the port today")
    Evidence.objects.create(claim=claim, source=capture.source, stance="contradicts")
    for prefix, alt in (("", "The image as it was captured"), ("/ar", "الصورة كما التُقطت")):
        page = client.get(prefix + reverse("public:archive", args=[claim.pk, capture.source_id])).content.decode()
        assert f'<img src="{capture.body_file.url}" alt="{alt}">' in page
    image = client.get(capture.body_file.url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content if image.streaming else [image.content]) == original_jpeg()
