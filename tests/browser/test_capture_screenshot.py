"""An editor picks "Always in a browser" for a source on its page, and the browser capture's screenshot shows on
the capture page, in a real browser (the image loads through the checked /files/ view)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from claims.models import Source
from claims.services.captures import run_capture
from claims.services.sources import queue_capture
from tests.capturing import english_page, fetch_settings  # noqa: F401 (fixture)
from tests.httpserver import server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def capture_in_thread(capture_id: int):
    from django.db import connection

    try:
        return run_capture(capture_id=capture_id)
    finally:
        connection.close()


def test_an_editor_switches_a_source_to_the_browser_and_sees_its_screenshot(
    editor_page,
    server,  # noqa: F811
    fetch_settings,  # noqa: F811
):
    fetch_settings.BROWSER_SETTLE_MS = 200
    page = editor_page
    url = server.route("/report", body=english_page("Around 2,000 Wagner fighters were in Libya."))
    source = Source.objects.create(url=url, original_url=url, capture_mode="plain")
    page.goto(f"/desk/sources/{source.pk}/")
    page.select_option("#capture-mode", "browser")
    page.click("form.capture-mode button[type=submit]")
    page.wait_for_url(f"**/desk/sources/{source.pk}/")
    assert Source.objects.get(pk=source.pk).capture_mode == "browser"

    queued = queue_capture(source=Source.objects.get(pk=source.pk), trigger="manual")
    # In a thread of its own, as in a worker: this thread's Playwright drives the desk, and one thread runs one.
    with ThreadPoolExecutor(1) as worker:
        capture = worker.submit(lambda: capture_in_thread(queued.pk)).result(timeout=120)
    assert capture.mode == "browser" and capture.state == "done"
    page.goto(f"/desk/captures/{capture.pk}/")
    image = page.locator(".capture-screenshot img")
    expect(image).to_be_visible()
    assert page.evaluate("() => document.querySelector('.capture-screenshot img').naturalWidth") == 1280
    expect(page.locator(".capture-screenshot a", has_text="PDF")).to_have_attribute("href", capture.pdf.url)
