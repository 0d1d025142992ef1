"""The team desk end to end, three people in three browsers, with a real worker and a real SMTP server: the chief
assigns a claim, the checker finds it in their notifications, comments on the article's words mentioning the
reviewer, and the reviewer's mail arrives with a link that opens the comment in its place in the reading view."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Comment
from tests.browser.conftest import drag_select, log_in
from tests.factories import ClaimFactory
from tests.mail import html_body, plain_body
from tests.waiting import wait_for

pytestmark = pytest.mark.browser

QUOTE = "تمحورت حول المرتزقة"  # words no demo claim covers


def test_assign_notify_mention_and_the_mail_link_opens_the_comment(
    browser, live_server, transactional_db, demo, celery_worker, smtp, settings
):
    settings.SITE_URL = live_server.url
    claim = ClaimFactory(article=demo, statement="Haftar met Shoigu in Moscow in 2018.")
    contexts = [
        browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB", base_url=live_server.url)
        for _ in range(3)
    ]
    chief, checker, reviewer = (context.new_page() for context in contexts)
    try:
        for page, who in ((chief, "admin"), (checker, "editor"), (reviewer, "reviewer")):
            page.set_default_timeout(15_000)
            log_in(page, who)

        # The chief assigns the claim to the checker from the claim page.
        chief.goto(f"/desk/claims/{claim.pk}/")
        panel = chief.locator("#assignment")
        panel.locator("select[name=assignee]").select_option(label="editor")
        panel.get_by_role("button", name="Save assignment").click()
        expect(chief.locator(".messages")).to_contain_text("Assignment saved.")

        # The checker sees the unread count, and the notification leads to the claim.
        checker.reload()
        # (the worker may tell them of similar claims it finds meanwhile: the count is at least the assignment)
        expect(checker.locator(".notifications-link .unread-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
        checker.locator(".notifications-link").click()
        checker.wait_for_url("**/desk/notifications/**")
        # The assignment's notification: a similar-claim one may name the same claim too.
        item = checker.locator(".notification-list li.unread", has_text="assigned you: Haftar met Shoigu")
        expect(item).to_contain_text("admin")
        item.get_by_role("link", name=re.compile("Haftar met Shoigu")).click()
        checker.wait_for_url(f"**/desk/claims/{claim.pk}/**")

        # In the reading view the checker comments on the article's words and mentions the reviewer.
        checker.goto(demo.get_absolute_url())
        drag_select(checker, QUOTE)
        checker.click("#comment-from-selection")
        body = checker.locator("#comment-form-panel form textarea[name=body]")
        body.press_sequentially("Which source says this? @revi")
        expect(checker.locator(".mention-options [role=option]").first).to_contain_text("@reviewer")
        body.press("Enter")
        body.press_sequentially("please check.")
        checker.locator("#comment-form-panel form button[type=submit]").click()
        checker.wait_for_url("**/#comment-*")
        comment = Comment.objects.get()

        # The worker sends the reviewer's mail to the SMTP server; its link names the comment.
        wait_for(lambda: any("reviewer@example.org" in m["To"] for m in smtp.messages), timeout=60)
        (mail,) = [m for m in smtp.messages if "reviewer@example.org" in m["To"]]
        assert "editor mentioned you" in mail["Subject"]
        text = plain_body(mail)
        link = re.search(rf"{re.escape(live_server.url)}\S*#comment-{comment.pk}", text)
        assert link, text
        assert link.group(0) in html_body(mail)

        # The link opens the comment in its place: the thread in view and marked, beside its highlight.
        reviewer.goto(link.group(0))
        thread = reviewer.locator(f'.comment-thread[data-comment="{comment.pk}"]')
        expect(thread).to_be_visible()
        expect(thread).to_contain_text("please check.")
        expect(reviewer.locator(f'mark[data-comments~="{comment.pk}"]').first).to_have_text(QUOTE)
        assert reviewer.evaluate("location.hash") == f"#comment-{comment.pk}"
        expect(reviewer.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    finally:
        for context in contexts:
            context.close()
