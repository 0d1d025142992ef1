"""An editor proposes a verdict, a reviewer signs in, approves and publishes; the claim's public page opens."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import log_in
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def proposed_claim(transactional_db, demo):
    editor = get_user_model().objects.get(username="editor")
    claim = ClaimFactory(
        article=demo, created_by=editor, last_editor=editor, statement="About 2,000 Russian mercenaries are in Libya."
    )
    EvidenceFactory(claim=claim)
    return claim


def test_editor_proposes_reviewer_approves_and_the_public_page_opens(page, proposed_claim):
    log_in(page, "editor")
    page.goto(f"/desk/claims/{proposed_claim.pk}/")
    propose = page.locator("form.transition-in_review")
    propose.locator("select[name=verdict]").select_option("unproven")
    propose.locator("textarea[name=rationale]").fill("No independent count exists; estimates range widely.")
    propose.locator("button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{proposed_claim.pk}/**")
    assert page.locator(".workflow-panel .status-badge").inner_text() == "In review"
    assert page.locator("form.transition-published").count() == 0  # editors do not publish

    page.click("nav.desk-nav form button[type=submit]")  # log out
    log_in(page, "reviewer")
    page.goto(f"/desk/claims/{proposed_claim.pk}/")
    publish = page.locator("form.transition-published")
    publish.locator("textarea[name=comment]").fill("Sources check out.")
    publish.locator("button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{proposed_claim.pk}/**")
    assert page.locator(".workflow-panel .status-badge").inner_text() == "Published"

    public_link = page.get_by_role("link", name="Public page")
    href = public_link.get_attribute("href")
    assert href.startswith(f"/claims/{proposed_claim.pk}/")
    public_link.click()
    page.wait_for_url(f"**{href}")
    assert "About 2,000 Russian mercenaries are in Libya." in page.content()


def log_out(page):
    page.click("nav.desk-nav form button[type=submit]")


def test_a_reviewer_who_rewrites_the_rationale_at_publication_waits_for_another_reviewer(page, proposed_claim):
    UserFactory(username="reviewer2", role="reviewer", password="pass-word-123")
    log_in(page, "editor")
    page.goto(f"/desk/claims/{proposed_claim.pk}/")
    propose = page.locator("form.transition-in_review")
    propose.locator("select[name=verdict]").select_option("unproven")
    propose.locator("textarea[name=rationale]").fill("No independent count exists.")
    propose.get_by_label("Public note, shown to readers with the publication").fill("Checked against two reports.")
    propose.get_by_label("Internal comment, never shown to readers").fill("internal: first pass, rough")
    propose.locator("button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{proposed_claim.pk}/**")
    log_out(page)

    log_in(page, "reviewer")
    page.goto(f"/desk/claims/{proposed_claim.pk}/")
    publish = page.locator("form.transition-published")
    assert publish.locator("textarea[name=public_note]").input_value() == "Checked against two reports."
    publish.locator("textarea[name=rationale]").fill("Estimates range from 800 to 2,000; none is independent.")
    publish.locator("textarea[name=comment]").fill("internal: sloppy but ok")
    publish.locator("button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{proposed_claim.pk}/**")
    assert page.locator(".workflow-panel .status-badge").inner_text() == "In review"
    assert "which makes you their author" in page.locator(".messages").inner_text()
    blocked = page.locator("form.transition-published .blocked").inner_text()
    assert "Four eyes" in blocked and "any reviewer but you and editor" in blocked
    assert page.locator("form.transition-published button[type=submit]").is_disabled()
    log_out(page)

    log_in(page, "reviewer2", password="pass-word-123")
    page.goto(f"/desk/claims/{proposed_claim.pk}/")
    page.locator("form.transition-published button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{proposed_claim.pk}/**")
    assert page.locator(".workflow-panel .status-badge").inner_text() == "Published"

    page.get_by_role("link", name="Public page").click()
    page.wait_for_load_state()
    public = page.content()
    assert "Estimates range from 800 to 2,000; none is independent." in public
    assert "Checked against two reports." in public
    assert "internal:" not in public
