"""A local SMTP server for the tests that read back the mail the desk sends (aiosmtpd, on 127.0.0.1)."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


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


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
