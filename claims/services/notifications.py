"""Telling desk members what happened: the inbox, e-mail at once or in a daily digest, each person's choices.

The receivers at the bottom listen to ``claims.services.events`` (connected in ``ClaimsConfig.ready``); they only
decide who hears of what and call ``notify``, which writes the rows and queues the mail after the commit. The
e-mail is written in the recipient's interface language, with an absolute link to the thing it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.models import Capture, Claim, ClaimEvent, Evidence, Notification, NotificationPreference, Source
from claims.services.queueing import enqueue_after_commit, send_task, task

log = logging.getLogger(__name__)

Event = Notification.Event
Channel = NotificationPreference.Channel
Timing = NotificationPreference.Timing

#: Everyone sees every event in the desk; the ones that ask something of you also come by e-mail.
DEFAULT_CHANNELS: dict[str, str] = {event.value: Channel.IN_APP.value for event in Event} | {
    Event.ASSIGNED: Channel.BOTH,
    Event.MENTIONED: Channel.BOTH,
    Event.SENT_BACK: Channel.BOTH,
    Event.WEBHOOK_DISABLED: Channel.BOTH,
}
SENT_BACK_FROM = {Claim.Status.IN_REVIEW}
SENT_BACK_TO = {Claim.Status.RESEARCHING, Claim.Status.DRAFT}
PUBLIC_TARGETS = {Claim.Status.PUBLISHED, Claim.Status.CORRECTED, Claim.Status.RETRACTED}
TITLE_CHARS = 300


# Reading.


def inbox(user: User) -> QuerySet[Notification]:
    """The notifications shown in ``user``'s inbox, newest first, each with its actor."""
    return Notification.objects.filter(recipient=user, in_app=True).select_related("actor")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read=False).count()


def preferences_of(user: User) -> dict[str, tuple[str, str]]:
    """{event: (channel, timing)} for every event, the defaults where the person chose nothing."""
    chosen = {p.event: (p.channel, p.timing) for p in NotificationPreference.objects.filter(user=user)}
    return {event.value: chosen.get(event.value, (DEFAULT_CHANNELS[event.value], Timing.IMMEDIATE)) for event in Event}


def interface_language(user: User) -> str:
    """The language ``user`` reads the desk in: a per-user setting where the user or their desk profile has one
    (``interface_language``, ``language``, then ``seen_language``, the one the desk last answered them in), else
    the site's LANGUAGE_CODE."""
    known = {code for code, _name in settings.LANGUAGES}
    for holder in (user, getattr(user, "desk_profile", None), getattr(user, "profile", None)):
        for name in ("interface_language", "language", "seen_language"):
            value = getattr(holder, name, None) if holder is not None else None
            if isinstance(value, str) and value in known:
                return value
    return str(settings.LANGUAGE_CODE)


def describe(notification: Notification) -> str:
    """The one line a notification says, in the active language."""
    data = notification.data or {}
    values = {
        "actor": notification.actor.get_username() if notification.actor else _("The desk"),
        "title": notification.subject_title or f"#{notification.subject_id}",
        "source": data.get("source", ""),
        "other": data.get("other", ""),
    }
    event = notification.event
    if event == Event.ASSIGNED:
        if data.get("role") == "reviewer":
            return _("%(actor)s asked you to review: %(title)s") % values
        return _("%(actor)s assigned you: %(title)s") % values
    if event == Event.MENTIONED:
        return _("%(actor)s mentioned you in a comment on: %(title)s") % values
    if event == Event.SENT_BACK:
        return _("%(actor)s sent back: %(title)s") % values
    if event == Event.PUBLISHED:
        status = data.get("status")
        if status == Claim.Status.CORRECTED:
            return _("%(actor)s corrected: %(title)s") % values
        if status == Claim.Status.RETRACTED:
            return _("%(actor)s retracted: %(title)s") % values
        return _("%(actor)s published: %(title)s") % values
    if event == Event.SOURCE_CHANGED:
        if data.get("change") == "dead":
            return _("A source of %(title)s went dead: %(source)s") % values
        return _("A source of %(title)s changed: %(source)s") % values
    if event == Event.SIMILAR_FOUND:
        return _("A claim like %(title)s was found: %(other)s") % values
    if event == Event.REMINDER:
        reason = data.get("reason")
        if reason == "overdue":
            return _("Overdue: %(title)s") % values
        if reason == "stale":
            return _("Waiting too long in its status: %(title)s") % values
        return _("Due soon: %(title)s") % values
    return _("A webhook was switched off after repeated failures: %(title)s") % values


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Writing.


def notify(
    *,
    recipients: Iterable[User | None],
    event: str,
    actor: User | None,
    subject_type: str,
    subject_id: int,
    subject_title: str,
    url: str,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Tell each recipient (never the actor, never twice, never an inactive account) as they chose; the mail
    goes after the current transaction commits."""
    people = {u.pk: u for u in recipients if u is not None and u.is_active and u.pk != getattr(actor, "pk", None)}
    if not people:
        return []
    chosen = {
        (p.user_id): (p.channel, p.timing)
        for p in NotificationPreference.objects.filter(user_id__in=people, event=event)
    }
    rows = []
    for user_id in sorted(people):
        channel, timing = chosen.get(user_id, (DEFAULT_CHANNELS[event], Timing.IMMEDIATE))
        if channel == Channel.NONE:
            continue
        wants_mail = channel in (Channel.EMAIL, Channel.BOTH) and bool(people[user_id].email)
        rows.append(
            Notification(
                recipient_id=user_id,
                event=event,
                actor=actor,
                subject_type=subject_type,
                subject_id=subject_id,
                subject_title=subject_title[:TITLE_CHARS],
                url=url,
                data=data or {},
                in_app=channel in (Channel.IN_APP, Channel.BOTH),
                email=(timing if wants_mail else ""),
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    for row in created:
        if row.email == Notification.Email.IMMEDIATE:
            enqueue_after_commit(task("email_notification"), row.pk)
    return created


def set_read(*, notification: Notification, read: bool) -> Notification:
    Notification.objects.filter(pk=notification.pk).update(read=read)
    notification.read = read
    return notification


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read=False).update(read=True)


def set_preferences(*, user: User, choices: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Store ``{event: (channel, timing)}`` for the events given; unknown events or values raise ValueError."""
    events, channels, timings = set(Event.values), set(Channel.values), set(Timing.values)
    for event, (channel, timing) in choices.items():
        if event not in events or channel not in channels or timing not in timings:
            raise ValueError(f"{event}: {channel}, {timing}")
    with transaction.atomic():
        for event, (channel, timing) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"channel": channel, "timing": timing}
            )
    return preferences_of(user)


# E-mail.


def send_notification_email(*, notification_id: int) -> bool:
    """Send one notification's mail unless it went already; SMTP errors propagate (the task retries them)."""
    notification = (
        Notification.objects.select_related("recipient", "actor")
        .filter(pk=notification_id, email=Notification.Email.IMMEDIATE, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    with translation.override(interface_language(recipient)):
        line = describe(notification)
        context = {
            "notification": notification,
            "line": line,
            "link": absolute_url(notification.url),
            "settings_link": absolute_url(reverse("desk:notification-settings")),
            "SITE_NAME": settings.SITE_NAME,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "language": translation.get_language(),
        }
        _send(recipient, f"[{settings.SITE_NAME}] {line}", "notifications/email", context)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def send_digest(*, user_id: int, now: datetime | None = None) -> int:
    """One mail with every notification waiting for ``user_id``'s digest; returns how many it held."""
    now = now or timezone.now()
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    pending = Notification.objects.filter(
        recipient_id=user_id, email=Notification.Email.DIGEST, emailed_at__isnull=True, created_at__lte=now
    )
    items = list(pending.select_related("actor").order_by("created_at", "id"))
    if recipient is None or not recipient.email or not items:
        pending.update(emailed_at=now)  # nobody to send them to: do not carry them into every later digest
        return 0
    with translation.override(interface_language(recipient)):
        lines = [(describe(item), absolute_url(item.url)) for item in items]
        context = {
            "lines": lines,
            "inbox_link": absolute_url(reverse("desk:notifications")),
            "settings_link": absolute_url(reverse("desk:notification-settings")),
            "SITE_NAME": settings.SITE_NAME,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "language": translation.get_language(),
        }
        subject = _("[%(site)s] Your daily digest: %(count)d notifications") % {
            "site": settings.SITE_NAME,
            "count": len(items),
        }
        _send(recipient, subject, "notifications/digest", context)
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
    return len(items)


def queue_digests() -> int:
    """Queue one digest job for each person with notifications waiting for it (the daily beat job)."""
    users = list(
        Notification.objects.filter(email=Notification.Email.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in users:
        send_task(task("email_digest"), user_id)
    return len(users)


def _send(recipient: User, subject: str, template: str, context: dict[str, Any]) -> None:
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ")[:250],
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


# Who hears of what (the receivers of claims.services.events).


def claim_people(claim: Claim) -> set[User]:
    """Who works on a claim: its author, its last editor and, where the desk assigns work, its assignee."""
    people = {claim.created_by, claim.last_editor, getattr(claim, "assignee", None)}
    return {person for person in people if isinstance(person, User)}


def _claim_subject(claim: Claim) -> dict[str, Any]:
    return {
        "subject_type": "claim",
        "subject_id": claim.pk,
        "subject_title": claim.statement,
        "url": reverse("desk:claim", args=[claim.pk]),
    }


def on_assigned(*, target: Any, user: User, role: str = "assignee", actor: User | None = None, **_kw: Any) -> None:
    kind = "claim" if isinstance(target, Claim) else "article"
    title = target.statement if isinstance(target, Claim) else str(getattr(target, "title", ""))
    notify(
        recipients=[user],
        event=Event.ASSIGNED,
        actor=actor,
        subject_type=kind,
        subject_id=target.pk,
        subject_title=title,
        url=target.get_absolute_url(),
        data={"role": role},
    )


def on_mentioned(*, comment: Any, users: Iterable[User], actor: User | None = None, **_kw: Any) -> None:
    claim = getattr(comment, "claim", None)
    article = getattr(comment, "article", None)
    about = claim if claim is not None else article
    title = claim.statement if isinstance(claim, Claim) else str(getattr(article, "title", ""))
    base = about.get_absolute_url() if about is not None else reverse("desk:home")
    url = comment.get_absolute_url() if hasattr(comment, "get_absolute_url") else f"{base}#comment-{comment.pk}"
    notify(
        recipients=users,
        event=Event.MENTIONED,
        actor=actor,
        subject_type="comment",
        subject_id=comment.pk,
        subject_title=title,
        url=url,
    )


def on_status_changed(
    *, claim: Claim, event: ClaimEvent | None = None, source: str, target: str, actor: User | None, **_kw: Any
) -> None:
    if source in SENT_BACK_FROM and target in SENT_BACK_TO:
        kind = Event.SENT_BACK
    elif target in PUBLIC_TARGETS:
        kind = Event.PUBLISHED
    else:
        return
    notify(
        recipients=claim_people(claim),
        event=kind,
        actor=actor,
        data={"status": target, "from": source},
        **_claim_subject(claim),
    )


def on_source_changed(*, source: Source, capture: Capture, change: str, **_kw: Any) -> None:
    citing = (
        Claim.objects.filter(pk__in=Evidence.objects.filter(source=source).values("claim_id"))
        .select_related("created_by", "last_editor")
        .order_by("id")
    )
    for claim in citing:
        notify(
            recipients=claim_people(claim),
            event=Event.SOURCE_CHANGED,
            actor=None,
            data={"change": change, "source": source.url or source.title, "capture": capture.pk},
            **_claim_subject(claim),
        )


def on_similar_found(*, claim: Claim, similar: Claim, score: float = 0.0, **_kw: Any) -> None:
    for mine, other in ((claim, similar), (similar, claim)):
        notify(
            recipients=claim_people(mine),
            event=Event.SIMILAR_FOUND,
            actor=None,
            data={"other": other.statement[:200], "other_id": other.pk, "score": round(score, 3)},
            **_claim_subject(mine),
        )


def on_reminder(*, claim: Claim, user: User, reason: str = "due", **_kw: Any) -> None:
    notify(recipients=[user], event=Event.REMINDER, actor=None, data={"reason": reason}, **_claim_subject(claim))


def desk_admins() -> QuerySet[User]:
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name="admin"), is_active=True).distinct()
