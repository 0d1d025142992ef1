"""Claim history is append-only: the ORM, the admin, the API and raw SQL on PostgreSQL all refuse changes."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from claims.models import ClaimEvent
from claims.models.history import AppendOnlyError
from claims.services.claims import update_claim
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="Two thousand soldiers.")
    update_claim(claim_id=claim.pk, by=editor, version=claim.version, statement="About two thousand soldiers.")
    return ClaimEvent.objects.filter(claim=claim).latest()


def _unchanged(event):
    fresh = ClaimEvent.objects.get(pk=event.pk)
    return (fresh.comment, fresh.changes, fresh.action) == (event.comment, event.changes, event.action)


def test_saving_an_existing_history_row_is_refused(event):
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    event.comment = ""
    assert _unchanged(event)


def test_deleting_a_history_row_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert ClaimEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).delete()
    assert _unchanged(event)


def test_bulk_update_is_refused(event):
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.bulk_update([event], ["comment"])
    event.comment = ""
    assert _unchanged(event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE claims_claimevent SET comment = 'rewritten' WHERE id = %s",
        "DELETE FROM claims_claimevent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_history_on_postgresql(event, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert _unchanged(event)


def _admin_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser("chief", "chief@example.org", "pass-word-123")
    client.force_login(staff)
    return client


def test_admin_change_view_refuses_to_save_a_history_row(client, django_user_model, event):
    client = _admin_client(client, django_user_model)
    url = reverse("admin:claims_claimevent_change", args=[event.pk])
    assert client.post(url, {"comment": "rewritten", "action": "edited"}).status_code == 403
    assert _unchanged(event)


def test_admin_delete_view_answers_403(client, django_user_model, event):
    client = _admin_client(client, django_user_model)
    url = reverse("admin:claims_claimevent_delete", args=[event.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ClaimEvent.objects.filter(pk=event.pk).exists()


def test_admin_cannot_add_a_history_row(client, django_user_model, event):
    client = _admin_client(client, django_user_model)
    assert client.get(reverse("admin:claims_claimevent_add")).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_history_has_no_write_methods(api_as, admin_user, event, method):
    url = f"/api/v1/claims/{event.claim_id}/history/"
    response = getattr(api_as(admin_user), method)(url, {"comment": "rewritten"}, format="json")
    assert response.status_code == 405
    assert _unchanged(event)


def test_api_serves_the_timeline_with_before_and_after(api, event):
    results = api.get(f"/api/v1/claims/{event.claim_id}/history/").json()["results"]
    assert results[-1]["action"] == "edited" and results[-1]["actor"] == "ed"
    assert results[-1]["changes"]["statement"] == ["Two thousand soldiers.", "About two thousand soldiers."]


def test_claim_page_shows_the_timeline_before_and_after(client, editor, event):
    client.force_login(editor)
    page = client.get(reverse("desk:claim", args=[event.claim_id])).content.decode()
    assert '<del dir="auto">Two thousand soldiers.</del> → <ins dir="auto">About two thousand soldiers.</ins>' in page


def test_every_status_change_is_in_the_history_with_who_and_why(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    transition_claim(claim=claim, to="researching", by=editor, comment="Worth a look.")
    event = ClaimEvent.objects.filter(claim=claim).latest()
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        editor,
        "draft",
        "researching",
        "Worth a look.",
    )
