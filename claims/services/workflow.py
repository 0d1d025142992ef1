"""The one place a claim's status or verdict changes: checks the state machine, writes history, stamps dates."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from claims import limits, workflow
from claims.models import Claim, ClaimCorrection
from claims.page_cache import invalidate_claim
from claims.services.articles import approve_public_anchor
from claims.services.errors import StaleVersion
from claims.services.history import record_event
from claims.services.roles import actor_for
from claims.workflow import CorrectionRewritten, PublicationRewritten, Status, Transition, TransitionRefused

__all__ = [
    "CorrectionRewritten",
    "PublicationRewritten",
    "StaleCorrection",
    "TransitionOption",
    "TransitionRefused",
    "decide_correction",
    "pending_correction",
    "propose_edit",
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


def transition_options(
    *, claim: Claim, user: User, evidence_count: int | None = None, pending: ClaimCorrection | None = None
) -> list[TransitionOption]:
    """The transitions ``user``'s roles allow from the claim's status, each with what blocks it (or '').

    While a correction is ``pending`` the claim offers no other correction or retraction: the desk shows the
    pending one instead, to approve, send back or withdraw.
    """
    actor = actor_for(user)
    transitions = workflow.transitions_for(Status(claim.status), actor)
    if pending is not None:
        transitions = [t for t in transitions if not t.proposed]
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
            raise TransitionRefused(_("%(what)s: %(message)s") % {"what": what, "message": message})


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
    correction: int | None = None,
) -> Claim:
    """Move ``claim`` to status ``to`` as user ``by``; raise TransitionRefused with the reason if not allowed.

    ``comment`` is internal (the desk's); ``public_note`` is for readers: proposed with a verdict, shown with the
    publication, and required for a correction or a retraction. ``None`` keeps what the claim has.

    Publishing publishes the proposal as it stands. A reviewer who sends another verdict, rationale or public note
    becomes their author: the change is kept, committed, as their proposal (the claim stays in review) and
    PublicationRewritten is raised, saying who may publish now.

    ``version`` is the claim version the user's form was based on; a stale one raises StaleVersion, so a reviewer
    never publishes a verdict they have not seen.

    A correction or a retraction is first a proposal (``ClaimCorrection``): the claim is returned unchanged, with
    it pending. The same move by another reviewer approves the pending one (``decide_correction``); ``correction``
    is the id of the pending correction they read.
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
        correction=correction,
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
    correction: int | str | None,
) -> tuple[Claim, workflow.TransitionRefused | None]:
    # Lock: a reviewer publishing and an editor editing at once are serialized; the loser sees the new state.
    _check_lengths(rationale=rationale, comment=comment, public_note=public_note)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and claim.version != version:
        raise StaleVersion(claim, version)
    try:
        target = Status(to)
    except ValueError:
        raise TransitionRefused(
            _("Unknown status %(status)s; use one of: %(statuses)s.")
            % {"status": repr(to), "statuses": ", ".join(s.value for s in Status)}
        ) from None
    if target in (Status.CORRECTED, Status.RETRACTED) and (pending := pending_correction(claim)) is not None:
        # The same move by another reviewer approves the pending one (as proposed, unless they rewrite it).
        if pending.target != target.value:
            raise TransitionRefused(workflow.pending_reason(pending_state(pending)))
        if correction is not None and correction != pending.pk:
            raise StaleCorrection(claim, _(STALE_CORRECTION))
        rewritten = _decide(
            claim,
            pending,
            by=by,
            decision="approve",
            comment=comment,
            verdict=verdict,
            rationale=rationale,
            public_note=public_note,
        )
        return claim, rewritten
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
    if target in (Status.CORRECTED, Status.RETRACTED):
        _propose_transition(claim, target=target, by=by, before=before, after=after, comment=comment)
        return claim, None
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
    action = "transition"  # a correction or retraction was proposed above, and is made by _apply_transition
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
    claim.save(update_fields=_PROPOSAL_FIELDS)
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
        raise TransitionRefused(_("A published verdict changes only through a correction."))
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


def record_correction(
    *, claim: Claim, by: User, changes: dict[str, Any], public_note: str, approved_by: User | None = None
) -> None:
    """A published claim's fields or evidence changed: mark it corrected, publicly, with the proposer's note.

    ``by`` proposed the change and wrote the note; ``approved_by`` is the other reviewer who approved it (see
    ``propose_edit``). Called inside the caller's transaction after its save, so a refusal rolls the change back.
    While ``propose_edit`` previews the change it raises ``_Preview`` here, which rolls the change back too.
    """
    if approved_by is PREVIEW:
        raise _Preview(changes)
    if approved_by is None:
        raise TransitionRefused(_("A published claim changes only as a correction that another reviewer approves."))
    approve_public_anchor(claim=claim, going_public=False)
    from_status = claim.status
    claim.public_note = public_note.strip()
    claim.mark_written(["public_note"], by)
    if claim.status == Status.PUBLISHED:
        claim.status = Status.CORRECTED.value
    claim.save(update_fields=["status", "public_note", "public_text_authors", "updated_at"])
    record_event(
        claim=claim,
        actor=approved_by,
        action="correction",
        from_status=from_status,
        to_status=claim.status,
        from_verdict=claim.verdict,
        to_verdict=claim.verdict,
        changes=changes,
        public_note=claim.public_note,
    )
    _after_public_change(claim)


#: ``approved_by`` of a service run that only previews a proposed edit (its change is rolled back).
PREVIEW = object()


class _Preview(Exception):
    def __init__(self, changes: dict[str, Any]):
        super().__init__("preview")
        self.changes = changes


class StaleCorrection(TransitionRefused):
    """The pending correction changed (or was decided) since the reviewer read it."""

    def __init__(self, claim: Claim, message: str):
        super().__init__(message)
        self.current = claim


STALE_CORRECTION = gettext_noop(
    "The correction you read is no longer pending (it was decided, withdrawn or proposed anew); read the claim again."
)


def pending_correction(claim: Claim) -> ClaimCorrection | None:
    return claim.corrections.filter(state=ClaimCorrection.State.PENDING).select_related("proposed_by").first()


def pending_state(pending: ClaimCorrection) -> workflow.PendingCorrection:
    ids = {*pending.authors.values(), pending.proposed_by_id} - {None}
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
    return workflow.PendingCorrection(
        kind=pending.kind,
        verdict=pending.verdict,
        rationale=pending.rationale,
        public_note=pending.public_note,
        proposer_id=pending.proposed_by_id,
        authors=pending.authors,
        names=names,
    )


def _check_none_pending(claim: Claim) -> None:
    if (pending := pending_correction(claim)) is not None:
        raise TransitionRefused(workflow.pending_reason(pending_state(pending)))


def _propose(
    claim: Claim,
    *,
    by: User,
    kind: str,
    public_note: str,
    changes: dict[str, Any],
    comment: str = "",
    **values: object,
) -> ClaimCorrection:
    """Keep a correction as ``by``'s proposal; readers see nothing of it until another reviewer approves it."""
    written = ["public_note", *[name for name in changes if name in workflow.PUBLIC_TEXT]]
    correction = ClaimCorrection.objects.create(
        claim=claim,
        kind=kind,
        public_note=public_note.strip(),
        changes=changes,
        authors=dict.fromkeys(written, by.pk),
        proposed_by=by,
        **values,
    )
    # Desk history only: ClaimEvent.objects.public() leaves proposals out, and an event's public note is empty.
    record_event(
        claim=claim,
        actor=by,
        action="proposal",
        from_status=claim.status,
        to_status=correction.target,
        changes={"correction": [None, kind], **changes, "public_note": [None, correction.public_note]},
        comment=comment,
    )
    return correction


def _propose_transition(
    claim: Claim, *, target: Status, by: User, before: dict[str, str], after: dict[str, str], comment: str
) -> None:
    changes: dict[str, Any] = {"status": [claim.status, target.value]}
    kind = ClaimCorrection.Kind.CORRECT if target == Status.CORRECTED else ClaimCorrection.Kind.RETRACT
    if kind == ClaimCorrection.Kind.CORRECT:
        changes |= {
            name: [before[name], after[name]] for name in ("verdict", "rationale") if before[name] != after[name]
        }
        values = {"verdict": after["verdict"], "rationale": after["rationale"]}
    else:
        values = {"verdict": claim.verdict, "rationale": claim.rationale}
    _propose(claim, by=by, kind=kind, public_note=after["public_note"], changes=changes, comment=comment, **values)


#: What writing a claim's public text saves: the text, who wrote it, and the version it bumps.
_PROPOSAL_FIELDS = [
    "verdict",
    "rationale",
    "public_note",
    "public_text_authors",
    "last_editor",
    "version",
    "updated_at",
]

#: The services whose change of a published claim is proposed first and made on approval, by name. Each registers
#: itself with @proposable: they import this module, so it cannot import them back (tests/test_layers.py).
PROPOSABLE: dict[str, Callable[..., object]] = {}


def proposable[S: Callable[..., object]](service: S) -> S:
    PROPOSABLE[service.__name__] = service
    return service


def _to_json(value: object) -> object:
    """A service's arguments as JSON: model instances by label and key, decimals as text."""
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value


def _from_json(value: object) -> Any:
    """The inverse of ``_to_json``: decoded JSON, with the model instances looked up again."""
    if isinstance(value, dict) and set(value) == {"$model", "pk"}:
        found = apps.get_model(value["$model"])._default_manager.filter(pk=value["pk"]).first()
        if found is None:
            raise TransitionRefused(_("Something this correction refers to was deleted since; propose it again."))
        return found
    if isinstance(value, dict):
        return {key: _from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def _run_operation(
    claim: Claim, operation: dict[str, Any], *, by: User | None, public_note: str, approved_by: User | object
) -> None:
    """Run a proposed edit's service as its proposer ``by`` (None once their account is deleted);
    ``approved_by`` is the approving reviewer, or PREVIEW."""
    arguments = _from_json(operation["arguments"])
    if operation["service"] == "update_claim":
        arguments |= {"claim_id": claim.pk, "version": Claim.objects.get(pk=claim.pk).version}
    elif operation["service"] == "add_evidence":
        arguments |= {"claim": Claim.objects.get(pk=claim.pk)}
    PROPOSABLE[operation["service"]](**arguments, by=by, correction=public_note, approved_by=approved_by)


def propose_edit(
    *, claim: Claim, by: User, public_note: str, service: str, arguments: dict[str, Any]
) -> ClaimCorrection | None:
    """Keep ``service``'s change of a published claim as ``by``'s proposed correction (None if it changes
    nothing): it is checked and previewed now (its change rolled back), and made when another reviewer approves.
    """
    _check_lengths(rationale=None, public_note=public_note)
    workflow.check_correction(actor_for(by), public_note)
    _check_none_pending(claim)
    operation = {"service": service, "arguments": _to_json(arguments)}
    try:
        with transaction.atomic():
            _run_operation(claim, operation, by=by, public_note=public_note, approved_by=PREVIEW)
    except _Preview as preview:
        changes = preview.changes
    else:
        changes = {}
    claim.refresh_from_db()
    if not changes:
        return None
    return _propose(
        claim,
        by=by,
        kind=ClaimCorrection.Kind.EDIT,
        public_note=public_note,
        changes=changes,
        operation=operation,
        verdict=claim.verdict,
        rationale=claim.rationale,
    )


def decide_correction(
    *,
    claim: Claim,
    by: User,
    decision: str,
    comment: str = "",
    verdict: str | None = None,
    rationale: str | None = None,
    public_note: str | None = None,
    correction: int | None = None,
) -> ClaimCorrection:
    """Approve, send back or withdraw the claim's pending correction as user ``by``.

    ``approve``: a reviewer who wrote none of it makes it, as proposed; one who sends another verdict, rationale
    or public note becomes their author, the change is kept (committed) as their proposal and
    CorrectionRewritten is raised, saying who may approve now. ``send_back``: another reviewer refuses it, with an
    internal comment. ``withdraw``: its proposer takes it back. ``correction`` is the id of the pending correction
    the user read; a different one (or none pending) raises StaleCorrection.
    """
    pending, rewritten = _decide_locked(
        claim=claim,
        by=by,
        decision=decision,
        comment=comment,
        verdict=verdict,
        rationale=rationale,
        public_note=public_note,
        correction=correction,
    )
    if rewritten is not None:
        raise rewritten  # after the commit: the rewrite is kept as the proposal
    return pending


@transaction.atomic
def _decide_locked(
    *,
    claim: Claim,
    by: User,
    decision: str,
    comment: str,
    verdict: str | None,
    rationale: str | None,
    public_note: str | None,
    correction: int | None,
) -> tuple[ClaimCorrection, CorrectionRewritten | None]:
    _check_lengths(rationale=rationale, comment=comment, public_note=public_note)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    pending = pending_correction(claim)
    if pending is None or (correction is not None and pending.pk != correction):
        raise StaleCorrection(claim, _(STALE_CORRECTION))
    rewritten = _decide(
        claim,
        pending,
        by=by,
        decision=decision,
        comment=comment,
        verdict=verdict,
        rationale=rationale,
        public_note=public_note,
    )
    pending.refresh_from_db()
    return pending, rewritten


def _decide(
    claim: Claim,
    pending: ClaimCorrection,
    *,
    by: User,
    decision: str,
    comment: str,
    verdict: str | None,
    rationale: str | None,
    public_note: str | None,
) -> CorrectionRewritten | None:
    """Apply ``decision`` to ``pending`` (locked ``claim``); return CorrectionRewritten instead of raising it."""
    state = pending_state(pending)
    actor = actor_for(by)
    if decision == "withdraw":
        if pending.proposed_by_id != by.pk:
            raise TransitionRefused(
                _("Only %(name)s, who proposed it, may withdraw this %(what)s; send it back with a comment instead.")
                % {"name": state.name(pending.proposed_by_id), "what": state.what}
            )
        _close(claim, pending, by=by, state=ClaimCorrection.State.WITHDRAWN, comment=comment)
        return None
    if decision == "send_back":
        if not actor.has(workflow.Role.REVIEWER):
            raise TransitionRefused(_("Only a reviewer may send back a %(what)s.") % {"what": state.what})
        if pending.proposed_by_id == by.pk:
            raise TransitionRefused(
                _("You proposed this %(what)s: withdraw it instead of sending it back.") % {"what": state.what}
            )
        if not comment.strip():
            raise TransitionRefused(_("Say why in a comment to send back this %(what)s.") % {"what": state.what})
        _close(claim, pending, by=by, state=ClaimCorrection.State.SENT_BACK, comment=comment)
        return None
    if decision != "approve":
        raise TransitionRefused(
            _("Unknown decision %(decision)s; use approve, send_back or withdraw.") % {"decision": repr(decision)}
        )
    offered = {
        "verdict": pending.verdict if verdict is None else verdict,
        "rationale": pending.rationale if rationale is None else rationale,
        "public_note": pending.public_note if public_note is None else public_note.strip(),
    }
    try:
        workflow.check_approval(state, actor, kind=claim.kind, **offered)
    except CorrectionRewritten as rewritten:
        changes = {name: [getattr(pending, name), offered[name]] for name in rewritten.rewrites}
        for name in rewritten.rewrites:
            setattr(pending, name, offered[name])
        pending.authors = {**pending.authors, **dict.fromkeys(rewritten.rewrites, by.pk)}
        for name in ("verdict", "rationale"):
            if name in changes:  # what the desk shows as changing: the published value to the proposed one
                pending.changes = {**pending.changes, name: [getattr(claim, name), offered[name]]}
        pending.save(update_fields=["verdict", "rationale", "public_note", "authors", "changes"])
        record_event(claim=claim, actor=by, action="proposal", changes=changes, comment=comment)
        return rewritten
    if pending.kind == ClaimCorrection.Kind.EDIT:
        _run_operation(
            claim, pending.operation, by=pending.proposed_by, public_note=pending.public_note, approved_by=by
        )
        claim.refresh_from_db()
        claim.public_text_authors = {**claim.public_text_authors, "public_note": pending.authors["public_note"]}
        claim.save(update_fields=["public_text_authors"])
    else:
        _apply_transition(claim, pending, by=by, comment=comment)
    pending.state, pending.decided_by, pending.decided_at = ClaimCorrection.State.APPROVED, by, timezone.now()
    pending.comment = comment.strip()
    pending.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    return None


def _close(claim: Claim, pending: ClaimCorrection, *, by: User, state: ClaimCorrection.State, comment: str) -> None:
    pending.state, pending.decided_by, pending.decided_at = state, by, timezone.now()
    pending.comment = comment.strip()
    pending.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    record_event(
        claim=claim, actor=by, action="proposal", changes={"correction": [pending.kind, state]}, comment=comment
    )
    return None


def _apply_transition(claim: Claim, pending: ClaimCorrection, *, by: User, comment: str) -> None:
    """Make an approved correction of the verdict or retraction: what readers now see, with its public note."""
    target = Status(pending.target)
    if target == Status.CORRECTED:
        # The approving reviewer approves the claim as anchored now: that is the quote readers get.
        approve_public_anchor(claim=claim, going_public=False)
    before = {"verdict": claim.verdict, "rationale": claim.rationale, "public_note": claim.public_note}
    after = {"verdict": pending.verdict, "rationale": pending.rationale, "public_note": pending.public_note}
    changed = [name for name in after if after[name] != before[name]]
    from_status = claim.status
    claim.status, claim.verdict, claim.rationale, claim.public_note = target.value, *after.values()
    for name in changed:
        claim.public_text_authors = {**claim.public_text_authors, name: pending.authors.get(name, by.pk)}
    if changed:
        claim.last_editor_id = pending.authors.get("verdict", pending.proposed_by_id)
    claim.version += 1
    claim.save(update_fields=["status", *_PROPOSAL_FIELDS])
    record_event(
        claim=claim,
        actor=by,
        action="correction" if target == Status.CORRECTED else "transition",
        from_status=from_status,
        to_status=target.value,
        from_verdict=before["verdict"],
        to_verdict=claim.verdict,
        comment=comment,
        public_note=claim.public_note,
        changes={name: [before[name], after[name]] for name in ("rationale", "public_note") if name in changed},
    )
    _after_public_change(claim)


def _after_public_change(claim: Claim) -> None:
    """Public pages cache by claim; drop the cached copies once the change is committed."""
    if claim.is_public:
        transaction.on_commit(lambda: invalidate_claim(claim.pk))
