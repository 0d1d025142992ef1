"""Replay from an origin of its own: the replay host serves ReplayWeb.page and token-gated WACZ files and nothing of
the app, never sees the desk's cookies, and the desk and the public archived copy frame it in a sandbox."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from claims.models import Evidence
from claims.services.captures import run_capture
from claims.services.replay import wacz_token
from tests.capturing import english_page, queued_capture
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

REPLAY = "replay.testserver"
PAGE = english_page("About 2,000 fighters.")


@pytest.fixture(autouse=True)
def replay_origin(settings):
    settings.REPLAY_ORIGIN = f"http://{REPLAY}"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def capture(db, server, fetch_settings):
    done = run_capture(capture_id=queued_capture(server.route("/story", body=PAGE)).pk)
    assert done.state == "done" and done.wacz
    return done


@pytest.fixture
def published(capture):
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=capture.source, stance="supports")
    return claim


def on_replay(client, path, **headers):
    return client.get(path, HTTP_HOST=REPLAY, **headers)


def frame_src(page: str) -> str:
    match = re.search(r'<iframe class="replay-frame" src="([^"]+)"', page)
    assert match, "no replay frame on the page"
    return html.unescape(match[1])


def wacz_path(src: str) -> str:
    return urlsplit(parse_qs(urlsplit(src).query)["source"][0]).path


def test_the_replay_host_serves_the_app_shell_with_a_strict_csp(client):
    response = on_replay(client, "/replay/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<script src="./ui.js"></script>' in body and "<replay-app-main>" in body
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors http://testserver" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_the_service_worker_may_control_the_replay_folder(client):
    response = on_replay(client, "/replay/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/replay/"
    assert response["Content-Type"].startswith("text/javascript")
    assert on_replay(client, "/replay/ui.js").status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/desk/", "/admin/", "/api/v1/public/claims/", "/archive-key.pem", "/replay/../desk/", "/files/x"]
)
def test_the_replay_host_answers_nothing_of_the_app(client, editor, path):
    client.force_login(editor)  # even with the desk's session cookie sent to it (a browser never would)
    response = on_replay(client, path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_the_app_host_does_not_serve_the_replay(client, published, capture):
    assert client.get("/replay/").status_code == 404
    assert client.get(f"/wacz/{wacz_token(capture=capture)}/capture.wacz").status_code == 404


def test_the_desks_cookies_are_host_only(client, editor, settings):
    """No Domain attribute: the browser sends the session and CSRF cookies to the desk's host alone, never to
    the replay origin (a sibling host of the same site)."""
    assert settings.SESSION_COOKIE_DOMAIN is None and settings.CSRF_COOKIE_DOMAIN is None
    client.get(reverse("desk:login"))
    response = client.post(reverse("desk:login"), {"username": editor.username, "password": "pass-word-123"})
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        if name in response.cookies:
            assert not response.cookies[name]["domain"], name
    assert client.cookies[settings.CSRF_COOKIE_NAME]["domain"] == ""


def test_the_public_archived_copy_frames_the_replay_in_a_sandbox_in_both_languages(client, published, capture):
    capture.screenshot.save("page.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    path = reverse("public:archive", args=[published.pk, capture.source_id])
    for address in (path, "/ar" + path):
        page = client.get(address).content.decode()
        src = frame_src(page)
        assert src.startswith(f"http://{REPLAY}/replay/?") and "embed=replayonly" in src
        assert 'sandbox="allow-scripts allow-same-origin allow-downloads"' in page
        # The screenshot sits beside the replay, in the same section.
        section = page[page.index('class="capture-replay"') :]
        assert 'class="capture-screenshot"' in section[: section.index("</section>")]
    assert "إعادة عرض الصفحة المؤرشفة" in client.get("/ar" + path).content.decode()


def test_a_public_token_fetches_the_wacz_in_byte_ranges(client, published, capture):
    page = client.get(reverse("public:archive", args=[published.pk, capture.source_id])).content.decode()
    path = wacz_path(frame_src(page))
    whole = on_replay(client, path)
    assert whole.status_code == 200 and whole["Content-Type"] == "application/wacz"
    with capture.wacz.open("rb") as handle:
        data = handle.read()
    assert whole.content == data and whole["Cache-Control"].startswith("private")
    part = on_replay(client, path, HTTP_RANGE="bytes=10-29")
    assert part.status_code == 206 and part.content == data[10:30]
    assert part["Content-Range"] == f"bytes 10-29/{len(data)}"
    assert on_replay(client, path, HTTP_RANGE="bytes=-22").content == data[-22:]
    assert on_replay(client, path, HTTP_RANGE=f"bytes={len(data)}-").status_code == 416


def test_a_public_token_stops_working_once_the_claim_is_unpublished(client, published, capture):
    path = f"/wacz/{wacz_token(capture=capture)}/capture.wacz"
    assert on_replay(client, path).status_code == 200
    published.status = "in_review"
    published.save(update_fields=["status"])
    assert on_replay(client, path).status_code == 404


def test_a_public_token_for_an_unpublished_capture_gets_nothing(client, capture):
    assert on_replay(client, f"/wacz/{wacz_token(capture=capture)}/capture.wacz").status_code == 404


def test_a_forged_token_gets_nothing(client, published, capture):
    token = wacz_token(capture=capture)
    assert on_replay(client, f"/wacz/{token[:-2]}xx/capture.wacz").status_code == 404


def test_the_desk_mints_a_members_token_for_an_unpublished_capture(client, editor, capture, settings):
    client.force_login(editor)
    page = client.get(reverse("desk:capture", args=[capture.pk])).content.decode()
    path = wacz_path(frame_src(page))
    client.logout()  # the replay origin never has the session: the token alone carries the right
    assert on_replay(client, path).status_code == 200
    editor.groups.set(Group.objects.none())  # no longer a member
    assert on_replay(client, path).status_code == 404


def test_a_members_token_expires(client, editor, capture, settings):
    token = wacz_token(capture=capture, user=editor)
    settings.REPLAY_TOKEN_SECONDS = -1
    assert on_replay(client, f"/wacz/{token}/capture.wacz").status_code == 404


def test_without_a_replay_origin_there_is_no_frame(client, settings, published, capture):
    settings.REPLAY_ORIGIN = ""
    page = client.get(reverse("public:archive", args=[published.pk, capture.source_id])).content.decode()
    assert "replay-frame" not in page and capture.wacz_sha256 in page
