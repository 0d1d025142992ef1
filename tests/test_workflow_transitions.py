"""Every legal and illegal status move, the rules each transition enforces, and how the desk and API show them."""

import itertools

import pytest
from django.urls import reverse

from claims import workflow
from claims.models import Claim, ClaimEvent
from claims.services.claims import StaleVersion, update_claim
from claims.services.workflow import TransitionRefused, decide_correction, transition_claim
from claims.workflow import Actor, ClaimState, Role, Status
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

ADMIN = Actor(id=1, roles=frozenset({Role.ADMIN}))
LEGAL = {(source, t.target): t for t in workflow.TRANSITIONS for source in t.source}


def _ready(status: Status, **overrides) -> ClaimState:
    fields = dict(
        status=status,
        verdict="false",
        rationale="The ministry's figure differs.",
        kind="quantity",
        evidence_count=1,
        last_editor_id=99,
    )
    return ClaimState(**(fields | overrides))


def _move(state, target, actor=ADMIN, comment="Checked.", verdict=None, rationale=None, public_note="Why."):
    public_note = state.public_note if target == Status.PUBLISHED else public_note  # publishing keeps the proposal
    return workflow.check_transition(
        state,
        target,
        actor,
        verdict=state.verdict if verdict is None else verdict,
        rationale=state.rationale if rationale is None else rationale,
        comment=comment,
        public_note=public_note,
    )


@pytest.mark.parametrize(("source", "target"), sorted(LEGAL), ids=lambda s: s.value)
def test_every_legal_transition_is_allowed_when_its_requirements_are_met(source, target):
    assert _move(_ready(source), target) is LEGAL[(source, target)]


ILLEGAL = [pair for pair in itertools.product(Status, Status) if pair not in LEGAL]


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda s: s.value)
def test_every_other_status_pair_is_refused_with_the_allowed_targets(source, target):
    with pytest.raises(TransitionRefused, match=f"cannot move to {target.value}"):
        _move(_ready(source), target)


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: t.name)
def test_each_transition_is_refused_to_a_role_below_its_own(transition):
    below = {Role.EDITOR: frozenset(), Role.REVIEWER: frozenset({Role.EDITOR})}.get(transition.role)
    actor = Actor(id=2, roles=below)
    source = next(iter(transition.source))
    with pytest.raises(TransitionRefused, match=f"Only a {transition.role.value}"):
        _move(_ready(source), transition.target, actor=actor)


@pytest.mark.parametrize("transition", [t for t in workflow.TRANSITIONS if t.needs_comment], ids=lambda t: t.name)
def test_transitions_that_need_a_comment_refuse_an_empty_one(transition):
    with pytest.raises(TransitionRefused, match="comment"):
        _move(_ready(next(iter(transition.source))), transition.target, comment="  ")


@pytest.mark.parametrize("transition", [t for t in workflow.TRANSITIONS if t.needs_public_note], ids=lambda t: t.name)
def test_corrections_and_retractions_refuse_an_empty_public_note(transition):
    with pytest.raises(TransitionRefused, match="public note"):
        _move(_ready(next(iter(transition.source))), transition.target, public_note="  ")


def test_a_reviewer_can_do_what_an_editor_can():
    reviewer = Actor(id=3, roles=frozenset({Role.REVIEWER}))
    assert _move(_ready(Status.DRAFT), Status.RESEARCHING, actor=reviewer).name == "start research"


def test_verdict_without_rationale_is_refused():
    with pytest.raises(TransitionRefused, match="rationale"):
        _move(_ready(Status.RESEARCHING, rationale=""), Status.IN_REVIEW, rationale="")


def test_an_unknown_verdict_is_refused():
    with pytest.raises(TransitionRefused, match="Unknown verdict"):
        _move(_ready(Status.RESEARCHING), Status.IN_REVIEW, verdict="pants_on_fire")


def test_an_opinion_can_only_be_not_checkable():
    with pytest.raises(TransitionRefused, match="not_checkable"):
        _move(_ready(Status.RESEARCHING, kind="opinion"), Status.IN_REVIEW)
    state = _ready(Status.RESEARCHING, kind="opinion", verdict="not_checkable", evidence_count=0)
    assert _move(state, Status.IN_REVIEW).target == Status.IN_REVIEW


def test_review_needs_evidence_unless_the_claim_is_an_opinion():
    with pytest.raises(TransitionRefused, match="evidence"):
        _move(_ready(Status.RESEARCHING, evidence_count=0), Status.IN_REVIEW)


def test_the_last_editor_cannot_publish_even_as_a_reviewer():
    reviewer = Actor(id=99, roles=frozenset({Role.REVIEWER}))
    with pytest.raises(TransitionRefused, match="Four eyes"):
        _move(_ready(Status.IN_REVIEW), Status.PUBLISHED, actor=reviewer)


# The service: the same rules against the database, with history and dates.


def _in_review(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    return transition_claim(
        claim=claim, to="in_review", by=editor, verdict="false", rationale="The ministry's own figure is lower."
    )


@pytest.mark.django_db
def test_editor_cannot_publish_their_own_claim(editor):
    claim = _in_review(editor)
    with pytest.raises(TransitionRefused, match="Only a reviewer"):
        transition_claim(claim=claim, to="published", by=editor)


@pytest.mark.django_db
def test_reviewer_publishes_a_claim_someone_else_proposed(editor, reviewer):
    claim = transition_claim(claim=_in_review(editor), to="published", by=reviewer, comment="Approved.")
    assert claim.status == "published" and claim.published_at is not None
    assert claim.public_url in [c.public_url for c in Claim.objects.published()]


@pytest.mark.django_db
def test_reviewer_who_proposed_the_verdict_cannot_publish_it(reviewer, admin_user):
    claim = _in_review(reviewer)
    with pytest.raises(TransitionRefused, match="Four eyes"):
        transition_claim(claim=claim, to="published", by=reviewer)
    assert transition_claim(claim=claim, to="published", by=admin_user).status == "published"


@pytest.mark.django_db
def test_reviewer_who_edited_the_statement_last_cannot_publish(editor, reviewer, admin_user):
    claim = _in_review(editor)
    claim = update_claim(claim_id=claim.pk, by=reviewer, version=claim.version, statement="A sharper statement.")
    with pytest.raises(TransitionRefused, match="Four eyes"):
        transition_claim(claim=claim, to="published", by=reviewer)


@pytest.mark.django_db
def test_send_back_records_the_reviewers_comment(editor, reviewer):
    claim = transition_claim(claim=_in_review(editor), to="researching", by=reviewer, comment="Source is a blog.")
    event = claim.events.latest()
    assert (event.from_status, event.to_status, event.comment) == ("in_review", "researching", "Source is a blog.")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


def approved(claim, by, **decision):
    """A correction or retraction is proposed first (four eyes): another reviewer approves it."""
    decide_correction(claim=claim, by=by, decision="approve", **decision)
    return Claim.objects.get(pk=claim.pk)


@pytest.mark.django_db
def test_correction_after_publication_is_a_public_event_and_marks_the_claim_corrected(
    editor, reviewer, second_reviewer
):
    claim = transition_claim(claim=_in_review(editor), to="published", by=reviewer)
    claim = transition_claim(
        claim=claim,
        to="corrected",
        by=reviewer,
        verdict="misleading",
        rationale="A later report gives context.",
        public_note="New ministry report.",
        comment="Checked with the ministry.",
    )
    claim = approved(claim, second_reviewer, comment="Checked with the ministry.")
    event = ClaimEvent.objects.public().filter(claim=claim).latest()
    assert (event.action, event.public_note, event.to_verdict) == ("correction", "New ministry report.", "misleading")
    assert event.comment == "Checked with the ministry."
    assert claim.status == "corrected" and claim in Claim.objects.published()


@pytest.mark.django_db
def test_editing_a_published_claim_is_recorded_as_a_correction(editor, reviewer, second_reviewer):
    claim = transition_claim(claim=_in_review(editor), to="published", by=reviewer)
    claim = update_claim(
        claim_id=claim.pk,
        by=reviewer,
        version=claim.version,
        statement="Fixed wording.",
        correction="The statement misquoted the minister.",
    )
    claim = approved(claim, second_reviewer)
    event = claim.events.latest()
    assert claim.status == "corrected"
    assert (event.action, event.public_note) == ("correction", "The statement misquoted the minister.")
    assert event.changes["statement"][1] == "Fixed wording."


@pytest.mark.django_db
def test_an_editor_cannot_correct_a_published_claim(editor, reviewer):
    claim = transition_claim(claim=_in_review(editor), to="published", by=reviewer)
    with pytest.raises(TransitionRefused, match="reviewer"):
        update_claim(
            claim_id=claim.pk, by=editor, version=claim.version, statement="Quiet change.", correction="Because."
        )
    assert Claim.objects.get(pk=claim.pk).statement != "Quiet change."


@pytest.mark.django_db
def test_retraction_keeps_the_claim_public_as_retracted(editor, reviewer, second_reviewer):
    claim = transition_claim(claim=_in_review(editor), to="published", by=reviewer)
    claim = transition_claim(claim=claim, to="retracted", by=reviewer, public_note="The quote was fabricated.")
    claim = approved(claim, second_reviewer)
    assert claim.status == "retracted" and claim in Claim.objects.published()
    assert claim.public_url


@pytest.mark.django_db
def test_a_transition_based_on_a_stale_version_is_refused(editor, reviewer):
    claim = _in_review(editor)
    seen = claim.version
    update_claim(claim_id=claim.pk, by=editor, version=seen, statement="Changed while the reviewer read it.")
    with pytest.raises(StaleVersion):
        transition_claim(claim=claim, to="published", by=reviewer, version=seen)
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


# The API and the desk.


@pytest.mark.django_db
def test_api_answers_400_with_the_reason_for_an_illegal_transition(api_as, editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    response = api_as(editor).post(f"/api/v1/claims/{claim.pk}/transitions/", {"to": "published"}, format="json")
    assert response.status_code == 400
    assert "cannot move to published" in response.json()["detail"]


@pytest.mark.django_db
def test_api_answers_409_for_a_transition_on_a_stale_version(api_as, editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    response = api_as(editor).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"to": "researching", "version": claim.version - 1 or 99},
        format="json",
    )
    assert response.status_code == 409


@pytest.mark.django_db
def test_desk_shows_an_editor_the_propose_form_but_not_publish(client, editor):
    client.force_login(editor)
    page = client.get(reverse("desk:claim", args=[_in_review(editor).pk])).content.decode()
    assert "Approve &amp; publish" not in page
    draft = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=draft)
    page = client.get(reverse("desk:claim", args=[draft.pk])).content.decode()
    assert "Propose verdict for review" in page and 'name="rationale"' in page


@pytest.mark.django_db
def test_desk_says_evidence_is_missing_before_the_editor_proposes(client, editor):
    client.force_login(editor)
    draft = ClaimFactory(created_by=editor, last_editor=editor)
    page = client.get(reverse("desk:claim", args=[draft.pk])).content.decode()
    assert "Attach at least one piece of evidence" in page


@pytest.mark.django_db
def test_desk_tells_a_reviewer_who_last_edited_why_they_cannot_publish(client, reviewer):
    claim = _in_review(reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    assert "Four eyes: you were the last to edit this claim" in page


@pytest.mark.django_db
def test_desk_reviewer_approves_and_publishes(client, editor, reviewer):
    claim = _in_review(editor)
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "published", "version": claim.version, "comment": "Approved."},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "published"


@pytest.mark.django_db
def test_desk_refusal_is_shown_next_to_the_form_with_what_was_typed(client, editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {
            "to": "in_review",
            "version": claim.version,
            "verdict": "false",
            "rationale": " ",
            "comment": "Ready?",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A verdict needs a written rationale." in page and "Ready?" in page
    assert Claim.objects.get(pk=claim.pk).status == "draft"


@pytest.mark.django_db
def test_desk_stale_transition_explains_someone_else_changed_the_claim(client, editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "researching", "version": claim.version + 5},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "draft"
