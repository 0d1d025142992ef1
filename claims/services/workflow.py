"""The one place a claim's status or verdict changes: checks the state machine, writes history, stamps dates."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import limits, workflow
from claims.models import Claim
from claims.services.articles import approve_public_anchor
from claims.services.claims import StaleVersion
from claims.services.history import record_event
from claims.services.roles import actor_for
from claims.workflow import Status, Transition, TransitionRefused

__all__ = ["TransitionOption", "TransitionRefused", "record_correction", "set_verdict", "transition_claim",
           "transition_options"]


@dataclass(frozen=True)
class TransitionOption:
    """A transition the desk offers a user on a claim page; ``blocked`` says why it cannot be made now."""

    transition: Transition
    blocked: str

    @property
    def target(self) -> str:
        return self.transition.target.value


def claim_state(claim: Claim, *, verdict: str | None = None, rationale: str | None = None,
                evidence_count: int | None = None) -> workflow.ClaimState:
    return workflow.ClaimState(
        status=Status(claim.status),
        verdict=claim.verdict if verdict is None else verdict,
        rationale=claim.rationale if rationale is None else rationale,
        kind=claim.kind,
        evidence_count=claim.evidence.count() if evidence_count is None else evidence_count,
        last_editor_id=claim.last_editor_id,
    )


def transition_options(*, claim: Claim, user, evidence_count: int | None = None) -> list[TransitionOption]:
    """The transitions ``user``'s roles allow from the claim's status, each with what blocks it (or '')."""
    actor = actor_for(user)
    state = claim_state(claim, evidence_count=evidence_count)
    return [TransitionOption(t, workflow.blocked_reason(state, t, actor))
            for t in workflow.transitions_for(state.status, actor)]


def _check_lengths(*, rationale: str | None, comment: str = "") -> None:
    for text, limit, what in ((rationale, limits.RATIONALE_MAX_CHARS, _("The rationale")),
                              (comment, limits.COMMENT_MAX_CHARS, _("The comment"))):
        if message := limits.too_long(text, limit):
            raise TransitionRefused(f"{what}: {message}")


@transaction.atomic
def transition_claim(*, claim: Claim, to: str, by, verdict: str | None = None, rationale: str | None = None,
                     comment: str = "", version: int | None = None) -> Claim:
    """Move ``claim`` to status ``to`` as user ``by``; raise TransitionRefused with the reason if not allowed.

    ``version`` is the claim version the user's form was based on; a stale one raises StaleVersion, so a reviewer
    never publishes a verdict they have not seen.
    """
    # Lock: a reviewer publishing and an editor editing at once are serialized; the loser sees the new state.
    _check_lengths(rationale=rationale, comment=comment)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and claim.version != version:
        raise StaleVersion(claim, version)
    try:
        target = Status(to)
    except ValueError:
        raise TransitionRefused(f"Unknown status {to!r}; use one of: {', '.join(s.value for s in Status)}.") from None
    new_verdict = claim.verdict if verdict is None else verdict
    new_rationale = claim.rationale if rationale is None else rationale
    state = claim_state(claim, verdict=new_verdict, rationale=new_rationale)
    workflow.check_transition(state, target, actor_for(by), verdict=new_verdict, rationale=new_rationale,
                              comment=comment)
    if target in (Status.PUBLISHED, Status.CORRECTED):
        # A reviewer approves the claim as anchored now: that is the quote readers get.
        approve_public_anchor(claim=claim, going_public=claim.status not in workflow.PUBLIC_STATUSES)
    from_status, from_verdict, from_rationale = claim.status, claim.verdict, claim.rationale
    verdict_changed = (new_verdict, new_rationale) != (from_verdict, from_rationale)
    claim.status, claim.verdict, claim.rationale = target.value, new_verdict, new_rationale
    if target == Status.PUBLISHED and claim.published_at is None:
        claim.published_at = timezone.now()
    if verdict_changed and target in (Status.IN_REVIEW, Status.CORRECTED):
        claim.last_editor = by  # proposing or correcting a verdict is substantive: someone else must approve
    claim.version += 1
    claim.save(update_fields=["status", "verdict", "rationale", "published_at", "last_editor", "version",
                              "updated_at"])
    action = "correction" if target == Status.CORRECTED else "transition"
    changes = {"rationale": [from_rationale, new_rationale]} if from_rationale != new_rationale else {}
    record_event(claim=claim, actor=by, action=action, from_status=from_status, to_status=target.value,
                 from_verdict=from_verdict, to_verdict=new_verdict, comment=comment, changes=changes)
    _after_public_change(claim)
    return claim


@transaction.atomic
def set_verdict(*, claim: Claim, by, verdict: str, rationale: str, version: int | None = None) -> Claim:
    """Record a proposed verdict on an unpublished claim without moving it (published ones: ``correct``)."""
    _check_lengths(rationale=rationale)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and claim.version != version:
        raise StaleVersion(claim, version)
    if claim.status in workflow.PUBLIC_STATUSES:
        raise TransitionRefused("A published verdict changes only through a correction.")
    if verdict:
        workflow.check_verdict(verdict, rationale, kind=claim.kind)
    if (verdict, rationale) == (claim.verdict, claim.rationale):
        return claim
    from_verdict, from_rationale = claim.verdict, claim.rationale
    claim.verdict, claim.rationale, claim.last_editor = verdict, rationale, by
    claim.version += 1
    claim.save(update_fields=["verdict", "rationale", "last_editor", "version", "updated_at"])
    record_event(claim=claim, actor=by, action="edited", from_verdict=from_verdict, to_verdict=verdict,
                 changes={"rationale": [from_rationale, rationale]})
    return claim


def record_correction(*, claim: Claim, by, changes: dict, comment: str) -> None:
    """A published claim's fields or evidence changed: mark it corrected, publicly, with the note.

    Called inside the caller's transaction after its save, so a refusal here rolls the change back.
    """
    _check_lengths(rationale=None, comment=comment)
    workflow.check_correction(actor_for(by), comment)
    approve_public_anchor(claim=claim, going_public=False)
    from_status = claim.status
    if claim.status == Status.PUBLISHED:
        claim.status = Status.CORRECTED.value
        claim.save(update_fields=["status", "updated_at"])
    record_event(claim=claim, actor=by, action="correction", from_status=from_status, to_status=claim.status,
                 from_verdict=claim.verdict, to_verdict=claim.verdict, changes=changes, comment=comment)
    _after_public_change(claim)


def _after_public_change(claim: Claim) -> None:
    """Public pages cache by claim; drop the cached copies once the change is committed."""
    if claim.status in workflow.PUBLIC_STATUSES:
        from claims.public.cache import invalidate_claim

        transaction.on_commit(lambda: invalidate_claim(claim.pk))
