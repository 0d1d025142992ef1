"""Social posts captured end to end: a platform's page served locally under its own host name (a resolver maps
it to 127.0.0.1), its OpenGraph/Twitter-card metadata and oEmbed record read, the oEmbed fetched only from the
address the page links and only through the safe client; a login wall says plainly that it gave nothing."""

import json
import socket
from dataclasses import replace

import pytest
from django.utils import translation

from claims.fetching.reasons import in_language
from claims.fetching.social import platform_of
from claims.models import CapturePost
from claims.services import captures
from claims.services.captures import run_capture
from tests.capturing import queued_capture

pytestmark = pytest.mark.django_db

POST_TEXT = "وصول شحنة أسلحة إلى ميناء بنغازي صباح اليوم"


@pytest.fixture(autouse=True)
def _settings(fetch_settings):
    return fetch_settings


@pytest.fixture
def platform_hosts(monkeypatch):
    """Every host name resolves to the local test server's address, as a platform's would to its own."""

    def resolver(host, port, *args, **kwargs):
        return socket.getaddrinfo("127.0.0.1", port, *args, **kwargs)

    original = captures.fetch_policy
    monkeypatch.setattr(captures, "fetch_policy", lambda: replace(original(), resolver=resolver))


def post_page(port: int, *, oembed: bool = True) -> bytes:
    link = (
        f'<link rel="alternate" type="application/json+oembed" href="http://t.me:{port}/oembed?url=post%2F42">'
        if oembed
        else ""
    )
    return f"""<html lang="ar"><head><title>Libya News</title>
<meta property="og:title" content="Libya News Channel">
<meta property="og:description" content="{POST_TEXT}">
<meta property="og:image" content="/media/photo.jpg">
<meta name="twitter:card" content="summary_large_image">{link}</head>
<body><div class="message">{POST_TEXT}</div></body></html>""".encode()


OEMBED = {
    "type": "rich",
    "author_name": "Libya News Channel",
    "author_url": "https://t.me/libyanews",
    "provider_name": "Telegram",
    "html": '<blockquote><p>وصول شحنة &amp; أسلحة</p></blockquote><script src="https://t.me/js/embed.js"></script>',
}


def test_platforms_are_recognised_by_host():
    assert platform_of("https://x.com/someone/status/1") == "x"
    assert platform_of("https://mobile.twitter.com/someone/status/1") == "x"
    assert platform_of("https://m.facebook.com/story.php?id=1") == "facebook"
    assert platform_of("https://youtu.be/abc") == platform_of("https://www.youtube.com/watch?v=abc") == "youtube"
    assert platform_of("https://t.me/libyanews/42") == "telegram"
    assert platform_of("https://www.tiktok.com/@a/video/1") == "tiktok"
    assert platform_of("https://www.instagram.com/p/abc/") == "instagram"
    assert platform_of("https://example.org/x.com") is None
    assert platform_of("https://notx.com/") is None


def test_a_post_gives_its_text_author_image_and_oembed(server, platform_hosts):
    server.route("/libyanews/42", body=post_page(server.port))
    server.route(
        "/oembed?url=post%2F42", body=json.dumps(OEMBED).encode(), headers=[("Content-Type", "application/json")]
    )
    url = f"http://t.me:{server.port}/libyanews/42"
    capture = run_capture(capture_id=queued_capture(url).pk)
    assert capture.state == "done"
    post = CapturePost.objects.get(capture=capture)
    assert (post.platform, post.text, post.title) == ("telegram", POST_TEXT, "Libya News Channel")
    assert post.author == "Libya News Channel" and post.author_url == "https://t.me/libyanews"
    assert post.image_url == f"http://t.me:{server.port}/media/photo.jpg"
    assert post.oembed["provider_name"] == "Telegram" and "html" not in post.oembed
    assert post.nothing == ""
    # The oEmbed record came from the address the page linked, through the safe client.
    assert server.hits("/oembed?url=post%2F42") == 1


def test_the_oembed_text_stands_in_when_the_page_has_none(server, platform_hosts):
    page = f"""<html><head><link rel="alternate" type="application/json+oembed"
        href="http://t.me:{server.port}/oembed"></head><body><p>Loading…</p></body></html>""".encode()
    server.route("/libyanews/43", body=page)
    server.route("/oembed", body=json.dumps(OEMBED).encode(), headers=[("Content-Type", "application/json")])
    capture = run_capture(capture_id=queued_capture(f"http://t.me:{server.port}/libyanews/43").pk)
    post = CapturePost.objects.get(capture=capture)
    assert post.text == "وصول شحنة & أسلحة" and "<" not in post.text


def test_an_oembed_link_to_an_internal_address_is_never_fetched(server, internal_server, platform_hosts):
    internal_server.route("/oembed", body=json.dumps(OEMBED).encode(), headers=[("Content-Type", "application/json")])
    page = post_page(server.port, oembed=False).replace(
        b"</head>",
        f'<link rel="alternate" type="application/json+oembed" href="{internal_server.url("/oembed")}"></head>'.encode(),
    )
    server.route("/libyanews/44", body=page)
    capture = run_capture(capture_id=queued_capture(f"http://t.me:{server.port}/libyanews/44").pk)
    assert capture.state == "done" and capture.post.text == POST_TEXT and capture.post.oembed == {}
    assert internal_server.seen == []


LOGIN_WALL = b"""<html><head><title>Log in to X</title><meta property="og:title" content="Log in to X"></head>
<body><form action="/login"><input name="user"><input type="password" name="password"></form></body></html>"""


def test_a_login_wall_says_plainly_that_the_platform_gave_nothing(server, platform_hosts):
    server.route("/someone/status/1", body=LOGIN_WALL)
    capture = run_capture(capture_id=queued_capture(f"http://x.com:{server.port}/someone/status/1").pk)
    assert capture.state == "done"
    post = CapturePost.objects.get(capture=capture)
    assert post.platform == "x" and (post.text, post.title, post.image_url) == ("", "", "")
    assert post.nothing.startswith("X (Twitter) gave nothing of this post without logging in")
    with translation.override("ar"):
        arabic = in_language(post.nothing)
    assert arabic != post.nothing and "X (Twitter)" in arabic


def test_a_page_of_another_site_has_no_post(server, platform_hosts):
    server.route("/story", body=post_page(server.port))
    capture = run_capture(capture_id=queued_capture(f"http://news.example:{server.port}/story").pk)
    assert capture.state == "done" and not CapturePost.objects.exists()
