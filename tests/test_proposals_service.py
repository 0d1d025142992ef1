"""Proposals as the desk keeps them (claims.services.proposals): proposed when an article gets text, moved with
its revisions, never repeating a claim, accepted into a claim (attendees and all) or dismissed for good, even on a
re-import of the same URL."""

import datetime as dt

import pytest

from claims.models import Claim, ClaimProposal, DismissedProposal
from claims.services import articles as article_services
from claims.services.errors import ClaimInvalid
from claims.services.proposals import ProposalDecided, accept_proposal, dismiss_proposal, propose_claims
from tests.factories import EntityFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو.\n\n"
    "وعقب هذه الزيارة، كشفت تقارير عن وجود جنود مرتزقة في ليبيا ويقدر عددهم بحوالي ألفين.\n\n"
    "وفي المقابل، رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية.\n"
)
URL = "https://news.example.org/haftar"


@pytest.fixture
def people(db):
    return {
        "haftar": EntityFactory(name="Khalifa Haftar", names={"ar": "خليفة حفتر"}, aliases=["حفتر"]),
        "shoigu": EntityFactory(name="Sergei Shoigu", names={"ar": "سيرغي شويغو"}, aliases=["شويغو"]),
        "moscow": EntityFactory(kind="place", name="Moscow", names={"ar": "موسكو"}),
    }


def new_article(editor, text=TEXT, url=""):
    return article_services.create_article(
        title="حفتر", text=text, url=url, published_at=dt.date(2020, 1, 11), language="ar", by=editor
    )


def by_kind(article):
    return {p.kind: p for p in ClaimProposal.objects.filter(article=article, state="pending")}


def test_an_article_with_text_gets_its_proposals_with_attendees_and_resolved_dates(editor, people):
    article = new_article(editor)
    found = by_kind(article)
    assert set(found) == {"meeting", "quantity", "event"}
    meeting = found["meeting"]
    assert meeting.revision == article.current_revision
    assert article.text[meeting.start : meeting.end] == meeting.exact
    assert [a["entity"] for a in meeting.details["attendees"]] == [people["haftar"].pk, people["shoigu"].pk]
    assert meeting.details["place"] == "Moscow"
    assert found["quantity"].details["value"] == 2000 and found["quantity"].details["approximate"] is True
    assert found["event"].details["date"] == "2020-01-10"


def test_accepting_as_proposed_makes_the_claim_with_its_attendees(editor, people):
    article = new_article(editor)
    meeting = by_kind(article)["meeting"]
    claim = accept_proposal(proposal=meeting, by=editor)
    assert claim.kind == "meeting" and claim.exact == meeting.exact and claim.statement == meeting.exact
    assert list(claim.attendees.values_list("entity__name", flat=True)) == ["Khalifa Haftar", "Sergei Shoigu"]
    assert claim.details == {"date": "2018", "place": "Moscow", "channel": "in_person"}
    meeting.refresh_from_db()
    assert meeting.state == "accepted" and meeting.claim == claim and meeting.decided_by == editor


def test_accepting_with_edits_validates_them_like_a_new_claim(editor, people):
    article = new_article(editor)
    quantity = by_kind(article)["quantity"]
    with pytest.raises(ClaimInvalid) as refused:
        accept_proposal(proposal=quantity, by=editor, details={"value": "many"})
    assert "details.value" in refused.value.errors
    assert ClaimProposal.objects.get(pk=quantity.pk).state == "pending"
    claim = accept_proposal(
        proposal=quantity, by=editor, details={"value": 2500, "approximate": True, "unit": "fighters"}
    )
    assert claim.details == {"value": 2500, "approximate": True, "unit": "fighters"}


def test_a_decided_proposal_cannot_be_decided_again(editor, people):
    article = new_article(editor)
    event = by_kind(article)["event"]
    dismiss_proposal(proposal=event, by=editor)
    with pytest.raises(ProposalDecided):
        accept_proposal(proposal=event, by=editor)
    assert not Claim.objects.filter(article=article).exists()


def test_a_dismissed_proposal_does_not_come_back_on_a_new_revision(editor, people):
    article = new_article(editor)
    dismiss_proposal(proposal=by_kind(article)["event"], by=editor)
    article_services.add_revision(
        article=article, text=TEXT + "\nوقال شويغو إن روسيا أرسلت مستلزمات طبية.\n", by=editor
    )
    article.refresh_from_db()
    found = by_kind(article)
    assert "event" not in found and "quote" in found
    assert found["meeting"].revision == article.current_revision  # moved, not proposed twice
    assert ClaimProposal.objects.filter(article=article, kind="meeting").count() == 1


def test_a_dismissed_proposal_does_not_come_back_when_the_same_url_is_imported_again(editor, people):
    first = new_article(editor, url=URL)
    dismiss_proposal(proposal=by_kind(first)["quantity"], by=editor)
    assert DismissedProposal.objects.filter(url=URL).count() == 1
    first.delete()  # even without the first article
    again = new_article(editor, url=URL)
    assert set(by_kind(again)) == {"meeting", "event"}
    other = new_article(editor, url="https://elsewhere.example.org/haftar")
    assert "quantity" in by_kind(other)


def test_a_pending_proposal_whose_span_is_gone_is_dropped(editor, people):
    article = new_article(editor)
    article_services.add_revision(
        article=article, text=TEXT.replace("رفضت مليشيات خليفة حفتر", "قبلت الحكومة"), by=editor
    )
    assert "event" not in by_kind(article)


def test_spans_already_claimed_are_not_proposed(editor, people):
    article = new_article(editor)
    accept_proposal(proposal=by_kind(article)["meeting"], by=editor)
    article_services.add_revision(article=article, text=TEXT + "\nنص إضافي لا يحوي شيئا.\n", by=editor)
    assert "meeting" not in by_kind(article)
    assert propose_claims(article=article) == sorted(
        ClaimProposal.objects.filter(article=article, state="pending"), key=lambda p: (-p.score, p.start)
    )


def test_a_sentence_written_twice_is_proposed_once(editor, people):
    line = "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو.\n"
    article = new_article(editor, text=line + "\n" + line)
    assert ClaimProposal.objects.filter(article=article).count() == 1


def test_accepting_as_another_kind_leaves_the_proposed_fields_behind(editor, people):
    article = new_article(editor)
    claim = accept_proposal(proposal=by_kind(article)["quantity"], by=editor, kind="other")
    assert claim.kind == "other" and claim.details == {}
