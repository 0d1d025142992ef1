"""Webhooks: partner systems told, as signed JSON, when a claim is published, corrected, retracted or its verdict
changes.

Every delivery is a row holding the exact body it signs and a log of its attempts. It is POSTed through the one
fetch client (claims.fetching.client.post), so the SSRF guard that protects captures refuses an internal address
at registration and again at every delivery (a name may start resolving elsewhere). Failures are retried with
exponential backoff; an endpoint that keeps failing is switched off and the admins are told.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from claims.fetching import client
from claims.fetching.errors import FetchError
from claims.fetching.reasons import ENDPOINT_STATUS, in_language, reason
from claims.fetching.safety import check_host, check_port
from claims.fetching.urls import validate_url
from claims.models import Claim, Notification, Webhook, WebhookDelivery
from claims.services.captures import RetryLater, fetch_policy
from claims.services.notifications import desk_admins, notify
from claims.services.queueing import enqueue_after_commit, task

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factdesk-Signature"
TIMESTAMP_HEADER = "X-Factdesk-Timestamp"
EVENT_HEADER = "X-Factdesk-Event"
DELIVERY_HEADER = "X-Factdesk-Delivery"
STATUS_EVENTS = {
    Claim.Status.PUBLISHED: Webhook.Event.PUBLISHED,
    Claim.Status.CORRECTED: Webhook.Event.CORRECTED,
    Claim.Status.RETRACTED: Webhook.Event.RETRACTED,
}
#: The claim as the public API shows it. The API serializer is the one definition of that; services sit below the
#: API, so they name it, as claims.services.queueing names the tasks, and it is imported when first used.
PUBLIC_DOCUMENT = "claims.api.webhooks.public_claim_document"


class WebhookRefused(ValueError):
    """The address cannot receive webhooks: ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Registering.


def check_destination(url: str) -> str:
    """The URL, stripped, if the fetch guard lets us POST to it now; else WebhookRefused with the guard's reason."""
    policy = fetch_policy()
    try:
        url = validate_url(url)
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        check_host(parts.hostname or "", policy.resolver, policy.allowed_networks, port=port)
        check_port(port, policy.allowed_ports)
    except FetchError as exc:
        raise WebhookRefused(in_language(exc.reason)) from exc
    except ValueError as exc:  # urlsplit's port of a malformed address
        raise WebhookRefused(_("The address is malformed (%(error)s).") % {"error": exc}) from exc
    return url


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = sorted(set(chosen) - set(Webhook.Event.values))
    if not chosen or unknown:
        among = ", ".join(Webhook.Event.values)
        raise WebhookRefused(
            _("Choose events among %(events)s; unknown: %(unknown)s") % {"events": among, "unknown": ", ".join(unknown)}
            if unknown
            else _("Choose events among %(events)s.") % {"events": among}
        )
    return chosen


def register_webhook(*, url: str, events: Iterable[str], by: User, description: str = "") -> Webhook:
    return Webhook.objects.create(
        url=check_destination(url),
        events=_check_events(events),
        secret=secrets.token_hex(32),
        description=description[:200],
        created_by=by,
    )


def update_webhook(
    *,
    webhook: Webhook,
    url: str | None = None,
    events: Iterable[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
) -> Webhook:
    """Change a webhook; switching it back on clears its failure streak."""
    fields = []
    if url is not None and url != webhook.url:
        webhook.url = check_destination(url)
        fields.append("url")
    if events is not None:
        webhook.events = _check_events(events)
        fields.append("events")
    if description is not None:
        webhook.description = description[:200]
        fields.append("description")
    if active is not None and active != webhook.active:
        webhook.active = active
        fields.append("active")
        if active:
            webhook.failures_in_row, webhook.failing_since, webhook.disabled_at, webhook.disabled_reason = (
                0,
                None,
                None,
                "",
            )
            fields += ["failures_in_row", "failing_since", "disabled_at", "disabled_reason"]
    if fields:
        webhook.save(update_fields=fields)
    return webhook


def delete_webhook(*, webhook: Webhook) -> None:
    webhook.delete()


# Signing.


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the raw body under the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# Queueing (the receivers of claims.services.events).


def on_status_changed(*, claim: Claim, target: str, **_kw: Any) -> None:
    event = STATUS_EVENTS.get(Claim.Status(target)) if target in Claim.Status.values else None
    if event is not None:
        queue_event(claim_id=claim.pk, event=event)


def on_verdict_changed(*, claim: Claim, before: str, after: str, **_kw: Any) -> None:
    # Only a verdict readers can see: a draft's verdict is internal until it is published.
    if before and claim.is_public:
        queue_event(claim_id=claim.pk, event=Webhook.Event.VERDICT_CHANGED)


def queue_event(*, claim_id: int, event: str) -> None:
    """Once the change commits, write a delivery for each webhook that wants ``event`` and send it."""
    occurred = timezone.now()
    transaction.on_commit(lambda: _create_deliveries(claim_id, event, occurred))


def _create_deliveries(claim_id: int, event: str, occurred: datetime) -> list[WebhookDelivery]:
    hooks = [hook for hook in Webhook.objects.filter(active=True) if event in hook.events]
    if not hooks:
        return []
    document: Callable[[int], dict[str, Any] | None] = import_string(PUBLIC_DOCUMENT)
    claim = document(claim_id)
    if claim is None:
        return []  # no longer public (retracted and hidden, or deleted): nothing to tell partners
    body = json.dumps(
        {"event": event, "occurred_at": occurred.isoformat(), "claim": claim}, ensure_ascii=False, sort_keys=True
    )
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(webhook=hook, event=event, claim_id=claim_id, body=body) for hook in hooks
        )
        for delivery in deliveries:
            enqueue_after_commit(task("deliver_webhook"), delivery.pk)
    return deliveries


# Delivering.


def retry_delay(attempt: int) -> float:
    """Seconds before attempt number ``attempt + 1``: WEBHOOK_RETRY_BASE_SECONDS doubled each time, capped."""
    return float(min(settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1)))


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt at a delivery. Raises RetryLater when it failed and has attempts left."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.state in (WebhookDelivery.State.DELIVERED, WebhookDelivery.State.FAILED):
        return delivery
    webhook = delivery.webhook
    if not webhook.active:
        return _finish(delivery, WebhookDelivery.State.CANCELLED)
    body = delivery.body.encode()
    now = timezone.now()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(webhook.secret, body),
        TIMESTAMP_HEADER: str(int(now.timestamp())),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    policy = dataclasses.replace(fetch_policy(), total_timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    record: dict[str, Any] = {"at": now.isoformat(), "status_code": None, "error": "", "duration_ms": None}
    transient = True
    try:
        answer = client.post(webhook.url, body, headers, policy)
    except FetchError as exc:
        record["error"] = exc.reason
        record["duration_ms"] = round((timezone.now() - now).total_seconds() * 1000)
        transient = exc.transient
    else:
        record["status_code"], record["duration_ms"] = answer.status, answer.elapsed_ms
        if 200 <= answer.status < 300:
            return _succeeded(delivery, record)
        record["error"] = reason(ENDPOINT_STATUS, status=answer.status)
        # A client error other than a timeout or a rate limit will not mend by itself.
        transient = answer.status >= 500 or answer.status in (408, 429)
    return _failed(delivery, record, transient=transient)


def _succeeded(delivery: WebhookDelivery, record: dict[str, Any]) -> WebhookDelivery:
    with transaction.atomic():
        delivery.attempts = [*delivery.attempts, record]
        delivery.state, delivery.delivered_at = WebhookDelivery.State.DELIVERED, timezone.now()
        delivery.save(update_fields=["attempts", "state", "delivered_at"])
        Webhook.objects.filter(pk=delivery.webhook_id).update(failures_in_row=0, failing_since=None)
    return delivery


def _failed(delivery: WebhookDelivery, record: dict[str, Any], *, transient: bool) -> WebhookDelivery:
    now = timezone.now()
    with transaction.atomic():
        # Two deliveries to one endpoint can fail at once: the streak is counted under the row's lock.
        webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
        webhook.failures_in_row = F("failures_in_row") + 1
        webhook.failing_since = webhook.failing_since or now
        webhook.save(update_fields=["failures_in_row", "failing_since"])
        webhook.refresh_from_db(fields=["failures_in_row"])
        delivery.attempts = [*delivery.attempts, record]
        last = not transient or len(delivery.attempts) >= settings.WEBHOOK_MAX_ATTEMPTS
        delivery.state = WebhookDelivery.State.FAILED if last else WebhookDelivery.State.RETRYING
        delivery.save(update_fields=["attempts", "state"])
        if webhook.active and _keeps_failing(webhook, now):
            switch_off(webhook=webhook, reason=record["error"])
    if delivery.state == WebhookDelivery.State.RETRYING and webhook.active:
        raise RetryLater(retry_delay(len(delivery.attempts)), record["error"])
    return delivery


def _keeps_failing(webhook: Webhook, now: datetime) -> bool:
    since = webhook.failing_since
    too_long = since is not None and now - since >= timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    return webhook.failures_in_row >= settings.WEBHOOK_DISABLE_AFTER_FAILURES or too_long


def _finish(delivery: WebhookDelivery, state: str) -> WebhookDelivery:
    delivery.state = state
    delivery.save(update_fields=["state"])
    return delivery


def switch_off(*, webhook: Webhook, reason: str) -> None:
    """Stop sending to a failing endpoint, cancel what waits for it, and tell every desk admin."""
    now = timezone.now()
    Webhook.objects.filter(pk=webhook.pk).update(active=False, disabled_at=now, disabled_reason=reason[:300])
    webhook.active, webhook.disabled_at, webhook.disabled_reason = False, now, reason[:300]
    webhook.deliveries.filter(state__in=[WebhookDelivery.State.QUEUED, WebhookDelivery.State.RETRYING]).update(
        state=WebhookDelivery.State.CANCELLED
    )
    log.warning(
        "webhook %s (%s) switched off after %s failures: %s", webhook.pk, webhook.url, webhook.failures_in_row, reason
    )
    notify(
        recipients=desk_admins(),
        event=Notification.Event.WEBHOOK_DISABLED,
        actor=None,
        subject_type="webhook",
        subject_id=webhook.pk,
        subject_title=webhook.url,
        url=reverse("desk:webhook", args=[webhook.pk]),
        data={"reason": reason[:300]},
    )
