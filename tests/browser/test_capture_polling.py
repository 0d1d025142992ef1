"""The claim page's evidence panel follows a capture live: a source added by URL shows "Queued", and when the
capture finishes the row turns to "Captured" with its passage found, without reloading the page."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Capture, Evidence
from claims.services.captures import run_capture
from tests.capturing import english_page, fetch_settings  # noqa: F401 (fixture)
from tests.factories import ClaimFactory
from tests.httpserver import server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_capture_state_turns_from_queued_to_captured_on_the_open_page(
    editor_page,
    demo,
    server,  # noqa: F811
    fetch_settings,  # noqa: F811
):
    page = editor_page
    claim = ClaimFactory(article=demo, kind="quantity", statement="About 2,000 Wagner fighters are in Libya.")
    url = server.route("/report", body=english_page("Around 2,000 Wagner fighters were in Libya."))
    page.goto(f"/desk/claims/{claim.pk}/sources/add/")
    page.fill("input[name=url]", url)
    page.fill("textarea[name=passage]", "around 2,000 Wagner fighters")
    page.fill("input[name=estimate_value]", "2000")
    page.click("form.add-source button[type=submit]")
    page.wait_for_url(f"**/desk/claims/{claim.pk}/**")

    evidence = Evidence.objects.get(claim=claim)
    row = page.locator(f"tr[data-evidence='{evidence.pk}']")
    state = row.locator(".capture-state")
    expect(state).to_have_class(re.compile(r"\bstate-(queued|fetching)\b"))
    page.evaluate("window.stillTheSamePage = true")  # a reload would drop it

    run_capture(capture_id=Capture.objects.get(source=evidence.source).pk)

    expect(state).to_have_class(re.compile(r"\bstate-done\b"), timeout=15_000)
    expect(state).to_have_text("Captured")
    expect(row.locator(".passage-check")).to_have_class(re.compile(r"\bpassage-found\b"))
    assert page.evaluate("window.stillTheSamePage") is True
    assert row.locator("form.recapture button").is_enabled()


def test_capture_states_carry_a_symbol_and_lead_from_the_start_side(editor_page, demo):
    page = editor_page
    page.goto(f"/desk/articles/{demo.pk}/")
    styles = page.evaluate("""() => {
      const probe = (cls, dir) => {
        const holder = document.createElement("div");
        holder.dir = dir;
        holder.innerHTML = `<span class="capture-state ${cls}">label</span>`;
        document.body.appendChild(holder);
        const el = holder.firstChild, style = getComputedStyle(el);
        const result = {symbol: getComputedStyle(el, "::before").content,
                        left: parseFloat(style.borderLeftWidth), right: parseFloat(style.borderRightWidth),
                        border: style.borderLeftStyle + " " + style.borderRightStyle};
        holder.remove();
        return result;
      };
      return {done: probe("state-done", "ltr"), failed: probe("state-failed", "rtl"),
              gone: probe("state-gone", "ltr"), found: probe("passage-found", "rtl")};
    }""")
    assert "✓" in styles["done"]["symbol"] and "✕" in styles["failed"]["symbol"] and "⊘" in styles["gone"]["symbol"]
    assert styles["done"]["left"] > styles["done"]["right"]  # the thick edge at the start: left in LTR…
    assert styles["failed"]["right"] > styles["failed"]["left"]  # …and right in RTL
    assert "double" in styles["failed"]["border"]  # failure differs by its border too, not by colour alone
