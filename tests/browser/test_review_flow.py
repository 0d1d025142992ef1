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


@pytest.fixture
def published_claim(proposed_claim):
    from claims.services.workflow import transition_claim

    editor = get_user_model().objects.get(username="editor")
    claim = transition_claim(
        claim=proposed_claim,
        to="in_review",
        by=editor,
        verdict="unproven",
        rationale="No independent count exists.",
        public_note="Checked against two reports.",
    )
    return transition_claim(claim=claim, to="published", by=UserFactory(username="reviewer3", role="reviewer"))


def public_page(page, claim) -> tuple[str, str]:
    """What a reader (a browser of their own: no session, nothing cached) sees on the claim's public page: its
    verdict name, and its whole text."""
    page.goto(f"/desk/claims/{claim.pk}/")
    href = page.get_by_role("link", name="Public page").get_attribute("href")
    base = page.url.split("/desk/")[0]
    reader = page.context.browser.new_context(base_url=base, locale="en-GB")
    try:
        public = reader.new_page()
        public.goto(href)
        return public.locator(".claim-verdict-box .verdict-name").inner_text(), public.content()
    finally:
        reader.close()


def test_a_correction_proposed_in_the_desk_reaches_readers_only_once_another_reviewer_approves_it(
    page, published_claim
):
    UserFactory(username="reviewer2", role="reviewer", password="pass-word-123")
    log_in(page, "reviewer")
    page.goto(f"/desk/claims/{published_claim.pk}/")
    correct = page.locator("form.transition-corrected")
    correct.locator("select[name=verdict]").select_option("misleading")
    correct.locator("textarea[name=rationale]").fill("A UN panel counted 1,200; the statement overstates it.")
    correct.get_by_label("Public note, shown to readers (required)").fill("Corrected after the UN panel report.")
    correct.locator("button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{published_claim.pk}/**")
    assert "Your correction is proposed" in page.locator(".messages").inner_text()
    pending = page.locator("#pending-correction")
    assert "Corrected after the UN panel report." in pending.inner_text()
    assert "any reviewer but you." in pending.locator(".blocked").inner_text()
    assert pending.locator("form.correction-approve").count() == 0

    verdict, public = public_page(page, published_claim)
    assert verdict == "Unproven" and "UN panel" not in public
    log_out(page)

    log_in(page, "reviewer2", password="pass-word-123")
    page.goto(f"/desk/claims/{published_claim.pk}/")
    pending = page.locator("#pending-correction")
    assert "proposed by reviewer" in pending.inner_text()
    assert "misleading" in pending.locator(".pending-changes").inner_text()
    pending.locator("form.correction-approve button[type=submit]").click()
    page.wait_for_url(f"**/desk/claims/{published_claim.pk}/**")
    assert page.locator(".workflow-panel .status-badge").inner_text() == "Corrected"
    assert page.locator("#pending-correction").count() == 0

    verdict, public = public_page(page, published_claim)
    assert verdict == "Misleading"
    assert "A UN panel counted 1,200; the statement overstates it." in public
    assert "Corrected after the UN panel report." in public
