"""The one place a claim's status or verdict changes: checks the state machine, writes history, stamps dates."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import limits, workflow
from claims.models import Claim
from claims.page_cache import invalidate_claim
from claims.services.articles import approve_public_anchor
from claims.services.errors import StaleVersion
from claims.services.history import record_event
from claims.services.roles import actor_for
from claims.workflow import PublicationRewritten, Status, Transition, TransitionRefused

__all__ = [
    "PublicationRewritten",
    "TransitionOption",
    "TransitionRefused",
    "record_correction",
    "set_verdict",
    "transition_claim",
    "transition_options",
]


@dataclass(frozen=True)
class TransitionOption:
    """A transition the desk offers a user on a claim page; ``blocked`` says why it cannot be made now."""

    transition: Transition
    blocked: str

    @property
    def target(self) -> str:
        return self.transition.target.value


def claim_state(
    claim: Claim,
    *,
    verdict: str | None = None,
    rationale: str | None = None,
    public_note: str | None = None,
    evidence_count: int | None = None,
    names: dict[int, str] | None = None,
) -> workflow.ClaimState:
    return workflow.ClaimState(
        status=Status(claim.status),
        verdict=claim.verdict if verdict is None else verdict,
        rationale=claim.rationale if rationale is None else rationale,
        kind=claim.kind,
        evidence_count=claim.evidence.count() if evidence_count is None else evidence_count,
        last_editor_id=claim.last_editor_id,
        public_note=claim.public_note if public_note is None else public_note,
        public_text_authors=claim.public_text_authors,
        names=names or {},
    )


def author_names(claim: Claim) -> dict[int, str]:
    """The usernames of the claim's last editor and public text authors: four eyes messages name them."""
    ids = {*claim.public_text_authors.values(), claim.last_editor_id} - {None}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}


def transition_options(*, claim: Claim, user: User, evidence_count: int | None = None) -> list[TransitionOption]:
    """The transitions ``user``'s roles allow from the claim's status, each with what blocks it (or '')."""
    actor = actor_for(user)
    transitions = workflow.transitions_for(Status(claim.status), actor)
    # Names cost a query: only a claim that can be published shows them (who may publish it).
    names = author_names(claim) if any(t.four_eyes for t in transitions) else {}
    state = claim_state(claim, evidence_count=evidence_count, names=names)
    return [TransitionOption(t, workflow.blocked_reason(state, t, actor)) for t in transitions]


def _check_lengths(*, rationale: str | None, comment: str = "", public_note: str | None = None) -> None:
    for text, limit, what in (
        (rationale, limits.RATIONALE_MAX_CHARS, _("The rationale")),
        (comment, limits.COMMENT_MAX_CHARS, _("The comment")),
        (public_note, limits.COMMENT_MAX_CHARS, _("The public note")),
    ):
        if message := limits.too_long(text, limit):
            raise TransitionRefused(f"{what}: {message}")


def transition_claim(
    *,
    claim: Claim,
    to: str,
    by: User,
    verdict: str | None = None,
    rationale: str | None = None,
    comment: str = "",
    public_note: str | None = None,
    version: int | None = None,
) -> Claim:
    """Move ``claim`` to status ``to`` as user ``by``; raise TransitionRefused with the reason if not allowed.

    ``comment`` is internal (the desk's); ``public_note`` is for readers: proposed with a verdict, shown with the
    publication, and required for a correction or a retraction. ``None`` keeps what the claim has.

    Publishing publishes the proposal as it stands. A reviewer who sends another verdict, rationale or public note
    becomes their author: the change is kept, committed, as their proposal (the claim stays in review) and
    PublicationRewritten is raised, saying who may publish now.

    ``version`` is the claim version the user's form was based on; a stale one raises StaleVersion, so a reviewer
    never publishes a verdict they have not seen.
    """
    claim, rewritten = _transition(
        claim=claim,
        to=to,
        by=by,
        verdict=verdict,
        rationale=rationale,
        comment=comment,
        public_note=public_note,
        version=version,
    )
    if rewritten is not None:
        raise rewritten
    return claim


@transaction.atomic
def _transition(
    *,
    claim: Claim,
    to: str,
    by: User,
    verdict: str | None,
    rationale: str | None,
    comment: str,
    public_note: str | None,
    version: int | None,
) -> tuple[Claim, workflow.PublicationRewritten | None]:
    # Lock: a reviewer publishing and an editor editing at once are serialized; the loser sees the new state.
    _check_lengths(rationale=rationale, comment=comment, public_note=public_note)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and claim.version != version:
        raise StaleVersion(claim, version)
    try:
        target = Status(to)
    except ValueError:
        raise TransitionRefused(f"Unknown status {to!r}; use one of: {', '.join(s.value for s in Status)}.") from None
    before = {"verdict": claim.verdict, "rationale": claim.rationale, "public_note": claim.public_note}
    after = {
        "verdict": claim.verdict if verdict is None else verdict,
        "rationale": claim.rationale if rationale is None else rationale,
        "public_note": claim.public_note if public_note is None else public_note.strip(),
    }
    if target in (Status.CORRECTED, Status.RETRACTED):
        after["public_note"] = (public_note or "").strip()  # each correction or retraction says its own why
    state = claim_state(claim, names=author_names(claim))  # as it stands: a publication compares with it
    try:
        workflow.check_transition(
            state,
            target,
            actor_for(by),
            comment=comment,
            public_note_sent=bool(public_note and public_note.strip()),
            **after,
        )
    except workflow.PublicationRewritten as rewritten:
        _rewrite_proposal(claim, by=by, fields=rewritten.rewrites, values=after, comment=comment)
        return claim, rewritten
    if target in (Status.PUBLISHED, Status.CORRECTED):
        # A reviewer approves the claim as anchored now: that is the quote readers get.
        approve_public_anchor(claim=claim, going_public=not claim.is_public)
    from_status = claim.status
    changed = [name for name in after if after[name] != before[name]]
    claim.status, claim.verdict, claim.rationale = target.value, after["verdict"], after["rationale"]
    if target in (Status.IN_REVIEW, Status.CORRECTED, Status.RETRACTED):
        # The proposal's public note, or the note of the latest correction or retraction.
        claim.public_note = after["public_note"]
    else:
        changed = [name for name in changed if name != "public_note"]
    if target == Status.PUBLISHED and claim.published_at is None:
        claim.published_at = timezone.now()
    if changed:
        # Writing a verdict, rationale or public note, on any move, is substantive: someone else must approve it.
        # (A publication changes none of them: it raised PublicationRewritten above.)
        claim.last_editor = by
        claim.mark_written(changed, by)
    claim.version += 1
    claim.save(
        update_fields=[
            "status",
            "verdict",
            "rationale",
            "public_note",
            "public_text_authors",
            "published_at",
            "last_editor",
            "version",
            "updated_at",
        ]
    )
    action = "correction" if target == Status.CORRECTED else "transition"
    changes: dict[str, Any] = {
        name: [before[name], after[name]] for name in ("rationale", "public_note") if name in changed
    }
    # Only what readers are meant to read goes into the event's public note; the comment stays internal.
    note = claim.public_note if target in workflow.PUBLIC_STATUSES else ""
    record_event(
        claim=claim,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=target.value,
        from_verdict=before["verdict"],
        to_verdict=claim.verdict,
        comment=comment,
        public_note=note,
        changes=changes,
    )
    _after_public_change(claim)
    return claim, None


def _rewrite_proposal(claim: Claim, *, by: User, fields: list[str], values: dict[str, str], comment: str) -> None:
    """A reviewer's changes at publication become the claim's proposal, written by them; it stays in review."""
    changes = {name: [getattr(claim, name), values[name]] for name in fields}
    from_verdict = claim.verdict
    for name in fields:
        setattr(claim, name, values[name])
    claim.last_editor = by
    claim.mark_written(fields, by)
    claim.version += 1
    claim.save(
        update_fields=[
            "verdict",
            "rationale",
            "public_note",
            "public_text_authors",
            "last_editor",
            "version",
            "updated_at",
        ]
    )
    record_event(
        claim=claim,
        actor=by,
        action="edited",
        from_verdict=from_verdict,
        to_verdict=claim.verdict,
        changes=changes,
        comment=comment,
    )


@transaction.atomic
def set_verdict(*, claim: Claim, by: User, verdict: str, rationale: str, version: int | None = None) -> Claim:
    """Record a proposed verdict on an unpublished claim without moving it (published ones: ``correct``)."""
    _check_lengths(rationale=rationale)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and claim.version != version:
        raise StaleVersion(claim, version)
    if claim.is_public:
        raise TransitionRefused("A published verdict changes only through a correction.")
    if verdict:
        workflow.check_verdict(verdict, rationale, kind=claim.kind)
    if (verdict, rationale) == (claim.verdict, claim.rationale):
        return claim
    from_verdict, from_rationale = claim.verdict, claim.rationale
    claim.mark_written(
        [
            name
            for name, old, new in (("verdict", from_verdict, verdict), ("rationale", from_rationale, rationale))
            if old != new
        ],
        by,
    )
    claim.verdict, claim.rationale, claim.last_editor = verdict, rationale, by
    claim.version += 1
    claim.save(update_fields=["verdict", "rationale", "last_editor", "public_text_authors", "version", "updated_at"])
    record_event(
        claim=claim,
        actor=by,
        action="edited",
        from_verdict=from_verdict,
        to_verdict=verdict,
        changes={"rationale": [from_rationale, rationale]},
    )
    return claim


def record_correction(*, claim: Claim, by: User, changes: dict[str, Any], public_note: str) -> None:
    """A published claim's fields or evidence changed: mark it corrected, publicly, with the reviewer's note.

    Called inside the caller's transaction after its save, so a refusal here rolls the change back.
    """
    _check_lengths(rationale=None, public_note=public_note)
    workflow.check_correction(actor_for(by), public_note)
    approve_public_anchor(claim=claim, going_public=False)
    from_status = claim.status
    claim.public_note = public_note.strip()
    claim.mark_written(["public_note"], by)
    if claim.status == Status.PUBLISHED:
        claim.status = Status.CORRECTED.value
    claim.save(update_fields=["status", "public_note", "public_text_authors", "updated_at"])
    record_event(
        claim=claim,
        actor=by,
        action="correction",
        from_status=from_status,
        to_status=claim.status,
        from_verdict=claim.verdict,
        to_verdict=claim.verdict,
        changes=changes,
        public_note=claim.public_note,
    )
    _after_public_change(claim)


def _after_public_change(claim: Claim) -> None:
    """Public pages cache by claim; drop the cached copies once the change is committed."""
    if claim.is_public:
        transaction.on_commit(lambda: invalidate_claim(claim.pk))
