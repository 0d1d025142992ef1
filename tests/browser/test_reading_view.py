"""The reading view in a real browser: select words with the mouse or the keyboard, get the claim form prefilled
with suggestions, save, and see the claim highlighted, stored at the code points of the server's text."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim
from tests.browser.conftest import drag_select, log_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.browser

QUOTE = "ويقدر عددهم بحوالي ألفين"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_and_find_claim(page, article):
    before = set(Claim.objects.values_list("pk", flat=True))
    page.click("#save-claim")
    page.wait_for_url("**/#claim-*")
    claim = Claim.objects.exclude(pk__in=before).get()
    expect(page.locator(f'mark[data-claims~="{claim.pk}"]').first).to_be_visible()
    assert article.text[claim.start : claim.end] == claim.exact
    return claim


def test_mouse_selection_creates_a_quantity_claim_with_the_suggested_value(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    drag_select(page, QUOTE)
    expect(page.locator("#create-from-selection")).to_be_enabled()
    page.click("#create-from-selection")
    expect(page.locator("#id_exact")).to_have_value(QUOTE)
    page.select_option("#id_kind", "quantity")
    expect(page.locator("#id_quantity-value")).to_have_value("2000")
    expect(page.locator("#id_quantity-approximate")).to_be_checked()
    page.fill("#id_statement", "يقدر عدد مرتزقة فاغنر في ليبيا بنحو ألفين.")
    page.fill("#id_quantity-unit", "fighters")
    claim = save_and_find_claim(page, demo)
    assert (claim.exact, claim.start) == (QUOTE, demo.text.index(QUOTE))
    assert claim.details == {"value": 2000, "approximate": True, "unit": "fighters"}


def test_a_refused_save_reopens_the_panel_with_the_error_and_then_saves(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    drag_select(page, QUOTE)
    page.click("#create-from-selection")
    page.select_option("#id_kind", "quantity")
    page.fill("#id_statement", "يقدر عدد مرتزقة فاغنر في ليبيا بنحو ألفين.")
    page.fill("#id_quantity-value", "about two")
    page.click("#save-claim")
    panel = page.locator("#claim-form-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".field-error").first).to_contain_text("Enter a number")
    expect(page.locator("#id_statement")).to_have_value("يقدر عدد مرتزقة فاغنر في ليبيا بنحو ألفين.")
    page.fill("#id_quantity-value", "2000")
    claim = save_and_find_claim(page, demo)
    assert (claim.exact, claim.details["value"]) == (QUOTE, 2000)


def test_meeting_claim_gets_three_attendees_from_the_autocomplete(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    drag_select(page, "زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو")
    page.click("#create-from-selection")
    page.select_option("#id_kind", "meeting")
    page.fill("#id_statement", "Haftar met Shoigu and Gerasimov in Moscow.")
    search = page.locator(".claim-form-panel .attendee-search")
    for query, name in (("حفتر", "Khalifa Haftar"), ("shoigu", "Sergei Shoigu"), ("غراسيموف", "Valery Gerasimov")):
        search.fill(query)
        expect(page.locator(".claim-form-panel [role=option]").first).to_contain_text(name)
        search.press("Enter")
        expect(page.locator(".claim-form-panel .attendee-rows tbody tr").last).to_contain_text(name)
    page.locator(".claim-form-panel [name=attendee_role]").first.fill("Libyan commander")
    page.locator(".claim-form-panel [name=attendee_status]").first.select_option("confirmed")
    claim = save_and_find_claim(page, demo)
    attendees = list(claim.attendees.order_by("order").values_list("entity__name", "role", "status"))
    assert attendees == [
        ("Khalifa Haftar", "Libyan commander", "confirmed"),
        ("Sergei Shoigu", "", "unverified"),
        ("Valery Gerasimov", "", "unverified"),
    ]


def test_attendee_missing_from_the_desk_is_created_on_the_spot(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    drag_select(page, "زار حفتر موسكو")
    page.click("#create-from-selection")
    page.select_option("#id_kind", "meeting")
    page.fill("#id_statement", "Haftar visited Moscow.")
    search = page.locator(".claim-form-panel .attendee-search")
    search.fill("Anatoly Newcomer")
    expect(page.locator(".claim-form-panel [role=option]").last).to_contain_text("Create “Anatoly Newcomer”")
    search.press("ArrowUp")  # from the first option, up wraps to the last: "Create …"
    search.press("Enter")
    expect(page.locator(".claim-form-panel .attendee-rows tbody tr").last).to_contain_text("Anatoly Newcomer")
    claim = save_and_find_claim(page, demo)
    assert [a.entity.name for a in claim.attendees.all()] == ["Anatoly Newcomer"]


def tab_to(page, selector, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_selection_creates_a_claim(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    tab_to(page, "#find-in-text")
    page.keyboard.type(QUOTE[:-1])
    page.keyboard.press("Enter")  # selects the words in the text, which now takes the caret
    page.keyboard.press("Shift+ArrowLeft")  # extends the selection by a letter: left is forward in Arabic
    page.keyboard.press("Enter")  # opens the claim form on the selection
    expect(page.locator("#id_exact")).to_have_value(QUOTE)
    expect(page.locator("#id_kind")).to_be_focused()
    for _ in range(6):
        if page.locator("#id_kind").input_value() == "quantity":
            break
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    page.keyboard.type("About two thousand Wagner fighters are in Libya.")
    expect(page.locator("#id_quantity-value")).to_have_value("2000")
    tab_to(page, "#save-claim")
    page.keyboard.press("Enter")
    page.wait_for_url("**/#claim-*")
    claim = Claim.objects.order_by("-pk").first()
    assert (claim.exact, claim.kind, claim.details["value"]) == (QUOTE, "quantity", 2000)


EMOJI_TEXT = "Greetings 👋🏽 from 🇱🇾 Libya 😀: about 2000 people came 🎉 to the square.\nA second line."


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_positions_are_code_points_after_characters_outside_the_bmp(page, transactional_db, how):
    UserFactory(username="emoji-ed", role="editor", password="pass-word-123")
    article = ArticleFactory(text=EMOJI_TEXT, language="en", direction="ltr")
    log_in(page, "emoji-ed", "pass-word-123")
    page.goto(article.get_absolute_url())
    phrase = "about 2000 people came 🎉 to"
    if how == "mouse":
        drag_select(page, phrase)
        page.click("#create-from-selection")
    else:
        page.fill("#find-in-text", phrase)
        page.press("#find-in-text", "Enter")
        page.keyboard.press("Enter")
    expect(page.locator("#id_start")).to_have_value(str(EMOJI_TEXT.index(phrase)))
    page.fill("#id_statement", "About 2000 people came.")
    claim = save_and_find_claim(page, article)
    assert (claim.exact, claim.start, claim.end) == (
        phrase,
        EMOJI_TEXT.index(phrase),
        EMOJI_TEXT.index(phrase) + len(phrase),
    )


def test_clicking_a_highlight_focuses_its_claim_in_the_panel(editor_page, demo):
    page = editor_page
    page.goto(demo.get_absolute_url())
    claim = Claim.objects.get(exact__startswith="عام 2018 زار حفتر")
    page.locator(f'mark[data-claims~="{claim.pk}"]').first.click()
    expect(page.locator(f"#claim-{claim.pk}")).to_have_class("active")
    expect(page.locator(f"#claim-{claim.pk} a")).to_be_focused()


def test_screenshots_of_the_reading_view_and_the_claim_form(editor_page, demo, tmp_path):
    """Writes docs/screenshots/ when UPDATE_SCREENSHOTS=1; otherwise checks they can be taken."""
    page = editor_page
    page.goto(demo.get_absolute_url())
    page.evaluate("document.querySelector('mark[data-claims]').scrollIntoView({block: 'start'}); scrollBy(0, -120)")
    shots = {"desk-reading-view.png": page.screenshot()}
    drag_select(page, QUOTE)
    page.click("#create-from-selection")
    page.select_option("#id_kind", "quantity")
    expect(page.locator("#id_quantity-value")).to_have_value("2000")
    page.fill("#id_statement", "يقدر عدد مرتزقة فاغنر في ليبيا بنحو ألفين.")
    shots["desk-claim-form.png"] = page.screenshot()
    for name, data in shots.items():
        assert data.startswith(b"\x89PNG")
        (tmp_path / name).write_bytes(data)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / name, SCREENSHOTS / name)
    assert Article.objects.count() == 1


def test_the_reading_views_script_speaks_the_desks_arabic(editor_page, demo):
    from django.contrib.auth.models import User

    from claims.services.profiles import set_interface_language

    set_interface_language(user=User.objects.get(username="editor"), language="ar")
    page = editor_page
    page.goto(demo.get_absolute_url())
    page.fill("#find-in-text", "كلمات ليست هنا")
    page.press("#find-in-text", "Enter")
    expect(page.locator("#selection-status")).to_have_text("«كلمات ليست هنا» غير موجود في النص.")
    drag_select(page, "زار حفتر موسكو")
    page.click("#create-from-selection")
    page.select_option("#id_kind", "meeting")
    page.locator(".claim-form-panel .attendee-search").fill("Anatoly Newcomer")
    expect(page.locator(".claim-form-panel [role=option]").last).to_have_text("أنشئ «Anatoly Newcomer» شخصًا جديدًا")
    assert "not in the text" not in page.content() and "as a new person" not in page.content()
