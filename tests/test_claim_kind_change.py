"""A meeting changed to another kind loses its attendees openly: the edit form warns, the history lists who they
were, the editor is told; and a correction an editor may not make is refused in words, not with a 500."""

import pytest
from django.urls import reverse

from claims.models import Attendee
from claims.services.claims import ClaimInvalid, update_claim
from tests.factories import ClaimFactory, EntityFactory
from tests.public_helpers import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    claim = ClaimFactory(kind="meeting")
    for i, name in enumerate(("Khalifa Haftar", "Sergei Shoigu")):
        Attendee.objects.create(claim=claim, entity=EntityFactory(name=name), role="guest", order=i)
    return claim


def test_meeting_changed_to_another_kind_drops_its_attendees_in_its_history(editor, meeting):
    ids = sorted(meeting.attendees.values_list("entity_id", flat=True))
    claim = update_claim(claim_id=meeting.pk, by=editor, version=1, kind="event", details={"what": "a visit"})
    assert claim.kind == "event" and not claim.attendees.exists()
    before, after = claim.events.get(action="edited").changes["attendees"]
    assert sorted(int(item.split(":")[0]) for item in before) == ids and after == []


def test_other_edits_of_a_meeting_keep_its_attendees(editor, meeting):
    update_claim(claim_id=meeting.pk, by=editor, version=1, statement="A reworded statement.")
    assert meeting.attendees.count() == 2


def test_a_non_meeting_cannot_be_given_attendees(editor, meeting):
    with pytest.raises(ClaimInvalid) as refused:
        update_claim(
            claim_id=meeting.pk,
            by=editor,
            version=1,
            kind="event",
            attendees=[{"entity": meeting.attendees.first().entity_id}],
        )
    assert "Only a meeting claim has attendees." in refused.value.errors.values()
    assert meeting.attendees.count() == 2


def test_edit_form_warns_and_the_editor_is_told_what_was_removed(client, editor, meeting):
    client.force_login(editor)
    page = client.get(reverse("desk:claim", args=[meeting.pk])).content.decode()
    assert "changing this claim to another kind removes its 2 attendees" in page
    response = client.post(
        reverse("desk:claim-edit", args=[meeting.pk]),
        {"version": 1, "kind": "other", "statement": meeting.statement},
        follow=True,
    )
    assert "its 2 attendee(s) were removed" in response.content.decode()
    assert not meeting.attendees.exists()


def test_editor_correcting_a_published_claim_is_refused_in_words(client, editor):
    claim = make_claim(statement="Published statement.")
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {"version": claim.version, "kind": claim.kind, "statement": "Changed.", "correction": "A fix."},
        follow=True,
    )
    assert response.status_code == 200 and "Only a reviewer may correct" in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == "Published statement."
