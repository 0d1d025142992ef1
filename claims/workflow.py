"""The verification workflow as one explicit state machine: statuses, verdicts, who may move a claim where.

Plain Python (no ORM, no request; only gettext, for the names readers see): the workflow service in
``claims/services/workflow.py`` loads a claim, builds a ``ClaimState`` and an ``Actor``, asks ``check_transition``
and then writes. Every rule of the desk's process lives here, so the desk, the API and the admin cannot disagree.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext, gettext_noop


class Status(StrEnum):
    DRAFT = "draft"
    RESEARCHING = "researching"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    CORRECTED = "corrected"
    RETRACTED = "retracted"


#: Each status's name in English, the gettext message id: its other languages are in claims/locale, like every
#: other message of the product.
STATUS_LABELS = {
    Status.DRAFT: gettext_noop("Draft"),
    Status.RESEARCHING: gettext_noop("Researching"),
    Status.IN_REVIEW: gettext_noop("In review"),
    Status.PUBLISHED: gettext_noop("Published"),
    Status.CORRECTED: gettext_noop("Corrected"),
    Status.RETRACTED: gettext_noop("Retracted"),
}


#: Statuses a reader may see. A retracted claim stays visible, marked as retracted, so nothing vanishes.
PUBLIC_STATUSES = frozenset({Status.PUBLISHED, Status.CORRECTED, Status.RETRACTED})


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


@dataclass(frozen=True)
class Verdict:
    id: str
    #: The English name and definition are the gettext message ids; their other languages are in claims/locale.
    label_en: str
    definition_en: str
    #: ClaimReview ratingValue on a 1 (worst) to 5 (best) scale; None where no truth rating applies.
    rating: int | None
    #: Okabe-Ito colour-blind-safe palette, always shown together with ``symbol`` and the label.
    colour: str
    symbol: str

    def label(self, language: str) -> str:
        with translation.override(language):
            return translation.gettext(self.label_en)

    def definition(self, language: str) -> str:
        with translation.override(language):
            return translation.gettext(self.definition_en)

    @property
    def label_ar(self) -> str:
        return self.label("ar")

    @property
    def definition_ar(self) -> str:
        return self.definition("ar")


BEST_RATING = 5
WORST_RATING = 1

VERDICTS: dict[str, Verdict] = {
    v.id: v
    for v in (
        Verdict(
            "accurate",
            gettext_noop("Accurate"),
            gettext_noop("The claim is correct and nothing significant is missing."),
            5,
            "#009E73",
            "✓",
        ),
        Verdict(
            "mostly_accurate",
            gettext_noop("Mostly accurate"),
            gettext_noop("The claim is correct but needs clarification or misses a detail."),
            4,
            "#56B4E9",
            "≈",
        ),
        Verdict(
            "unproven",
            gettext_noop("Unproven"),
            gettext_noop("The available evidence neither confirms nor refutes the claim."),
            3,
            "#999999",
            "?",
        ),
        Verdict(
            "misleading",
            gettext_noop("Misleading"),
            gettext_noop("The claim contains some truth but leaves a false impression."),
            2,
            "#E69F00",
            "!",
        ),
        Verdict(
            "false",
            gettext_noop("False"),
            gettext_noop("The claim is wrong."),
            1,
            "#D55E00",
            "✗",
        ),
        Verdict(
            "not_checkable",
            gettext_noop("Not checkable"),
            gettext_noop("An opinion, a prediction or an assertion that no evidence could settle."),
            None,
            "#CC79A7",
            "—",
        ),
    )
}


#: Roles include the ones below them: a reviewer can do all an editor can, an admin all a reviewer can.
ROLE_INCLUDES: dict[Role, frozenset[Role]] = {
    Role.EDITOR: frozenset({Role.EDITOR}),
    Role.REVIEWER: frozenset({Role.REVIEWER, Role.EDITOR}),
    Role.ADMIN: frozenset(Role),
}


@dataclass(frozen=True)
class Actor:
    id: int
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return any(role in ROLE_INCLUDES[own] for own in self.roles)


#: What a reader sees of a claim that a desk member writes in words, with how the desk names it. Four eyes: each
#: was last written by someone other than the reviewer who publishes it (``Claim.public_text_authors`` keeps who).
PUBLIC_TEXT = {
    "statement": gettext_noop("statement"),
    "statement_en": gettext_noop("English statement"),
    "verdict": gettext_noop("verdict"),
    "rationale": gettext_noop("rationale"),
    "public_note": gettext_noop("public note"),
}

#: Each role's and each transition's name in the refusals' sentences (gettext message ids, like the labels).
ROLE_NAMES = {
    Role.EDITOR: gettext_noop("editor"),
    Role.REVIEWER: gettext_noop("reviewer"),
    Role.ADMIN: gettext_noop("admin"),
}
ACTION_NAMES = {
    "start research": gettext_noop("start research"),
    "back to draft": gettext_noop("back to draft"),
    "propose verdict": gettext_noop("propose verdict"),
    "send back": gettext_noop("send back"),
    "publish": gettext_noop("publish"),
    "correct": gettext_noop("correct"),
    "retract": gettext_noop("retract"),
}


def _action(transition: "Transition") -> str:
    return gettext(ACTION_NAMES.get(transition.name, transition.name))


@dataclass(frozen=True)
class ClaimState:
    status: Status
    verdict: str
    rationale: str
    kind: str
    evidence_count: int
    #: The user who last changed the claim's substance; four eyes means someone else publishes it.
    last_editor_id: int | None
    #: The public note proposed with the verdict, which the publication shows readers.
    public_note: str = ""
    #: Who last wrote each piece of PUBLIC_TEXT (field -> user id); a field nobody wrote is absent.
    public_text_authors: Mapping[str, int] = field(default_factory=dict)
    #: Display names of those authors and of the last editor, for the messages that say who may publish.
    names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    source: frozenset[Status]
    target: Status
    name: str
    role: Role
    needs_verdict: bool = False
    needs_evidence: bool = False
    needs_comment: bool = False
    needs_public_note: bool = False
    four_eyes: bool = False
    #: The move is first proposed (a ``ClaimCorrection``) and made when another reviewer approves it.
    proposed: bool = False
    description: str = field(default="", compare=False)
    #: The desk's button for this transition.
    label: str = field(default="", compare=False)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        frozenset({Status.DRAFT}),
        Status.RESEARCHING,
        "start research",
        Role.EDITOR,
        description=gettext_noop("Any desk member starts researching a draft."),
        label=gettext_noop("Start research"),
    ),
    Transition(
        frozenset({Status.RESEARCHING}),
        Status.DRAFT,
        "back to draft",
        Role.EDITOR,
        description=gettext_noop("Park a claim that is not worth researching yet."),
        label=gettext_noop("Back to draft"),
    ),
    Transition(
        frozenset({Status.DRAFT, Status.RESEARCHING}),
        Status.IN_REVIEW,
        "propose verdict",
        Role.EDITOR,
        needs_verdict=True,
        needs_evidence=True,
        description=gettext_noop("Needs a verdict with a rationale and, unless it is an opinion, evidence."),
        label=gettext_noop("Propose verdict for review"),
    ),
    Transition(
        frozenset({Status.IN_REVIEW}),
        Status.RESEARCHING,
        "send back",
        Role.REVIEWER,
        needs_comment=True,
        description=gettext_noop("A reviewer returns the claim with a comment saying what is missing."),
        label=gettext_noop("Send back with comment"),
    ),
    Transition(
        frozenset({Status.IN_REVIEW}),
        Status.PUBLISHED,
        "publish",
        Role.REVIEWER,
        needs_verdict=True,
        needs_evidence=True,
        four_eyes=True,
        description=gettext_noop(
            "A reviewer who wrote none of its public text publishes exactly what was proposed. "
            "Changing the verdict, rationale or public note makes you their author: the claim then "
            "waits for another reviewer."
        ),
        label=gettext_noop("Approve & publish"),
    ),
    Transition(
        frozenset({Status.PUBLISHED, Status.CORRECTED}),
        Status.CORRECTED,
        "correct",
        Role.REVIEWER,
        needs_verdict=True,
        needs_public_note=True,
        proposed=True,
        description=gettext_noop(
            "Propose a correction; the public note says readers what changed and why. Readers see it "
            "once another reviewer approves it."
        ),
        label=gettext_noop("Propose a correction of the verdict"),
    ),
    Transition(
        frozenset({Status.PUBLISHED, Status.CORRECTED}),
        Status.RETRACTED,
        "retract",
        Role.REVIEWER,
        needs_public_note=True,
        proposed=True,
        description=gettext_noop(
            "Propose to withdraw a published verdict; once another reviewer approves, the page stays "
            "online, marked retracted, with the public note saying why."
        ),
        label=gettext_noop("Propose a retraction"),
    ),
)


class TransitionRefused(ValueError):
    """A transition the rules do not allow; the message says why in plain words."""


class PublicationRewritten(TransitionRefused):
    """A reviewer publishing changed the public text: it becomes their proposal, and someone else publishes it."""

    def __init__(self, rewrites: list[str], message: str) -> None:
        super().__init__(message)
        self.rewrites = rewrites


class CorrectionRewritten(TransitionRefused):
    """A reviewer approving a correction changed its text: it becomes their proposal, and someone else approves."""

    def __init__(self, rewrites: list[str], message: str):
        super().__init__(message)
        self.rewrites = rewrites


def transitions_from(status: Status) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.source]


def transitions_for(status: Status, actor: Actor) -> list[Transition]:
    """The transitions from ``status`` that ``actor``'s roles allow (the desk offers only these)."""
    return [t for t in transitions_from(status) if actor.has(t.role)]


def find_transition(status: Status, target: Status) -> Transition:
    for t in transitions_from(status):
        if t.target == target:
            return t
    allowed = gettext(", ").join(_status_name(t.target) for t in transitions_from(status)) or gettext("none")
    raise TransitionRefused(
        gettext("A claim that is %(status)s cannot move to %(target)s. From %(status)s it can go to: %(allowed)s.")
        % {"status": _status_name(status), "target": _status_name(target), "allowed": allowed}
    )


def _status_name(status: Status) -> str:
    """The status's name in a sentence: its label in a translated language, its id (``in_review``) in English."""
    label = gettext(STATUS_LABELS[status])
    return status.value if label == STATUS_LABELS[status] else label


def check_transition(
    state: ClaimState,
    target: Status,
    actor: Actor,
    *,
    verdict: str,
    rationale: str,
    comment: str,
    public_note: str = "",
    public_note_sent: bool = False,
) -> Transition:
    """Return the transition if ``actor`` may move a claim in ``state`` to ``target``; raise TransitionRefused.

    ``verdict``, ``rationale`` and ``public_note`` are what the claim would carry after the move. A publication
    that changes them raises PublicationRewritten: the caller keeps them as the actor's proposal instead.
    """
    transition = find_transition(state.status, target)
    rewrites = (
        publication_rewrites(state, verdict=verdict, rationale=rationale, public_note=public_note)
        if transition.four_eyes
        else []
    )
    blocked = blocked_reason(state, transition, actor, four_eyes=not rewrites)
    if blocked:
        raise TransitionRefused(blocked)
    check_requirements(
        state, transition, verdict=verdict, rationale=rationale, comment=comment, public_note=public_note
    )
    if public_note_sent and not (transition.needs_verdict or transition.needs_public_note):
        raise TransitionRefused(
            gettext(
                "A public note goes with a verdict, a correction or a retraction, not with "
                "'%(action)s'; write what the desk should know in the comment."
            )
            % {"action": _action(transition)}
        )
    if rewrites:
        authors = dict(state.public_text_authors) | dict.fromkeys(rewrites, actor.id)
        after = replace(state, public_text_authors=authors, last_editor_id=actor.id)
        raise PublicationRewritten(
            rewrites,
            gettext(
                "You changed its %(fields)s while publishing, which makes you "
                "their author: your version is kept as the proposal and the claim waits in review. "
            )
            % {"fields": _fields(rewrites)}
            + four_eyes_reason(after, actor),
        )
    return transition


def check_requirements(
    state: ClaimState, transition: Transition, *, verdict: str, rationale: str, comment: str, public_note: str
) -> None:
    """What the form must carry for ``transition``, whoever makes it."""
    if transition.needs_verdict:
        check_verdict(verdict, rationale, kind=state.kind)
    if transition.needs_comment and not comment.strip():
        raise TransitionRefused(
            gettext("Say why in a comment to %(action)s a claim.") % {"action": _action(transition)}
        )
    if transition.needs_public_note and not public_note.strip():
        raise TransitionRefused(
            gettext("Write the public note that tells readers why you %(action)s this claim.")
            % {"action": _action(transition)}
        )


def publication_rewrites(state: ClaimState, *, verdict: str, rationale: str, public_note: str) -> list[str]:
    """The public text a reviewer would change while publishing (PUBLIC_TEXT keys, in order).

    Publishing publishes what was proposed: a reviewer who rewrites any of it becomes its author, so the claim
    stays in review as their proposal and waits for another reviewer.
    """
    offered = {"verdict": verdict, "rationale": rationale, "public_note": public_note}
    current = {"verdict": state.verdict, "rationale": state.rationale, "public_note": state.public_note}
    return [name for name in offered if offered[name].strip() != current[name].strip()]


def blocked_reason(state: ClaimState, transition: Transition, actor: Actor, *, four_eyes: bool = True) -> str:
    """Why ``actor`` cannot make ``transition`` whatever they type into the form ('' if nothing blocks it).

    The desk shows this next to the form before anyone submits it; ``check_transition`` raises it.
    """
    if not actor.has(transition.role):
        return gettext("Only a %(role)s may %(action)s a claim.") % {
            "role": gettext(ROLE_NAMES[transition.role]),
            "action": _action(transition),
        }
    if transition.needs_evidence and state.kind != "opinion" and state.evidence_count == 0:
        return gettext("Attach at least one piece of evidence before proposing or publishing a verdict.")
    if transition.four_eyes and four_eyes:
        return four_eyes_reason(state, actor)
    return ""


def four_eyes_reason(state: ClaimState, actor: Actor) -> str:
    """Why ``actor`` may not publish: they last edited the claim or last wrote some of its public text ('' if not).

    The message names who may publish instead: any reviewer who wrote none of it.
    """
    author_ids: set[int | None] = {
        state.public_text_authors[k] for k in PUBLIC_TEXT if state.public_text_authors.get(k)
    }
    return _four_eyes_refusal(
        actor,
        authors=state.public_text_authors,
        last_deed=gettext("were the last to edit this claim") if state.last_editor_id == actor.id else "",
        wrote_deed=gettext_noop("last wrote its %(fields)s"),
        refusal=gettext_noop(
            "Four eyes: you %(deeds)s, so you cannot publish it. Another reviewer must publish it: "
            "any reviewer but %(others)s."
        ),
        other_ids=author_ids | {state.last_editor_id},
        name=lambda uid: state.names.get(uid, gettext("user %(id)s") % {"id": uid}),
    )


def _four_eyes_refusal(
    actor: Actor,
    *,
    authors: Mapping[str, int | None],
    last_deed: str,
    wrote_deed: str,
    refusal: str,
    other_ids: set[int | None],
    name: Callable[[int], str],
) -> str:
    """The four-eyes refusal of ``actor`` ('' when they wrote none of the public text and ``last_deed`` is ''):
    what they did, and who may act on the claim instead (``refusal``, a message id with ``deeds`` and ``others``):
    any reviewer but them and the others involved. ``wrote_deed`` is a message id with ``fields``."""
    wrote = [key for key in PUBLIC_TEXT if authors.get(key) == actor.id]
    if not wrote and not last_deed:
        return ""
    done = [last_deed] if last_deed else []
    if wrote:
        done.append(gettext(wrote_deed) % {"fields": _fields(wrote)})
    others = sorted(name(uid) for uid in other_ids - {actor.id, None} if uid is not None)
    return gettext(refusal) % {"deeds": _and(done), "others": _and([gettext("you"), *others])}


def _and(words: list[str]) -> str:
    """``words`` as a list in the active language: "a, b and c"."""
    if len(words) == 1:
        return words[0]
    return gettext("%(items)s and %(last)s") % {"items": gettext(", ").join(words[:-1]), "last": words[-1]}


def _fields(keys: list[str]) -> str:
    """The PUBLIC_TEXT fields named by ``keys``, as a list in the active language."""
    return _and([gettext(PUBLIC_TEXT[key]) for key in keys])


def check_correction(actor: Actor, public_note: str) -> None:
    """A published claim's fields or evidence change only as a reviewer's correction with a public note."""
    correct = next(t for t in TRANSITIONS if t.target == Status.CORRECTED)
    if not actor.has(correct.role):
        raise TransitionRefused(
            gettext("Only a %(role)s may correct a published claim.") % {"role": gettext(ROLE_NAMES[correct.role])}
        )
    if not public_note.strip():
        raise TransitionRefused(
            gettext("Say what changed and why: the correction's public note is shown on the public page.")
        )


@dataclass(frozen=True)
class PendingCorrection:
    """A proposed correction, retraction or edit of a published claim, waiting for another reviewer."""

    #: "correct", "retract" or "edit" (``ClaimCorrection.Kind``).
    kind: str
    verdict: str
    rationale: str
    public_note: str
    proposer_id: int | None
    #: Who last wrote each piece of the proposal's public text (PUBLIC_TEXT key -> user id).
    authors: Mapping[str, int] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def target(self) -> Status:
        return Status.RETRACTED if self.kind == "retract" else Status.CORRECTED

    @property
    def what(self) -> str:
        return gettext(
            {"correct": gettext_noop("correction of the verdict"), "retract": gettext_noop("retraction")}.get(
                self.kind, gettext_noop("correction")
            )
        )

    def name(self, user_id: int | None) -> str:
        if not user_id:
            return gettext("a former user")
        return self.names.get(user_id, gettext("user %(id)s") % {"id": user_id})


def correction_rewrites(pending: PendingCorrection, *, verdict: str, rationale: str, public_note: str) -> list[str]:
    """The proposal's public text a reviewer would change while approving it (PUBLIC_TEXT keys, in order)."""
    offered = {"public_note": public_note}
    current = {"public_note": pending.public_note}
    if pending.kind == "correct":
        offered = {"verdict": verdict, "rationale": rationale} | offered
        current = {"verdict": pending.verdict, "rationale": pending.rationale} | current
    return [name for name in offered if offered[name].strip() != current[name].strip()]


def correction_four_eyes_reason(pending: PendingCorrection, actor: Actor) -> str:
    """Why ``actor`` may not approve ``pending``: they proposed it or wrote some of its text ('' if not).

    The message names who may approve instead: any reviewer who wrote none of it.
    """
    return _four_eyes_refusal(
        actor,
        authors=pending.authors,
        last_deed=gettext("proposed this %(what)s") % {"what": pending.what} if pending.proposer_id == actor.id else "",
        wrote_deed=gettext_noop("wrote its %(fields)s"),
        refusal=gettext_noop(
            "Four eyes: you %(deeds)s, so you cannot approve it. Another reviewer must approve it: "
            "any reviewer but %(others)s."
        ),
        other_ids={*pending.authors.values(), pending.proposer_id},
        name=pending.name,
    )


def pending_reason(pending: PendingCorrection) -> str:
    """Why nothing else changes a published claim while a correction of it waits for approval."""
    return gettext(
        "A %(what)s proposed by %(name)s is waiting for another reviewer: approve it, send it back or withdraw it first."
    ) % {"what": pending.what, "name": pending.name(pending.proposer_id)}


def check_approval(
    pending: PendingCorrection, actor: Actor, *, kind: str, verdict: str, rationale: str, public_note: str
) -> None:
    """Check that ``actor`` may approve ``pending`` with this text; raise TransitionRefused or, when the text was
    changed, CorrectionRewritten (the caller keeps the change as the actor's proposal)."""
    if not actor.has(Role.REVIEWER):
        raise TransitionRefused(gettext("Only a reviewer may approve a %(what)s.") % {"what": pending.what})
    rewrites = correction_rewrites(pending, verdict=verdict, rationale=rationale, public_note=public_note)
    if not rewrites:
        if reason := correction_four_eyes_reason(pending, actor):
            raise TransitionRefused(reason)
        return
    if pending.kind == "correct":
        check_verdict(verdict, rationale, kind=kind)
    if not public_note.strip():
        raise TransitionRefused(
            gettext("Write the public note that tells readers about this %(what)s.") % {"what": pending.what}
        )
    after = replace(pending, authors=dict(pending.authors) | dict.fromkeys(rewrites, actor.id))
    raise CorrectionRewritten(
        rewrites,
        gettext(
            "You changed its %(fields)s while approving, which makes you their "
            "author: your version is kept as the proposed %(what)s, and readers still see the published "
            "claim. "
        )
        % {"fields": _fields(rewrites), "what": pending.what}
        + correction_four_eyes_reason(after, actor),
    )


def check_verdict(verdict: str, rationale: str, *, kind: str) -> None:
    if not verdict:
        raise TransitionRefused(gettext("Choose a verdict first."))
    if verdict not in VERDICTS:
        raise TransitionRefused(
            gettext("Unknown verdict %(verdict)s; use one of: %(verdicts)s.")
            % {"verdict": repr(verdict), "verdicts": ", ".join(VERDICTS)}
        )
    if kind == "opinion" and verdict != "not_checkable":
        raise TransitionRefused(gettext("An opinion is not checkable: its verdict must be 'not_checkable'."))
    if not rationale.strip():
        raise TransitionRefused(gettext("A verdict needs a written rationale."))
