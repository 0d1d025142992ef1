"""Haftar's meetings in a real browser: the public timeline and who-met-whom view in Arabic and English, the desk's
graph in English, at desktop and phone widths, with and without JavaScript; screenshotted into docs/."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from claims.models import Entity
from claims.page_cache import forget_local_pages
from tests.browser.conftest import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"": (1280, 900), "-phone": (390, 844)}
NAMES = {
    "en": ("Khalifa Haftar", "Sergei Shoigu", "Valery Gerasimov"),
    "ar": ("خليفة حفتر", "سيرغي شويغو", "فاليري غراسيموف"),
}


@pytest.fixture
def haftar(transactional_db, demo):
    cache.clear()
    forget_local_pages()
    return Entity.objects.get(wikidata="Q1740441")


def visit(browser, live_server, path, *, width, height, javascript, username=None):
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=live_server.url, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    if username:
        log_in(page, username)
    page.goto(path)
    return context, page


def fits(page, width) -> bool:
    """Nothing wider than the screen: a phone reader never scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def keep(page, name: str) -> None:
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # refresh docs/ on purpose, never as a side effect of CI
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / name).write_bytes(shot)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_public_meetings_timeline_reads_in_both_directions(browser, live_server, haftar, language):
    prefix = "/ar" if language == "ar" else ""
    for suffix, (width, height) in WIDTHS.items():
        for javascript in (True, False):
            context, page = visit(
                browser,
                live_server,
                f"{prefix}/entities/{haftar.pk}/",
                width=width,
                height=height,
                javascript=javascript,
            )
            assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            name, shoigu, gerasimov = NAMES[language]
            assert page.locator("h1").inner_text().strip() == name
            meeting = page.locator(".meetings-timeline .meeting")
            assert meeting.count() == 1
            text = meeting.first.inner_text()
            assert shoigu in text and gerasimov in text and "2018" in text
            assert page.locator(".meeting .attendance-confirmed").count() >= 2
            assert page.locator("#record a[href='https://www.wikidata.org/wiki/Q1740441']").count() == 1
            assert fits(page, width), (suffix, javascript)
            if javascript:
                keep(page, f"public-meetings-{language}{suffix}.png")
            context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_public_who_met_whom_view_draws_the_graph_and_its_table(browser, live_server, haftar, language):
    prefix = "/ar" if language == "ar" else ""
    for suffix, (width, height) in WIDTHS.items():
        for javascript in (True, False):
            address = f"{prefix}/entities/{haftar.pk}/meetings/graph/"
            context, page = visit(browser, live_server, address, width=width, height=height, javascript=javascript)
            name, shoigu, gerasimov = NAMES[language]
            svg = page.locator(".meetings-graph svg")
            assert svg.is_visible() and svg.locator(".meeting-node").count() == 2
            box = svg.bounding_box()
            assert box and box["width"] <= width and box["height"] > 100
            table = page.locator(".meetings-table tbody").inner_text()
            assert shoigu in table and gerasimov in table
            assert fits(page, width), (suffix, javascript)
            if javascript:
                keep(page, f"public-graph-{language}{suffix}.png")
            context.close()


def test_the_desk_graph_shows_every_meeting_with_prigozhin_disputed(browser, live_server, haftar):
    for suffix, (width, height) in WIDTHS.items():
        for javascript in (True, False):
            address = f"/desk/entities/{haftar.pk}/meetings/graph/?status="
            context, page = visit(
                browser, live_server, address, width=width, height=height, javascript=javascript, username="editor"
            )
            assert page.locator(".meetings-graph .meeting-node").count() == 4
            assert page.locator(".meetings-graph .edge-disputed").count() == 1
            table = page.locator(".meetings-table tbody").inner_text()
            assert "Sergei Lavrov" in table and "Yevgeny Prigozhin" in table
            assert fits(page, width), (suffix, javascript)
            if javascript:
                keep(page, f"desk-graph-en{suffix}.png")
            page.select_option("select[name=status]", "disputed")
            page.click(".meeting-filters button[type=submit]")
            page.wait_for_url("**status=disputed**")
            assert page.locator(".meetings-table tbody").inner_text().count("Yevgeny Prigozhin") == 1
            assert page.locator(".meetings-graph .meeting-node").count() == 1
            context.close()
