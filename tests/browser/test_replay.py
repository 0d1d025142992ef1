"""A reader opens a public archived copy and sees the captured page replayed by ReplayWeb.page, inside a sandboxed
frame served by the replay origin, from the signed WACZ alone (the live page has changed since).

As deployed, the app and the replay origin are a host and its subdomain: here http://desk.test:<port> (the live
server) and http://replay.desk.test:<port>. Chromium maps both names to the loopback address (--host-resolver-rules,
so nothing is resolved outside) and is told to treat them as secure contexts, which a service worker needs. Same
site, other origin: a browser lets the frame keep a service worker (it refuses one to a cross-site frame whose
storage it partitions away), and the origin still keeps the replayed page's scripts away from the desk's.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from claims.models import Evidence
from claims.services.captures import run_capture
from tests.browser.conftest import CHROMIUM_ARGS
from tests.capturing import english_page, queued_capture
from tests.factories import UserFactory
from tests.public_helpers import make_claim

CAPTURED = "Archived sentence about 2,000 fighters in Sirte."


APP, REPLAY = "desk.test", "replay.desk.test"


@pytest.fixture
def replay_browser(browser, live_server, archived_copy):
    """A Chromium of its own (the shared one lacks the host mapping), launched by the suite's Playwright: a second
    Playwright cannot start in a thread whose event loop the first one runs."""
    port = urlsplit(live_server.url).port
    args = [
        *CHROMIUM_ARGS,
        f"--host-resolver-rules=MAP {APP} 127.0.0.1, MAP {REPLAY} 127.0.0.1",
        f"--unsafely-treat-insecure-origin-as-secure=http://{APP}:{port},http://{REPLAY}:{port}",
    ]
    replaying = browser.browser_type.launch(executable_path="/usr/bin/chromium", args=args)
    yield replaying
    replaying.close()


@pytest.fixture
def archived_copy(live_server, transactional_db, server, fetch_settings, settings):
    port = urlsplit(live_server.url).port
    settings.SITE_URL = f"http://{APP}:{port}"
    settings.REPLAY_ORIGIN = f"http://{REPLAY}:{port}"
    settings.ALLOWED_HOSTS = [APP]
    capture = run_capture(capture_id=queued_capture(server.route("/story", body=english_page(CAPTURED))).pk)
    assert capture.state == "done"
    server.route("/story", body=english_page("The live page says something else now."))
    UserFactory(username="ed", role="editor")
    claim = make_claim(statement="About 2,000 fighters")
    Evidence.objects.create(claim=claim, source=capture.source, stance="supports")
    return f"http://{APP}:{port}" + reverse("public:archive", args=[claim.pk, capture.source_id]), capture


def test_the_public_archived_copy_replays_the_captured_page(replay_browser, archived_copy, server):
    context = replay_browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(120_000)  # the first replay installs the service worker and indexes the WACZ
    page.goto(archived_copy[0])
    frame = page.locator("iframe.replay-frame")
    assert frame.get_attribute("sandbox") == "allow-scripts allow-same-origin allow-downloads"
    assert frame.get_attribute("src").startswith(f"http://{REPLAY}:")
    # ReplayWeb.page's app, then its replay frame (inside shadow roots, which Playwright's locators pierce), then
    # the archived page itself.
    replayed = page.frame_locator("iframe.replay-frame").frame_locator("iframe").first
    expect(replayed.locator("body")).to_contain_text(CAPTURED)
    assert "something else now" not in replayed.locator("body").inner_text()
    assert server.hits("/story") == 1  # the capture's fetch alone: the replay read the WACZ, not the live page
    # The app's cookies never reach the replay origin: it has none of its own either.
    assert not [c for c in context.cookies() if c["domain"].startswith("replay.")]
    context.close()


def test_the_desk_replays_a_capture_with_a_members_token(replay_browser, archived_copy):
    address, capture = archived_copy
    app = address.split("/claims/")[0]
    context = replay_browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(app + reverse("desk:login"))
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pass-word-123")
    page.click("form button[type=submit]")
    page.wait_for_url("**/desk/")
    page.goto(app + reverse("desk:capture", args=[capture.pk]))
    replayed = page.frame_locator("iframe.replay-frame").frame_locator("iframe").first
    expect(replayed.locator("body")).to_contain_text(CAPTURED)
    session = [c for c in context.cookies() if c["name"] == "sessionid"]
    assert session and all(c["domain"] == APP for c in session)  # host-only: never sent to the replay host
    context.close()
