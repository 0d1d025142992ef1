"""A reader's view of a claim page in Arabic and English, desktop and phone, screenshotted into docs/."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.utils import translation

from claims.models import Claim
from claims.page_cache import forget_local_pages

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"": (1280, 900), "-phone": (390, 844)}


@pytest.fixture
def claim_page(browser, live_server, transactional_db, demo):
    cache.clear()
    forget_local_pages()
    claim = Claim.objects.published().annotate(n=Count("evidence")).order_by("-n", "pk").first()
    with translation.override("en"):
        path = claim.public_url
    return claim, path


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_claim_page_reads_in_both_directions_on_desktop_and_phone(browser, live_server, claim_page, language, suffix):
    claim, path = claim_page
    width, height = WIDTHS[suffix]
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    page = context.new_page()
    page.goto(("/ar" if language == "ar" else "") + path)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("h1.claim-statement").inner_text().strip() == claim.statement
    verdict = claim.verdict_info.label(language)
    assert page.locator(".verdict-name").inner_text().strip() == verdict
    # Nothing wider than the screen: a phone reader never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # refresh docs/ on purpose, never as a side effect of CI
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"public-claim-{language}{suffix}.png").write_bytes(shot)
    context.close()
