"""The chief (admin) assigns a claim from its page; the checker, in a browser of their own, finds it in "mine"."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import ClaimFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def nobodys_claim(transactional_db, demo):
    return ClaimFactory(article=demo, statement="Haftar met Shoigu in Moscow in 2018.")


def test_the_chief_assigns_a_claim_and_the_checker_sees_it_in_their_queue(browser, live_server, nobodys_claim):
    contexts = [browser.new_context(locale="en-GB", base_url=live_server.url) for _ in range(2)]
    chief, checker = (context.new_page() for context in contexts)
    try:
        log_in(checker, "editor")
        assert "Haftar met Shoigu" not in checker.locator("#mine").inner_text()
        assert "Haftar met Shoigu" in checker.locator("#unassigned").inner_text()

        log_in(chief, "admin")
        chief.goto(f"/desk/claims/{nobodys_claim.pk}/")
        panel = chief.locator("#assignment")
        panel.locator("select[name=assignee]").select_option(label="editor")
        panel.locator("input[name=due]").fill("2026-12-24")
        panel.get_by_role("button", name="Save assignment").click()
        chief.wait_for_url(f"**/desk/claims/{nobodys_claim.pk}/**")
        assert chief.locator("#assignment .assignee").inner_text() == "editor"
        assert "Assignment saved." in chief.locator(".messages").inner_text()

        checker.reload()
        mine = checker.locator("#mine")
        assert "Haftar met Shoigu" in mine.inner_text() and "due 2026-12-24" in mine.inner_text()
        assert "Haftar met Shoigu" not in checker.locator("#unassigned").inner_text()
        mine.get_by_role("link", name="Haftar met Shoigu in Moscow in 2018.").click()
        checker.wait_for_url(f"**/desk/claims/{nobodys_claim.pk}/")
        assert "Assignment changed" in checker.locator("#history").inner_text()
    finally:
        for context in contexts:
            context.close()
