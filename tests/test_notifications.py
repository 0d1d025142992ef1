"""The inbox: who is told of what (sent back, published, a source that changed or died, a similar claim, being
assigned or mentioned, reminders), never of their own act; preferences; the desk pages and the API."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from claims.models import Capture, Notification, NotificationPreference
from claims.services import events
from claims.services.notifications import interface_language, notify, unread_count
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory
from tests.httpserver import Route


@pytest.fixture
def in_review(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="The minister said ten percent.")
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="Lower figure.")


def test_the_editor_is_told_when_a_reviewer_sends_the_claim_back(in_review, editor, reviewer):
    transition_claim(claim=in_review, to="researching", by=reviewer, comment="Find the report.")
    [note] = Notification.objects.filter(recipient=editor)
    assert note.event == "sent_back" and note.actor == reviewer and note.url == f"/desk/claims/{in_review.pk}/"
    assert note.email == "immediate"  # sent back comes by e-mail by default


def test_the_editor_is_told_when_the_claim_is_published_but_not_by_mail(in_review, editor, reviewer):
    transition_claim(claim=in_review, to="published", by=reviewer)
    [note] = Notification.objects.filter(recipient=editor)
    assert (note.event, note.data["status"], note.in_app, note.email) == ("published", "published", True, "")


def test_nobody_is_told_of_their_own_act(editor, reviewer):
    claim = ClaimFactory(created_by=reviewer, last_editor=reviewer)
    EvidenceFactory(claim=claim)
    claim = transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="Lower.")
    transition_claim(claim=claim, to="researching", by=reviewer, comment="Find the report.")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ed"]


def test_the_editors_of_claims_citing_a_source_are_told_it_went_dead(editor, second_editor):
    source = SourceFactory()
    EvidenceFactory(claim=ClaimFactory(created_by=editor), source=source)
    EvidenceFactory(claim=ClaimFactory(created_by=second_editor), source=source)
    capture = Capture.objects.create(source=source, requested_url=source.url, state="failed")
    events.source_changed.send(sender=None, source=source, capture=capture, change="dead")
    notes = Notification.objects.filter(event="source_changed")
    assert {n.recipient for n in notes} == {editor, second_editor}
    assert all(n.data["change"] == "dead" and source.url in n.data["source"] for n in notes)


def test_assigned_mentioned_and_reminders_reach_the_person_named(editor, reviewer):
    claim = ClaimFactory(created_by=editor)
    events.assigned.send(sender=None, target=claim, user=reviewer, role="reviewer", actor=editor)
    comment = SimpleNamespace(pk=7, claim=claim, article=None)
    events.mentioned.send(sender=None, comment=comment, users=[reviewer, editor], actor=editor)
    events.reminder.send(sender=None, claim=claim, user=editor, reason="overdue")
    got = sorted(Notification.objects.values_list("recipient__username", "event", "subject_type", "url"))
    assert got == [
        ("ed", "reminder", "claim", f"/desk/claims/{claim.pk}/"),
        ("rev", "assigned", "claim", f"/desk/claims/{claim.pk}/"),
        ("rev", "mentioned", "comment", f"/desk/claims/{claim.pk}/#comment-7"),
    ]


def test_similar_claims_found_by_the_scorer_tell_both_editors(editor, second_editor):
    from claims.services.matching import suggest_similar

    statement = "زار حفتر موسكو عام 2018 والتقى وزير الدفاع الروسي سيرغي شويغو"
    mine = ClaimFactory(created_by=editor, statement=statement)
    ClaimFactory(created_by=second_editor, statement=statement)
    suggest_similar(claim=mine)
    assert set(Notification.objects.filter(event="similar_found").values_list("recipient__username", flat=True)) == {
        "ed",
        "ed2",
    }
    suggest_similar(claim=mine)  # a refreshed score is not news
    assert Notification.objects.filter(event="similar_found").count() == 2


def test_a_person_who_chose_none_hears_nothing_and_email_only_stays_out_of_the_inbox(editor, reviewer):
    claim = ClaimFactory(created_by=editor)
    NotificationPreference.objects.create(user=reviewer, event="assigned", channel="none")
    NotificationPreference.objects.create(user=editor, event="reminder", channel="email", timing="digest")
    events.assigned.send(sender=None, target=claim, user=reviewer, actor=editor)
    events.reminder.send(sender=None, claim=claim, user=editor, reason="due")
    assert not Notification.objects.filter(recipient=reviewer).exists()
    [note] = Notification.objects.filter(recipient=editor)
    assert (note.in_app, note.email) == (False, "digest")
    assert unread_count(editor) == 0


def test_interface_language_is_the_users_own_or_the_sites(editor, settings):
    assert interface_language(editor) == settings.LANGUAGE_CODE
    editor.language = "ar"
    assert interface_language(editor) == "ar"


# The desk.


def _some(user, n, actor):
    for i in range(n):
        notify(
            recipients=[user],
            event="reminder",
            actor=actor,
            subject_type="claim",
            subject_id=i + 1,
            subject_title=f"Claim {i}",
            url=f"/desk/claims/{i + 1}/",
            data={"reason": "due"},
        )


@pytest.mark.parametrize("rows", [2, 40])
def test_the_inbox_costs_the_same_queries_with_few_or_many_notifications(
    client, editor, reviewer, rows, django_assert_num_queries
):
    _some(editor, rows, reviewer)
    client.force_login(editor)
    # session, user, roles, the page's count, its notifications with their actors, the header's unread count
    with django_assert_num_queries(6):
        response = client.get("/desk/notifications/")
    assert response.status_code == 200
    assert response.content.decode().count('class="notification unread"') == rows


def test_the_header_shows_the_unread_count_with_one_cheap_query(client, editor, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _some(editor, 3, reviewer)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/desk/articles/").content.decode()
    assert 'class="badge unread-count"' in html and ">3</span>" in html
    asked = [q["sql"] for q in captured.captured_queries if "claims_notification" in q["sql"]]
    assert len(asked) == 1 and asked[0].startswith("SELECT COUNT(*)")


def test_public_pages_do_not_count_notifications(client, editor, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _some(editor, 1, reviewer)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    assert not [q for q in captured.captured_queries if "claims_notification" in q["sql"]]


def test_mark_read_unread_and_all_read_on_the_desk(client, editor, reviewer):
    _some(editor, 3, reviewer)
    client.force_login(editor)
    first = Notification.objects.filter(recipient=editor).first()
    client.post(f"/desk/notifications/{first.pk}/read/", {"read": "1"})
    assert unread_count(editor) == 2
    assert client.get("/desk/notifications/?read=false").content.decode().count('class="notification unread"') == 2
    client.post(f"/desk/notifications/{first.pk}/read/", {"read": "0"})
    assert unread_count(editor) == 3
    response = client.post("/desk/notifications/read-all/")
    assert response.status_code == 302 and unread_count(editor) == 0


def test_nobody_marks_another_persons_notification(client, editor, reviewer):
    _some(reviewer, 1, editor)
    client.force_login(editor)
    note = Notification.objects.get(recipient=reviewer)
    assert client.post(f"/desk/notifications/{note.pk}/read/", {"read": "1"}).status_code == 404


def test_settings_page_saves_choices_and_keeps_them_on_a_bad_value(client, editor):
    client.force_login(editor)
    page = client.get("/desk/notifications/settings/").content.decode()
    assert 'name="assigned-channel"' in page
    form = {"assigned-channel": "email", "assigned-timing": "digest"}
    assert client.post("/desk/notifications/settings/", form).status_code == 302
    assert NotificationPreference.objects.get(user=editor, event="assigned").timing == "digest"
    bad = client.post("/desk/notifications/settings/", {"assigned-channel": "pigeon", "assigned-timing": "digest"})
    assert bad.status_code == 400 and "Choose how each event reaches you" in bad.content.decode()


# The API.


def test_api_lists_only_your_own_filters_unread_and_marks(api_as, editor, reviewer, django_assert_max_num_queries):
    _some(editor, 3, reviewer)
    _some(reviewer, 2, editor)
    api = api_as(editor)
    # token user, roles, count, page with actors
    with django_assert_max_num_queries(5):
        listed = api.get("/api/v1/notifications/").json()
    assert listed["count"] == 3
    row = listed["results"][0]
    assert set(row) >= {"id", "event", "subject", "read", "created_at", "link", "message"}
    assert row["subject"]["type"] == "claim" and row["link"].startswith("http")
    assert api.patch(f"/api/v1/notifications/{row['id']}/", {"read": True}, format="json").json()["read"] is True
    # A PATCH is partial, as the schema says: without ``read`` it changes nothing (it was a 400 "required").
    unchanged = api.patch(f"/api/v1/notifications/{row['id']}/", {}, format="json")
    assert unchanged.status_code == 200 and unchanged.json()["read"] is True
    assert api.get("/api/v1/notifications/?read=false").json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    theirs = Notification.objects.filter(recipient=reviewer).first()
    assert api.patch(f"/api/v1/notifications/{theirs.pk}/", {"read": True}, format="json").status_code == 404


def test_api_preferences_list_defaults_and_take_changes(api_as, editor):
    api = api_as(editor)
    rows = {r["event"]: r for r in api.get("/api/v1/notifications/preferences/").json()}
    assert rows["assigned"]["channel"] == "both" and rows["published"]["channel"] == "in_app"
    changed = api.put(
        "/api/v1/notifications/preferences/",
        [{"event": "published", "channel": "email", "timing": "digest"}],
        format="json",
    )
    assert changed.status_code == 200
    assert {r["event"]: r for r in changed.json()}["published"] == {
        "event": "published",
        "channel": "email",
        "timing": "digest",
    }
    bad = api.put("/api/v1/notifications/preferences/", [{"event": "published", "channel": "fax"}], format="json")
    assert bad.status_code == 400


def test_api_notifications_need_a_desk_member(api_as, outsider):
    assert api_as(None).get("/api/v1/notifications/").status_code == 401
    assert api_as(outsider).get("/api/v1/notifications/").status_code == 403
    assert reverse("api:notification-preferences") == "/api/v1/notifications/preferences/"


def test_an_inactive_recipient_is_not_told(editor):
    gone = UserFactory(username="gone", role="editor", is_active=False)
    events.reminder.send(sender=None, claim=ClaimFactory(created_by=editor), user=gone, reason="due")
    assert not Notification.objects.exists()


# The re-checks: a capture that finds changed content, or a dead source, tells the claims' editors.


def test_a_recapture_that_finds_changed_content_tells_the_editor(fetch_settings, server, editor):
    from claims.services.captures import run_capture
    from tests.capturing import english_page, queued_capture

    url = server.routes_in_turn(
        "/story", Route(body=english_page("Two thousand soldiers.")), Route(body=english_page("Three hundred."))
    )
    first = queued_capture(url)
    EvidenceFactory(claim=ClaimFactory(created_by=editor), source=first.source)
    run_capture(capture_id=first.pk)
    assert not Notification.objects.exists()  # a first capture is no change
    second = Capture.objects.create(source=first.source, requested_url=url)
    run_capture(capture_id=second.pk)
    [note] = Notification.objects.filter(recipient=editor, event="source_changed")
    assert note.data["change"] == "changed" and note.data["capture"] == second.pk


def test_a_source_that_dies_is_told_once(fetch_settings, server, editor):
    from claims.services.captures import run_capture
    from tests.capturing import queued_capture

    url = server.route("/gone", status=404, body=b"<p>gone</p>")
    first = queued_capture(url)
    EvidenceFactory(claim=ClaimFactory(created_by=editor), source=first.source)
    run_capture(capture_id=first.pk)
    run_capture(capture_id=Capture.objects.create(source=first.source, requested_url=url).pk)
    [note] = Notification.objects.filter(recipient=editor, event="source_changed")
    assert note.data["change"] == "dead"
