"""Four eyes: what becomes public (verdict, rationale, statement, public note) was last written by someone other
than the reviewer who publishes it. A reviewer who changes any of it at publication becomes its author, and the
claim waits for another reviewer: in the service, the API and the desk."""

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.services.claims import update_claim
from claims.services.workflow import PublicationRewritten, TransitionRefused, transition_claim
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db

PROPOSED = {
    "verdict": "false",
    "rationale": "The ministry's own figure is lower.",
    "public_note": "Checked against the yearly report of the ministry.",
}


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


def proposed_by(user, **proposal):
    claim = ClaimFactory(created_by=user, last_editor=user)
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=user, **(PROPOSED | proposal))


def fresh(claim):
    return Claim.objects.get(pk=claim.pk)


# The service.


@pytest.mark.parametrize(
    ("field", "value"), [("verdict", "accurate"), ("rationale", "My own reasons."), ("public_note", "My own note.")]
)
def test_a_reviewer_who_changes_the_proposal_while_publishing_becomes_its_author_and_the_claim_waits(
    editor, reviewer, second_reviewer, field, value
):
    claim = proposed_by(editor)
    with pytest.raises(PublicationRewritten, match="which makes you their author") as refused:
        transition_claim(claim=claim, to="published", by=reviewer, **{field: value})
    assert "any reviewer but you and ed." in str(refused.value)
    claim = fresh(claim)
    assert claim.status == "in_review" and getattr(claim, field) == value
    assert claim.public_text_authors[field] == reviewer.pk and claim.last_editor == reviewer
    assert claim.events.latest().action == "edited"
    with pytest.raises(TransitionRefused, match="Four eyes: you were the last to edit this claim and last wrote"):
        transition_claim(claim=claim, to="published", by=reviewer)
    published = transition_claim(claim=claim, to="published", by=second_reviewer)
    assert published.status == "published" and getattr(published, field) == value


def test_publishing_what_was_proposed_publishes_it_with_its_public_note(editor, reviewer):
    claim = transition_claim(
        claim=proposed_by(editor), to="published", by=reviewer, **PROPOSED, comment="Internal: sloppy but ok."
    )
    event = claim.events.latest()
    assert claim.status == "published" and claim.verdict == "false"
    assert (event.public_note, event.comment) == (PROPOSED["public_note"], "Internal: sloppy but ok.")


def test_a_proposer_cannot_publish_their_verdict_after_someone_else_edits_an_unrelated_field(
    reviewer, second_editor, second_reviewer
):
    claim = proposed_by(reviewer)
    claim = update_claim(claim_id=claim.pk, by=second_editor, version=claim.version, claimant="The ministry")
    assert claim.last_editor == second_editor
    with pytest.raises(TransitionRefused, match="last wrote its verdict, rationale and public note") as refused:
        transition_claim(claim=claim, to="published", by=reviewer)
    assert "any reviewer but you and ed2" in str(refused.value)
    assert fresh(claim).status == "in_review"
    assert transition_claim(claim=claim, to="published", by=second_reviewer).status == "published"


def test_a_reviewer_who_last_wrote_the_statement_cannot_publish_it(editor, reviewer, second_editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    claim = update_claim(claim_id=claim.pk, by=reviewer, version=claim.version, statement="A sharper statement.")
    claim = transition_claim(claim=claim, to="in_review", by=editor, **PROPOSED)
    claim = update_claim(claim_id=claim.pk, by=second_editor, version=claim.version, claimant="The ministry")
    with pytest.raises(TransitionRefused, match="last wrote its statement"):
        transition_claim(claim=claim, to="published", by=reviewer)


def test_a_verdict_written_along_with_any_move_is_its_writers(editor, reviewer, second_reviewer):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    claim = transition_claim(claim=claim, to="researching", by=reviewer, verdict="accurate", rationale="Mine.")
    claim = transition_claim(claim=claim, to="in_review", by=editor)
    with pytest.raises(TransitionRefused, match="last wrote its verdict and rationale"):
        transition_claim(claim=claim, to="published", by=reviewer)
    assert transition_claim(claim=claim, to="published", by=second_reviewer).verdict == "accurate"


def test_a_public_note_is_refused_on_a_transition_that_shows_none(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    with pytest.raises(TransitionRefused, match="comment"):
        transition_claim(claim=claim, to="researching", by=editor, public_note="For readers?")


# The API.


def transitions(claim):
    return f"/api/v1/claims/{claim.pk}/transitions/"


def test_api_publication_with_another_verdict_answers_409_and_says_who_may_publish(
    api_as, editor, reviewer, second_reviewer
):
    claim = proposed_by(editor)
    response = api_as(reviewer).post(
        transitions(claim), {"to": "published", "verdict": "accurate", "rationale": "Unseen reasons."}, format="json"
    )
    assert response.status_code == 409
    assert "any reviewer but you and ed" in response.json()["detail"]
    current = response.json()["current"]
    assert (current["status"], current["verdict"], current["rationale"]) == ("in_review", "accurate", "Unseen reasons.")
    again = api_as(reviewer).post(transitions(claim), {"to": "published"}, format="json")
    assert again.status_code == 400 and "Four eyes" in again.json()["detail"]
    done = api_as(second_reviewer).post(transitions(claim), {"to": "published"}, format="json")
    assert done.status_code == 200 and done.json()["verdict"] == "accurate"


def test_api_proposer_is_refused_after_another_editor_changes_an_unrelated_field(api_as, reviewer, second_editor):
    claim = proposed_by(reviewer)
    patched = api_as(second_editor).patch(
        f"/api/v1/claims/{claim.pk}/", {"version": claim.version, "claimant": "The ministry"}, format="json"
    )
    assert patched.status_code == 200
    response = api_as(reviewer).post(transitions(claim), {"to": "published"}, format="json")
    assert response.status_code == 400
    assert "Four eyes" in response.json()["detail"] and "ed2" in response.json()["detail"]
    assert fresh(claim).status == "in_review"


def test_api_proposal_carries_a_public_note_that_the_claim_and_its_history_show(api_as, editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    response = api_as(editor).post(transitions(claim), {"to": "in_review", **PROPOSED}, format="json")
    assert response.status_code == 200 and response.json()["public_note"] == PROPOSED["public_note"]


def test_api_correction_from_a_client_that_sends_only_a_comment_takes_it_as_the_public_note(
    api_as, editor, reviewer, second_reviewer
):
    claim = transition_claim(claim=proposed_by(editor), to="published", by=reviewer)
    response = api_as(reviewer).post(
        transitions(claim), {"to": "retracted", "comment": "The quote was invented."}, format="json"
    )
    assert response.status_code == 202  # proposed: another reviewer approves it (four eyes)
    assert response.json()["pending_correction"]["public_note"] == "The quote was invented."
    assert api_as(second_reviewer).post(transitions(claim), {"to": "retracted"}, format="json").status_code == 200
    event = claim.events.latest()
    assert (event.public_note, event.comment) == ("The quote was invented.", "")
    history = api_as(editor).get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]
    assert history[-1]["public_note"] == "The quote was invented."


def test_api_correction_needs_a_public_note(api_as, editor, reviewer):
    claim = transition_claim(claim=proposed_by(editor), to="published", by=reviewer)
    response = api_as(reviewer).post(
        transitions(claim),
        {
            "to": "corrected",
            "verdict": "misleading",
            "rationale": "Newer figures.",
            "public_note": " ",
            "comment": "internal",
        },
        format="json",
    )
    assert response.status_code == 400 and "public note" in response.json()["detail"]


# The desk.


def publish_form(claim, **changes):
    return {"to": "published", "version": claim.version, "comment": "Looks right.", **PROPOSED, **changes}


def test_desk_publish_form_shows_the_proposal_with_its_public_note_labelled_public(client, editor, reviewer):
    claim = proposed_by(editor)
    client.force_login(reviewer)
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert "Public note, shown to readers with the publication" in page and PROPOSED["public_note"] in page
    assert "Internal comment, never shown to readers" in page
    assert "If you change any of them you become their author" in page


def test_desk_publish_with_a_changed_rationale_keeps_it_as_the_reviewers_proposal(client, editor, reviewer):
    claim = proposed_by(editor)
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        publish_form(claim, rationale="A rationale nobody else saw."),
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "You changed its rationale while publishing, which makes you their author" in page
    assert "Four eyes: you were the last to edit this claim and last wrote its rationale" in page
    claim = fresh(claim)
    assert (claim.status, claim.rationale) == ("in_review", "A rationale nobody else saw.")


def test_desk_publish_of_the_proposal_as_it_stands_publishes_it(client, editor, reviewer):
    claim = proposed_by(editor)
    client.force_login(reviewer)
    client.post(reverse("desk:claim-transition", args=[claim.pk]), publish_form(claim))
    claim = fresh(claim)
    assert claim.status == "published" and claim.events.latest().public_note == PROPOSED["public_note"]


def test_desk_tells_the_proposer_who_may_publish_after_another_editor_changed_an_unrelated_field(
    client, reviewer, second_editor
):
    claim = proposed_by(reviewer)
    update_claim(claim_id=claim.pk, by=second_editor, version=claim.version, claimant="The ministry")
    client.force_login(reviewer)
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert "Four eyes: you last wrote its verdict, rationale and public note" in page
    assert "any reviewer but you and ed2" in page
