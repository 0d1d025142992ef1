"""Writing back to readers: a reader who left an address with a "check this" request gets one mail, in the
language they asked in, when the desk answers it with a published fact-check, or when the claim that answers it
is published later. Sent for real to a local SMTP server the test starts, and read back."""

import smtplib

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from claims.models import ReaderRequest
from claims.services import requests as request_services
from claims.services.requests import answer_request, send_request_reply, submit_request
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory
from tests.mail import html_body, plain_body
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db

ASKED = "ارتفع سعر الخبز في بنغازي ثلاث مرات هذا الشهر"


def _filed(language="ar", emails=("a@example.org", "b@example.org")) -> ReaderRequest:
    intake = None
    for email in emails:
        intake = submit_request(text=ASKED, contact_email=email, language=language)
    assert intake is not None and intake.request.state == "open"
    return intake.request


@pytest.fixture
def queued(monkeypatch):
    """The reply jobs queued after each commit, by request id."""
    jobs: list[int] = []
    monkeypatch.setattr(request_services, "enqueue_after_commit", lambda task, pk: jobs.append(pk))
    return jobs


def test_each_reader_gets_one_mail_in_their_language_with_the_public_link_and_nothing_internal(smtp, editor):
    request = _filed()
    claim = make_claim(statement="لم يرتفع سعر الخبز في بنغازي هذا الشهر", statement_language="ar", verdict="false")
    answer_request(request=request, by=editor, claim=claim, note="ملاحظة داخلية لا يقرؤها أحد")

    assert send_request_reply(request_id=request.pk) == 2
    first, second = smtp.messages
    assert (first["To"], second["To"]) == ("a@example.org", "b@example.org")  # one message each: no shared list
    link = f"{django_settings.SITE_URL}{url(claim, 'ar')}"  # the page in the language they asked in
    assert "/ar/" in link
    for message in (first, second):
        assert message["Subject"] == f"[{django_settings.SITE_NAME}] تحققنا مما سألت عنه"
        text, html = plain_body(message), html_body(message)
        assert link in text and f'href="{link}"' in html
        assert ASKED in text and claim.statement in text and claim.verdict_info.label_ar in text
        assert '<html lang="ar" dir="rtl">' in html
        assert "ملاحظة داخلية" not in text + html and "example.org" not in text.replace(message["To"], "")
    request.refresh_from_db()
    assert request.replied_emails == ["a@example.org", "b@example.org"]
    assert send_request_reply(request_id=request.pk) == 0 and len(smtp.messages) == 2  # never twice


def test_an_english_request_is_answered_in_english(smtp, editor):
    request = _filed(language="en", emails=["reader@example.org"])
    answer_request(request=request, by=editor, claim=make_claim(statement="Bread did not triple", verdict="false"))
    send_request_reply(request_id=request.pk)
    [message] = smtp.messages
    assert message["Subject"] == f"[{django_settings.SITE_NAME}] We have checked what you asked about"
    assert "Verdict: False" in plain_body(message)


def test_a_refused_mail_leaves_the_readers_not_yet_written_to_for_the_retry(busy_smtp, editor):
    request = _filed()
    answer_request(request=request, by=editor, claim=make_claim(statement="لم يرتفع سعر الخبز"))
    with pytest.raises(smtplib.SMTPException):
        send_request_reply(request_id=request.pk)  # the server said "try again later" to the first reader
    request.refresh_from_db()
    assert request.replied_emails == []
    assert send_request_reply(request_id=request.pk) == 2
    assert [m["To"] for m in busy_smtp.messages] == ["a@example.org", "b@example.org"]


def test_answering_with_a_draft_writes_to_nobody_until_the_claim_is_published(smtp, editor, reviewer, queued):
    request = _filed()
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="لم يرتفع سعر الخبز في بنغازي")
    EvidenceFactory(claim=claim)
    answer_request(request=request, by=editor, claim=claim)
    assert queued == []
    assert send_request_reply(request_id=request.pk) == 0 and smtp.messages == []  # a draft is never mailed

    transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="The bakers' prices.")
    assert queued == []
    transition_claim(claim=claim, to="published", by=reviewer)
    assert queued == [request.pk]
    assert send_request_reply(request_id=request.pk) == 2


def test_a_reader_answered_at_once_leaves_no_address_behind(client):
    claim = make_claim(statement="Haftar visited Moscow in 2018", statement_language="en")
    claim.article.url = "https://news.example.org/haftar"
    claim.article.save(update_fields=["url"])
    for email in ("first@example.org", "second@example.org"):
        client.post("/check/", {"url": "https://news.example.org/haftar", "contact_email": email, "website": ""})
    request = ReaderRequest.objects.get()
    assert request.state == "answered" and request.count == 2
    assert request.contact_emails == []  # they read the answer on the page; nothing is kept to write to them


def test_the_desk_sees_who_was_written_to(client, editor):
    request = _filed(emails=["a@example.org"])
    answer_request(request=request, by=editor, claim=make_claim(statement="لم يرتفع سعر الخبز"))
    ReaderRequest.objects.filter(pk=request.pk).update(replied_emails=["a@example.org"])
    client.force_login(editor)
    page = client.get(reverse("desk:request", args=[request.pk])).content.decode()
    assert "Readers written to (internal)" in page and "a@example.org" in page


@pytest.mark.worker
def test_the_desk_answering_a_request_mails_its_readers_through_the_worker(smtp, celery_worker, client, editor):
    request = _filed(emails=["a@example.org"])
    claim = make_claim(statement="لم يرتفع سعر الخبز في بنغازي هذا الشهر")
    client.force_login(editor)
    response = client.post(reverse("desk:request", args=[request.pk]), {"action": "answer", "claim": claim.pk})
    assert response.status_code == 302
    assert wait_for(lambda: smtp.messages, timeout=30)
    [message] = smtp.messages
    assert message["To"] == "a@example.org" and url(claim, "ar") in plain_body(message)
    assert wait_for(lambda: ReaderRequest.objects.get(pk=request.pk).replied_emails == ["a@example.org"], timeout=10)
