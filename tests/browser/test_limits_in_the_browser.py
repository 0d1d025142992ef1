"""Over a limit, what the editor typed stays where they typed it: a too-long article text is stopped in the page,
a too-long statement comes back in the claim form beside its error."""

import pytest
from playwright.sync_api import expect

from claims import limits
from claims.models import Article, Claim

pytestmark = pytest.mark.browser


def test_an_article_text_over_the_limit_stays_in_the_text_box(editor_page, monkeypatch):
    page = editor_page
    monkeypatch.setattr(limits, "ARTICLE_TEXT_MAX_CHARS", 500)
    page.goto("/desk/articles/new/")
    text = "نص المقال الطويل. " * 60
    page.fill("textarea[name=text]", text)
    page.evaluate("window.stillTheSamePage = true")
    page.click("form.article-form button[type=submit]")
    note = page.locator("#article-size-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("the limit is 500")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.input_value("textarea[name=text]") == text
    assert Article.objects.count() == 1  # the demo article only


def test_a_statement_over_the_limit_comes_back_in_the_claim_form(editor_page, demo):
    page = editor_page
    page.goto(f"/desk/articles/{demo.pk}/claims/new/?start=0&end=12")
    statement = "ادعاء " * 400  # 2,400 characters
    page.fill("textarea[name=statement]", statement)
    page.click("#claim-form button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text(f"the limit is {limits.CLAIM_STATEMENT_MAX_CHARS:,}")
    assert page.input_value("textarea[name=statement]").strip() == statement.strip()
    assert not Claim.objects.filter(statement__startswith="ادعاء ادعاء").exists()
