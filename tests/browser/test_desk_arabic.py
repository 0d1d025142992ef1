"""The whole desk at a phone's width (390 × 844), in Arabic and in English: every page fits the screen, nothing
is clipped, and the Arabic desk reads right to left. UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/desk-ar-*."""

import os
from pathlib import Path

import pytest

from claims.models import Claim, Source
from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
#: Pages whose Arabic phone screenshot docs/ shows.
SHOWN = {"dashboard", "reading-view", "claim", "review"}

# Elements whose box leaves the screen (sideways) or whose content is cut by their own box, outside the few
# elements meant to scroll sideways (wide tables) and the skip link parked off screen until focused.
CLIPPED = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || el.closest(".skip, .visually-hidden")) continue;
    if (el.closest("details:not([open]) > :not(summary)")) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let scroller = el.parentElement;
    while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    if (scroller) continue;
    const cut = el.scrollWidth > el.clientWidth + 1 && ["hidden", "clip"].includes(style.overflowX);
    if (box.left < -1 || box.right > width + 1 || cut) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
               + " " + Math.round(box.left) + "–" + Math.round(box.right));
    }
  }
  return out.slice(0, 10);
}"""


@pytest.fixture
def desk_paths(transactional_db, demo):
    in_review = Claim.objects.filter(article=demo, status="in_review").order_by("id").first()
    quantity = Claim.objects.filter(article=demo, kind="quantity").order_by("id").first()
    return {
        "dashboard": "/desk/",
        "articles": "/desk/articles/",
        "reading-view": f"/desk/articles/{demo.pk}/",
        "new-article": "/desk/articles/new/",
        "claims": "/desk/claims/",
        "claim": f"/desk/claims/{quantity.pk}/",
        "review": f"/desk/claims/{in_review.pk}/",
        "add-source": f"/desk/claims/{quantity.pk}/sources/add/",
        "source": f"/desk/sources/{Source.objects.order_by('id').first().pk}/",
        "profile": "/desk/profile/",
    }


def _phone(browser, live_server, language):
    context = browser.new_context(viewport=PHONE, locale=language, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/desk/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/desk/")
    return context, page


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_desk_page_fits_a_phone(browser, live_server, desk_paths, language):
    context, page = _phone(browser, live_server, language)
    wrong = {}
    for name, path in desk_paths.items():
        page.goto(path)
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (
            (language, "rtl") if language == "ar" else (language, "ltr")
        ), name
        width = page.evaluate("document.documentElement.scrollWidth")
        clipped = page.evaluate(CLIPPED, PHONE["width"])
        if width > PHONE["width"] or clipped:
            wrong[name] = {"scrollWidth": width, "clipped": clipped}
        if language == "ar" and name in SHOWN and os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"desk-ar-{name}-phone.png"), full_page=True)
    context.close()
    assert not wrong, wrong


def test_the_arabic_reading_view_keeps_the_article_direction_and_fits(browser, live_server, desk_paths, demo):
    context, page = _phone(browser, live_server, "ar")
    page.goto(desk_paths["reading-view"])
    text = page.locator("#article-text")
    assert text.evaluate("el => getComputedStyle(el).direction") == demo.direction  # the article's own direction
    assert page.evaluate("document.getElementById('article-text').scrollWidth") <= PHONE["width"]
    box = text.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # The desk's own words are Arabic: the nav, and the review screen's publish button.
    assert page.locator("nav.desk-nav").get_by_text("الادعاءات").count() == 1
    page.goto(desk_paths["review"])
    assert page.locator("form.transition-published button[type=submit]").inner_text().strip().endswith("وافق وانشر")
    context.close()


QUOTE = "ويقدر عددهم بحوالي ألفين"


def test_a_selected_number_makes_a_quantity_claim_with_its_fields_shown(page, transactional_db, demo):
    from playwright.sync_api import expect

    from tests.browser.conftest import drag_select, log_in

    log_in(page, "editor")
    page.goto(demo.get_absolute_url())
    drag_select(page, QUOTE)
    page.click("#create-from-selection")
    expect(page.locator("#id_kind")).to_have_value("quantity")  # not left at "Other"
    expect(page.locator("#id_quantity-value")).to_be_visible()
    expect(page.locator("#id_quantity-value")).to_have_value("2000")
    expect(page.locator(".suggestion")).to_contain_text("a quantity claim")
