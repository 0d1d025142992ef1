"""The demo's Wagner series as a reader sees it: Arabic and English, desktop and phone, with and without
JavaScript; the chart, the table and the CSV link are there and nothing is wider than the screen."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from claims.page_cache import forget_local_pages

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"": (1280, 900), "-phone": (390, 844)}
PATH = "/series/wagner-personnel-libya/"


@pytest.fixture
def series_site(live_server, transactional_db, demo):
    cache.clear()
    forget_local_pages()
    return live_server


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("suffix", list(WIDTHS))
def test_series_page_draws_every_estimate_in_both_directions(browser, series_site, language, suffix, javascript):
    width, height = WIDTHS[suffix]
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=series_site.url, java_script_enabled=javascript
    )
    page = context.new_page()
    response = page.goto(("/ar" if language == "ar" else "") + PATH)
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    heading = "عناصر مجموعة فاغنر في ليبيا" if language == "ar" else "Wagner Group personnel in Libya"
    assert page.locator("h1").inner_text().strip() == heading
    chart = page.locator(".series-chart svg")
    assert chart.is_visible() and chart.bounding_box()["width"] <= width
    assert page.locator(".series-chart .mark").count() == 3  # the article's figure, the UN panel's, AFRICOM's
    rows = page.locator(".series-table tbody tr")
    assert rows.count() == 3
    table = page.locator(".series-table").inner_text()
    assert "800–1,200" in table or "800–1200" in table
    csv_link = page.locator(".series-csv a")
    assert csv_link.get_attribute("href").endswith("/series/wagner-personnel-libya/estimates.csv")
    # Nothing wider than the screen: a phone reader never scrolls the page sideways (the table scrolls alone).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if javascript and os.environ.get("UPDATE_SCREENSHOTS") == "1":  # refresh docs/ on purpose only
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"public-series-{language}{suffix}.png").write_bytes(shot)
    context.close()


def test_the_csv_link_downloads_the_estimates(browser, series_site):
    context = browser.new_context(base_url=series_site.url, accept_downloads=True)
    page = context.new_page()
    page.goto(PATH)
    with page.expect_download() as download:
        page.locator(".series-csv a").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("claim_id,statement,given_by") and "US Africa Command" in text
    context.close()
