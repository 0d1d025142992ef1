"""Webhooks: signed deliveries received by a local HTTP server, retried after 500s through a real worker, every
attempt logged; an endpoint that keeps failing is switched off and the admins told; internal addresses refused at
registration and at delivery (the captures' SSRF guard); admins only."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Notification, Webhook, WebhookDelivery
from claims.services import webhooks
from claims.services.captures import RetryLater
from claims.services.workflow import transition_claim
from claims.write_generation import MoveGenerations
from tests.factories import ClaimFactory, EvidenceFactory
from tests.httpserver import Route
from tests.waiting import wait_for


def _publish(editor, reviewer):
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="The minister said ten percent.")
    EvidenceFactory(claim=claim)
    claim = transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="Lower figure.")
    return transition_claim(claim=claim, to="published", by=reviewer)


def _hook(url, admin, events=("claim.published",)):
    return webhooks.register_webhook(url=url, events=list(events), by=admin)


def _deliveries_of(claim, hook, django_capture_on_commit_callbacks):
    """The deliveries publishing ``claim`` makes, without sending them to a broker (the test delivers)."""
    with django_capture_on_commit_callbacks(execute=False):
        return webhooks._create_deliveries(claim.pk, "claim.published", timezone.now())


def _expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.worker
def test_a_published_claim_is_delivered_signed_after_two_500s(
    fetch_settings, server, celery_worker, editor, reviewer, admin_user
):
    fetch_settings.WEBHOOK_RETRY_BASE_SECONDS = 0.2
    url = server.routes_in_turn("/hook", Route(status=500), Route(status=500), Route(status=204))
    hook = _hook(url, admin_user)
    claim = _publish(editor, reviewer)
    assert wait_for(lambda: WebhookDelivery.objects.filter(webhook=hook, state="delivered").exists(), timeout=30)
    assert len(server.posted) == 3
    path, headers, body = server.posted[-1]
    assert headers["X-Factdesk-Signature"] == _expected_signature(hook.secret, body)
    assert headers["X-Factdesk-Event"] == "claim.published" and headers["X-Factdesk-Timestamp"].isdigit()
    payload = json.loads(body)
    assert payload["event"] == "claim.published" and payload["occurred_at"]
    assert payload["claim"]["id"] == claim.pk and payload["claim"]["verdict"] == "false"
    assert payload["claim"]["public_url"].startswith("http") and "pending_correction" not in payload["claim"]
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert [a["status_code"] for a in delivery.attempts] == [500, 500, 204]
    assert all(a["duration_ms"] is not None for a in delivery.attempts)
    assert Webhook.objects.get(pk=hook.pk).failures_in_row == 0


def test_every_attempt_is_logged_and_the_delivery_fails_after_its_last(
    fetch_settings, server, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    fetch_settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = _hook(server.route("/hook", status=503), admin_user)
    [delivery] = _deliveries_of(_publish(editor, reviewer), hook, django_capture_on_commit_callbacks)
    with pytest.raises(RetryLater):
        webhooks.deliver(delivery_id=delivery.pk)
    webhooks.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert [(a["status_code"], a["error"]) for a in delivery.attempts] == [
        (503, "The endpoint answered HTTP 503."),
        (503, "The endpoint answered HTTP 503."),
    ]


def test_an_endpoint_that_keeps_failing_is_switched_off_and_the_admins_told(
    fetch_settings, server, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    fetch_settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    hook = _hook(server.route("/hook", status=500), admin_user)
    [delivery] = _deliveries_of(_publish(editor, reviewer), hook, django_capture_on_commit_callbacks)
    for _ in range(2):
        with pytest.raises(RetryLater):
            webhooks.deliver(delivery_id=delivery.pk)
    with django_capture_on_commit_callbacks(execute=False) as mail:
        webhooks.deliver(delivery_id=delivery.pk)  # the third failure in a row: no retry is asked for
    hook.refresh_from_db()
    assert not hook.active and hook.disabled_at and "HTTP 500" in hook.disabled_reason
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == "cancelled"
    [notice] = Notification.objects.filter(event="webhook_disabled")
    assert notice.recipient == admin_user and notice.url == f"/desk/webhooks/{hook.pk}/"
    # The mail is queued after commit (beside the desk's write generations, claims/write_generation.py).
    queued = [callback for callback in mail if not isinstance(callback, MoveGenerations)]
    assert notice.in_app and notice.email == "immediate" and len(queued) == 1
    assert webhooks.deliver(delivery_id=delivery.pk).state == "cancelled"
    assert len(server.posted) == 3


def test_an_endpoint_failing_for_a_day_is_switched_off(
    fetch_settings, server, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    hook = _hook(server.route("/hook", status=500), admin_user)
    Webhook.objects.filter(pk=hook.pk).update(failures_in_row=1, failing_since=timezone.now() - timedelta(hours=25))
    [delivery] = _deliveries_of(_publish(editor, reviewer), hook, django_capture_on_commit_callbacks)
    webhooks.deliver(delivery_id=delivery.pk)
    assert not Webhook.objects.get(pk=hook.pk).active


def test_an_internal_address_is_refused_at_registration(fetch_settings, internal_server, admin_user):
    with pytest.raises(webhooks.WebhookRefused, match="internal system"):
        _hook(internal_server.url("/hook"), admin_user)
    assert not Webhook.objects.exists()


def test_loopback_is_refused_unless_the_fetch_settings_allow_it(server, admin_user):
    with pytest.raises(webhooks.WebhookRefused, match="refused"):
        _hook(server.url("/hook"), admin_user)


def test_an_address_that_turned_internal_is_refused_at_delivery(
    fetch_settings, server, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    hook = _hook(server.route("/hook", status=200), admin_user)
    [delivery] = _deliveries_of(_publish(editor, reviewer), hook, django_capture_on_commit_callbacks)
    fetch_settings.FETCH_ALLOWED_NETWORKS = ()  # as if the name now resolved to an internal address
    webhooks.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "internal system" in delivery.attempts[0]["error"]
    assert server.posted == []


def test_only_webhooks_for_the_event_get_a_delivery(
    fetch_settings, server, editor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    wanted = _hook(server.url("/a"), admin_user, events=["claim.published"])
    _hook(server.url("/b"), admin_user, events=["claim.retracted"])
    with django_capture_on_commit_callbacks(execute=True):
        claim = _publish(editor, reviewer)
    assert list(WebhookDelivery.objects.values_list("webhook_id", "claim_id")) == [(wanted.pk, claim.pk)]


# The API and the desk: admins only.


def test_api_webhooks_are_for_admins_only(api_as, editor, reviewer, admin_user, fetch_settings, server):
    for user in (editor, reviewer):
        assert api_as(user).get("/api/v1/webhooks/").status_code == 403
    api = api_as(admin_user)
    made = api.post("/api/v1/webhooks/", {"url": server.url("/hook"), "events": ["claim.published"]}, format="json")
    assert made.status_code == 201 and len(made.json()["secret"]) == 64
    assert api.get(f"/api/v1/webhooks/{made.json()['id']}/deliveries/").json()["count"] == 0
    off = api.patch(f"/api/v1/webhooks/{made.json()['id']}/", {"active": False}, format="json")
    assert off.json()["active"] is False


def test_api_refuses_an_internal_address_in_plain_words(api_as, admin_user, fetch_settings, internal_server):
    refused = api_as(admin_user).post(
        "/api/v1/webhooks/", {"url": internal_server.url("/x"), "events": ["claim.published"]}, format="json"
    )
    assert refused.status_code == 400 and "internal system" in refused.json()["url"][0]


def test_desk_webhook_pages_for_admins(client, editor, admin_user, fetch_settings, internal_server, server):
    client.force_login(editor)
    assert client.get("/desk/webhooks/").status_code == 403
    assert 'href="/desk/webhooks/"' not in client.get("/desk/articles/").content.decode()
    client.force_login(admin_user)
    assert 'href="/desk/webhooks/"' in client.get("/desk/articles/").content.decode()
    refused = client.post("/desk/webhooks/", {"url": internal_server.url("/x"), "events": ["claim.published"]})
    html = refused.content.decode()
    assert refused.status_code == 400 and "internal system" in html and internal_server.url("/x") in html
    made = client.post("/desk/webhooks/", {"url": server.url("/hook"), "events": ["claim.published"]})
    hook = Webhook.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/desk/webhooks/{hook.pk}/"
    assert hook.secret in client.get(made["Location"]).content.decode()
    client.post(f"/desk/webhooks/{hook.pk}/", {"active": "0"})
    assert not Webhook.objects.get().active


def test_the_webhook_page_costs_the_same_queries_with_few_or_many_deliveries(
    client, admin_user, fetch_settings, server, django_assert_max_num_queries
):
    hook = _hook(server.url("/hook"), admin_user)
    client.force_login(admin_user)
    counts = []
    for rows in (1, 30):
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook=hook, event="claim.published", body="{}", attempts=[{"at": "x", "status_code": 500}]
            )
            for _ in range(rows)
        )
        # session, user, roles, the webhook, the page count, its deliveries, the header's unread count
        with django_assert_max_num_queries(7) as captured:
            assert client.get(f"/desk/webhooks/{hook.pk}/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
