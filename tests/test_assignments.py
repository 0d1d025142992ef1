"""Assignment: who works on a claim, who reviews it, by when; the dashboard's queues by person; the daily reminders."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimEvent, DeskSettings, Reminder
from claims.services import events
from claims.services.assignments import assign_claim, send_reminders
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Every ``assigned`` and ``reminder`` signal sent during the test, as (signal name, kwargs)."""
    got: list[tuple[str, dict]] = []

    def on_assigned(sender, **kwargs):
        got.append(("assigned", kwargs))

    def on_reminder(sender, **kwargs):
        got.append(("reminder", kwargs))

    events.assigned.connect(on_assigned, weak=False)
    events.reminder.connect(on_reminder, weak=False)
    yield got
    events.assigned.disconnect(on_assigned)
    events.reminder.disconnect(on_reminder)


def _assign(client, claim, **fields):
    form = {"assignee": "", "reviewer": "", "due": ""} | {k: str(v) for k, v in fields.items()}
    return client.post(reverse("desk:claim-assign", args=[claim.pk]), form, follow=True)


def test_a_chief_assigns_a_claim_from_its_page_and_its_history_and_the_signal_say_so(
    client, admin_user, editor, reviewer, received
):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    client.force_login(admin_user)
    page = _assign(client, claim, assignee=editor.pk, reviewer=reviewer.pk, due="2026-05-31").content.decode()
    claim.refresh_from_db()
    assert (claim.assignee, claim.reviewer, claim.due) == (editor, reviewer, datetime.date(2026, 5, 31))
    assert "Assignment saved." in page
    event = ClaimEvent.objects.get(claim=claim, action="assigned")
    assert event.actor == admin_user
    assert event.changes["assignee"] == [None, "ed"] and event.changes["reviewer"] == [None, "rev"]
    sent = [(kw["user"], kw["role"], kw["actor"], kw["target"].pk) for name, kw in received if name == "assigned"]
    assert sent == [(editor, "assignee", admin_user, claim.pk), (reviewer, "reviewer", admin_user, claim.pk)]


def test_an_assignment_does_not_bump_the_version_an_editor_is_writing_against(admin_user, editor):
    claim = ClaimFactory()
    assign_claim(claim=claim, by=admin_user, assignee=editor)
    claim.refresh_from_db()
    assert claim.version == 1 and claim.assignee == editor


def test_reassigning_to_the_same_person_records_nothing(admin_user, editor, received):
    claim = ClaimFactory()
    assign_claim(claim=claim, by=admin_user, assignee=editor)
    assign_claim(claim=claim, by=admin_user, assignee="ed")
    assert ClaimEvent.objects.filter(claim=claim, action="assigned").count() == 1
    assert len(received) == 1


def test_four_eyes_refuses_the_claims_last_editor_as_its_reviewer_and_keeps_what_was_typed(client, reviewer):
    claim = ClaimFactory(created_by=reviewer, last_editor=reviewer)
    client.force_login(reviewer)
    page = _assign(client, claim, reviewer=reviewer.pk, due="2026-06-01").content.decode()
    claim.refresh_from_db()
    assert claim.reviewer is None and claim.due is None
    assert "Four eyes: rev edited this claim" in page
    assert 'value="2026-06-01"' in page  # the due date the user typed is still in the form


def test_an_editor_cannot_be_made_a_reviewer_over_the_api(api, editor, second_editor):
    claim = ClaimFactory()
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"reviewer": "ed2"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reviewer": "ed2 is not a reviewer: only a reviewer may review a claim."}


def test_the_api_assigns_by_username_or_id_without_a_version_and_answers_usernames(api, editor, reviewer):
    claim = ClaimFactory()
    response = api.patch(
        f"/api/v1/claims/{claim.pk}/", {"assignee": editor.pk, "reviewer": "rev", "due": "2026-07-01"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["assignee"], body["reviewer"], body["due"]) == ("ed", "rev", "2026-07-01")
    assert body["version"] == 1
    cleared = api.patch(f"/api/v1/claims/{claim.pk}/", {"assignee": None}, format="json").json()
    assert cleared["assignee"] is None and cleared["reviewer"] == "rev"


def test_an_unknown_assignee_is_refused_by_name(api):
    claim = ClaimFactory()
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"assignee": "nobody-here"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"assignee": "No desk member is called nobody-here."}


@pytest.mark.parametrize("name", ["²", "٣٣٣", "99999999999999999999999"])
def test_a_name_of_digits_int_cannot_read_is_a_name_not_a_500(api, name):
    # "²" is a digit to str.isdigit() but not to int(): taken for an id, it was a ValueError (a 500).
    claim = ClaimFactory()
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"assignee": name}, format="json")
    assert response.status_code == 400 and "No desk member is called" in response.json()["assignee"]
    assert api.get(f"/api/v1/claims/?assignee={name}").status_code == 200
    bulk = api.post("/api/v1/claims/bulk/", {"ids": [claim.pk], "action": "untag", "tags": [name]}, format="json")
    assert bulk.status_code == 400 and bulk.json() == {"detail": "Name at least one tag."}
    tagged = api.patch(f"/api/v1/claims/{claim.pk}/", {"tags": [name]}, format="json")
    assert tagged.status_code == 200


def test_the_api_filters_claims_by_assignee(api, editor, admin_user):
    mine = ClaimFactory()
    assign_claim(claim=mine, by=admin_user, assignee=editor)
    ClaimFactory()
    assert [c["id"] for c in api.get("/api/v1/claims/?assignee=ed").json()["results"]] == [mine.pk]
    assert mine.pk not in [c["id"] for c in api.get("/api/v1/claims/?assignee=none").json()["results"]]


def test_assignees_and_due_dates_never_reach_the_public_api(client, admin_user, editor):
    claim = ClaimFactory(status="published", verdict="false", published_at=timezone.now())
    assign_claim(claim=claim, by=admin_user, assignee=editor, due="2026-01-01")
    body = client.get(f"/api/v1/public/claims/{claim.pk}/").json()
    assert not {"assignee", "reviewer", "due"} & set(body)


def test_an_article_being_processed_gets_an_assignee_over_the_api(api, editor, received):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    body = api.patch(f"/api/v1/articles/{article.pk}/", {"assignee": "ed"}, format="json").json()
    assert body["assignee"] == "ed"
    assert [(kw["target"].pk, kw["role"]) for _, kw in received] == [(article.pk, "assignee")]


# The dashboard's queues by person.


def _ready_for_review(claim, by):
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=by, verdict="false", rationale="The record says so.")


def test_queues_by_person(client, admin_user, editor, second_editor, reviewer):
    second_reviewer = UserFactory(username="rev2", role="reviewer")
    mine = ClaimFactory(created_by=second_editor)
    assign_claim(claim=mine, by=admin_user, assignee=editor)
    nobodys = ClaimFactory()
    for_me = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    assign_claim(claim=for_me, by=admin_user, reviewer=reviewer)
    for_anyone = _ready_for_review(ClaimFactory(created_by=editor, last_editor=editor), editor)
    sent_back = _ready_for_review(ClaimFactory(created_by=second_editor), second_editor)
    assign_claim(claim=sent_back, by=admin_user, assignee=editor)
    transition_claim(claim=sent_back, to="researching", by=reviewer, comment="Find the ministry's figure.")

    client.force_login(editor)
    page = client.get(reverse("desk:home")).context
    assert {c.pk for c in page["mine"]} == {mine.pk, for_me.pk, for_anyone.pk, sent_back.pk}
    assert nobodys.pk in {c.pk for c in page["unassigned"]} and mine.pk not in {c.pk for c in page["unassigned"]}
    assert [c.pk for c in page["sent_back"]] == [sent_back.pk]
    assert list(page["awaiting"]) == []  # an editor reviews nothing
    assert page["counts"]["sent_back"] == 1

    client.force_login(reviewer)
    assert {c.pk for c in client.get(reverse("desk:home")).context["awaiting"]} == {for_me.pk, for_anyone.pk}
    client.force_login(second_reviewer)
    page = client.get(reverse("desk:home")).context
    assert [c.pk for c in page["awaiting"]] == [for_anyone.pk]  # given to nobody: every reviewer sees it
    assert page["counts"]["awaiting"] == 1


@pytest.mark.parametrize("rows", [2, 12])
def test_the_dashboard_costs_the_same_queries_with_few_or_many_assigned_claims(
    client, editor, admin_user, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        claim = ClaimFactory(created_by=editor)
        assign_claim(claim=claim, by=admin_user, assignee=editor)
    client.force_login(editor)
    # session, user, roles, the five queues' bounded counts (one each: a single count read every claim at a
    # million), mine, unassigned, waiting for my review, sent back, shaky sources, articles, entities, the header's
    # unread count
    with django_assert_max_num_queries(16):
        response = client.get(reverse("desk:home"))
    assert response.context["counts"]["mine"] == rows
    assert response.content.decode().count('class="assignee"') == rows


@pytest.mark.parametrize("rows", [2, 12])
def test_the_api_claim_list_with_assignees_and_tags_costs_the_same_queries(
    api, admin_user, editor, reviewer, rows, django_assert_max_num_queries
):
    from claims.models import Tag

    tag = Tag.objects.create(name="ليبيا")
    for _ in range(rows):
        claim = ClaimFactory()
        assign_claim(claim=claim, by=admin_user, assignee=editor, reviewer=reviewer)
        claim.tags.add(tag)
    # token, user, roles, count, the claims with revisions, assignees and reviewers, entities, attendees, tags,
    # pending corrections
    with django_assert_max_num_queries(10):
        body = api.get("/api/v1/claims/").json()
    assert [c["assignee"] for c in body["results"]] == ["ed"] * rows
    assert all(c["tags"] == [tag.slug] for c in body["results"])


# The desk settings and the reminders.


def test_only_an_admin_changes_the_desk_settings_and_bad_days_are_refused_with_what_was_typed(
    client, admin_user, reviewer
):
    client.force_login(reviewer)
    assert client.get(reverse("desk:settings")).status_code == 403
    client.force_login(admin_user)
    refused = client.post(reverse("desk:settings"), {"researching": "-3", "in_review": "2"})
    assert refused.status_code == 400
    assert "Give a number of days from 0 to 365." in refused.content.decode()
    assert 'value="-3"' in refused.content.decode()
    client.post(reverse("desk:settings"), {"researching": "7", "in_review": "2", "reminders_enabled": "on"})
    settings = DeskSettings.load()
    assert settings.age_limits == {"researching": 7, "in_review": 2} and settings.reminders_enabled


def _reminder_world(editor, reviewer):
    today = timezone.localdate()
    DeskSettings.objects.update_or_create(pk=1, defaults={"age_limits": {"researching": 7}, "reminders_enabled": True})
    due = ClaimFactory(assignee=editor, due=today + datetime.timedelta(days=1))
    overdue = ClaimFactory(assignee=editor, due=today - datetime.timedelta(days=2))
    stale = ClaimFactory(assignee=editor, status="researching")
    Claim.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    fresh = ClaimFactory(assignee=editor, status="researching")
    published = ClaimFactory(
        assignee=editor, status="published", verdict="false", due=today - datetime.timedelta(days=1)
    )
    return {"due": due, "overdue": overdue, "stale": stale, "fresh": fresh, "published": published}


def test_reminders_go_once_per_claim_reason_and_day(editor, reviewer, received):
    world = _reminder_world(editor, reviewer)
    assert send_reminders() == 3
    assert send_reminders() == 0  # the same day again: nothing repeats
    sent = {(kw["claim"].pk, kw["reason"], kw["user"]) for name, kw in received if name == "reminder"}
    assert sent == {
        (world["due"].pk, "due", editor),
        (world["overdue"].pk, "overdue", editor),
        (world["stale"].pk, "stale", editor),
    }


def test_switched_off_reminders_send_nothing(editor, reviewer, received):
    _reminder_world(editor, reviewer)
    DeskSettings.objects.filter(pk=1).update(reminders_enabled=False)
    assert send_reminders() == 0 and received == []


def test_the_daily_reminder_task_runs_in_a_real_worker(transactional_db, celery_worker, editor, reviewer, received):
    from claims.tasks import send_reminders as task

    world = _reminder_world(editor, reviewer)
    task.delay()
    assert wait_for(lambda: Reminder.objects.count() == 3)
    assert wait_for(lambda: len([1 for name, _ in received if name == "reminder"]) == 3)
    assert set(Reminder.objects.values_list("claim_id", "reason")) == {
        (world["due"].pk, "due"),
        (world["overdue"].pk, "overdue"),
        (world["stale"].pk, "stale"),
    }


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "claims.tasks.send_reminders"
