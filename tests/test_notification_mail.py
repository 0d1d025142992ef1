"""Notification e-mail, sent for real to a local SMTP server the test starts (aiosmtpd) and read back: subject and
link, the recipient's language, retries through a real Celery worker when the server refuses, the daily digest."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from claims.models import Notification, NotificationPreference
from claims.services import events
from claims.services.notifications import send_digest, send_notification_email
from tests.factories import ClaimFactory
from tests.mail import html_body, plain_body
from tests.waiting import wait_for


def _assign(claim, user, actor):
    events.assigned.send(sender=None, target=claim, user=user, role="assignee", actor=actor)
    return Notification.objects.get(recipient=user, event="assigned")


def test_the_mail_says_what_happened_and_links_to_the_claim(smtp, editor, reviewer):
    claim = ClaimFactory(statement="The minister said ten percent.")
    notification = _assign(claim, editor, reviewer)
    assert send_notification_email(notification_id=notification.pk)
    [message] = smtp.messages
    assert message["To"] == editor.email
    assert message["Subject"] == f"[{django_settings.SITE_NAME}] rev assigned you: The minister said ten percent."
    link = f"{django_settings.SITE_URL}/desk/claims/{claim.pk}/"
    assert link in plain_body(message) and f'href="{link}"' in html_body(message)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert not send_notification_email(notification_id=notification.pk)  # never twice
    assert len(smtp.messages) == 1


def test_an_arabic_reader_gets_the_mail_in_arabic(smtp, editor, reviewer, monkeypatch):
    # The per-user interface language lands with another branch; a `language` attribute on the user is where
    # claims.services.notifications.interface_language looks for it.
    monkeypatch.setattr(User, "language", property(lambda user: "ar" if user.username == "ed" else ""), raising=False)
    notification = _assign(ClaimFactory(statement="زار حفتر موسكو"), editor, reviewer)
    send_notification_email(notification_id=notification.pk)
    [message] = smtp.messages
    assert "عيّنك" in message["Subject"] and "زار حفتر موسكو" in message["Subject"]
    assert 'dir="rtl"' in html_body(message) and 'lang="ar"' in html_body(message)


def test_no_mail_for_someone_who_chose_the_desk_only(smtp, editor, reviewer):
    NotificationPreference.objects.create(user=editor, event="assigned", channel="in_app")
    notification = _assign(ClaimFactory(), editor, reviewer)
    assert notification.email == ""
    assert not send_notification_email(notification_id=notification.pk)
    assert smtp.messages == []


def test_the_digest_sends_what_waited_in_one_mail_once(smtp, editor, reviewer):
    NotificationPreference.objects.create(user=editor, event="assigned", channel="both", timing="digest")
    NotificationPreference.objects.create(user=editor, event="reminder", channel="email", timing="digest")
    claim = ClaimFactory(statement="Two thousand soldiers.")
    _assign(claim, editor, reviewer)
    events.reminder.send(sender=None, claim=claim, user=editor, reason="overdue")
    assert not send_notification_email(notification_id=Notification.objects.filter(recipient=editor).first().pk)
    assert send_digest(user_id=editor.pk) == 2
    [message] = smtp.messages
    assert "2" in message["Subject"]
    body = plain_body(message)
    assert "rev assigned you: Two thousand soldiers." in body and "Overdue: Two thousand soldiers." in body
    assert f"{django_settings.SITE_URL}/desk/claims/{claim.pk}/" in body
    assert send_digest(user_id=editor.pk) == 0 and len(smtp.messages) == 1


def test_the_daily_digest_is_in_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["send-notification-digests"]
    assert entry["task"] == "claims.tasks.send_digests"


@pytest.mark.worker
def test_a_refused_mail_is_retried_by_the_worker_until_it_goes(busy_smtp, celery_worker, editor, reviewer):
    claim = ClaimFactory(statement="The minister said ten percent.")
    events.assigned.send(sender=None, target=claim, user=editor, role="assignee", actor=reviewer)  # commits: queued
    assert wait_for(lambda: busy_smtp.messages, timeout=30)
    assert busy_smtp.refused == 1
    [message] = busy_smtp.messages
    assert f"/desk/claims/{claim.pk}/" in plain_body(message)
    assert wait_for(lambda: Notification.objects.filter(recipient=editor, emailed_at__isnull=False).exists())
