"""Notification e-mail, sent for real to a local SMTP server the test starts (aiosmtpd) and read back: subject and
link, the recipient's language, retries through a real Celery worker when the server refuses, the daily digest."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.contrib.auth.models import User

from claims.models import Notification, NotificationPreference
from claims.services import events
from claims.services.notifications import send_digest, send_notification_email
from tests.factories import ClaimFactory
from tests.waiting import wait_for


class Inbox:
    """An SMTP server's message store; answers 451 (try again later) to the first ``refuse`` messages."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.refused = 0
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _smtp(settings, inbox: Inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False, "timeout": 5},
        }
    }
    return controller


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = _smtp(settings, inbox)
    yield inbox
    controller.stop()


@pytest.fixture
def busy_smtp(settings):
    inbox = Inbox(refuse=1)
    controller = _smtp(settings, inbox)
    yield inbox
    controller.stop()


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


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
    assert link in _text(message) and f'href="{link}"' in _html(message)
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
    assert 'dir="rtl"' in _html(message) and 'lang="ar"' in _html(message)


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
    body = _text(message)
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
    assert f"/desk/claims/{claim.pk}/" in _text(message)
    assert wait_for(lambda: Notification.objects.filter(recipient=editor, emailed_at__isnull=False).exists())
