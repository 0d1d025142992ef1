"""Proposed claims in a real browser: import the demo article, see its proposals, accept the Wagner estimate and a
meeting with its attendees, dismiss another, save a new revision, and find the dismissed one still gone."""

import pytest
from playwright.sync_api import expect

from claims.management.commands.load_demo import demo_text
from claims.models import Article, Claim, ClaimProposal

pytestmark = pytest.mark.browser

WAGNER = "ويقدر عددهم بحوالي ألفين"
MEETING = "فاليري غراسيموف"
REJECTED = "رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية"


def card(page, words):
    return page.locator("#proposals li.proposal", has_text=words)


def test_import_accept_dismiss_and_the_dismissed_one_stays_gone(editor_page, demo):
    page = editor_page
    text = demo_text()
    page.goto("/desk/articles/new/")
    page.fill("#id_title", "Haftar and Russia, imported again")
    page.fill("#id_text", text)
    page.fill("#id_published_at", "2020-01-11")
    page.get_by_role("button", name="Create article").click()
    page.wait_for_url("**/desk/articles/*/")
    article = Article.objects.exclude(pk=demo.pk).get()

    panel = page.locator("#proposals")
    expect(panel).to_contain_text("Proposed claims")
    assert panel.locator("li.proposal").count() >= 13
    expect(page.locator("#article-text mark.proposal-span").first).to_be_visible()

    wagner = card(page, WAGNER)
    expect(wagner).to_contain_text("2,000")
    expect(wagner).to_contain_text("Quantity")
    wagner.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/#claim-*")
    estimate = Claim.objects.get(article=article, kind="quantity")
    assert estimate.details["value"] == 2000 and estimate.details["approximate"] is True
    expect(page.locator(f"#claim-{estimate.pk}")).to_be_visible()
    expect(card(page, WAGNER)).to_have_count(0)

    meeting = card(page, MEETING)
    for name in ("Khalifa Haftar", "Sergei Shoigu", "Valery Gerasimov"):
        expect(meeting.locator(".attendees")).to_contain_text(name)
    meeting.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/#claim-*")
    met = Claim.objects.get(article=article, kind="meeting")
    assert sorted(met.attendees.values_list("entity__name", flat=True)) == [
        "Khalifa Haftar",
        "Sergei Shoigu",
        "Valery Gerasimov",
    ]

    card(page, REJECTED).get_by_role("button", name="Dismiss").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Proposal dismissed")
    expect(card(page, REJECTED)).to_have_count(0)

    page.goto(f"/desk/articles/{article.pk}/edit/")
    page.fill("#id_text", text + "\n\nوقال شويغو إن روسيا أرسلت مستلزمات طبية إلى ليبيا.\n")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/desk/articles/{article.pk}/")
    expect(page.locator("#reading")).to_have_attribute("data-revision", "2")
    expect(card(page, "وقال شويغو إن روسيا أرسلت")).to_have_count(1)  # the new text is proposed
    expect(card(page, REJECTED)).to_have_count(0)  # the dismissed one is still gone
    expect(card(page, WAGNER)).to_have_count(0)  # and the accepted ones are claims, not proposals
    assert not ClaimProposal.objects.filter(article=article, state="pending", exact__contains="رفضت مليشيات").exists()
