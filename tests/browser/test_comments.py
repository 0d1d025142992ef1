"""Comments in a real browser, two people in two browser contexts: the editor selects words in the reading view,
comments on them mentioning the reviewer through the autocomplete; the reviewer sees the comment beside its
highlight, and reaches it from the highlight and back with the keyboard."""

import pytest
from playwright.sync_api import expect

from claims.models import Comment
from tests.browser.conftest import drag_select, log_in

pytestmark = pytest.mark.browser

QUOTE = "تمحورت حول المرتزقة"  # words no demo claim covers: the comment has the highlight to itself


def test_a_span_comment_with_a_mention_reaches_the_colleague_beside_its_highlight(editor_page, demo, live_server):
    page = editor_page
    page.goto(demo.get_absolute_url())
    drag_select(page, QUOTE)
    expect(page.locator("#comment-from-selection")).to_be_enabled()
    page.click("#comment-from-selection")
    form = page.locator("#comment-form-panel form")
    expect(form.locator("#comment-exact")).to_have_value(QUOTE)
    body = form.locator("textarea[name=body]")
    expect(body).to_be_focused()
    body.press_sequentially("Which source says two thousand? @revi")
    option = page.locator(".mention-options [role=option]").first
    expect(option).to_contain_text("@reviewer")
    body.press("Enter")  # chooses the highlighted member, not a line break
    expect(body).to_have_value("Which source says two thousand? @reviewer ")
    body.press_sequentially("please check.")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/#comment-*")
    comment = Comment.objects.get()
    assert (comment.exact, comment.start) == (QUOTE, demo.text.index(QUOTE))
    assert [user.username for user in comment.mentions.all()] == ["reviewer"]

    reviewer = page.context.browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="en-GB", base_url=live_server.url
    ).new_page()
    log_in(reviewer, "reviewer")
    reviewer.goto(demo.get_absolute_url())
    mark = reviewer.locator(f'mark[data-comments~="{comment.pk}"]')
    expect(mark.first).to_be_visible()
    expect(mark.first).to_have_text(QUOTE)
    thread = reviewer.locator(f'.comment-thread[data-comment="{comment.pk}"]')
    expect(thread).to_contain_text("please check.")
    expect(thread.locator(".mention")).to_have_text("@reviewer")
    mark.first.click()
    expect(thread).to_have_class("comment-thread comment-active")
    expect(thread.locator("summary")).to_be_focused()  # keyboard users land in the thread, its reply first
    reviewer.keyboard.press("Enter")
    reply = thread.locator(".comment-reply textarea[name=body]")
    expect(reply).to_be_visible()
    reply.fill("The ministry's statement of 3 March.")
    thread.locator(".comment-reply button[type=submit]").click()
    reviewer.wait_for_url("**/#comment-*")
    expect(reviewer.locator(f'.comment-thread[data-comment="{comment.pk}"] .comment-replies')).to_contain_text(
        "3 March"
    )
    reviewer.context.close()
