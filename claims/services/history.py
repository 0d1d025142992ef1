"""Writing the append-only claim history; the only place ClaimEvent rows are created."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from claims.models import Claim, ClaimEvent
from claims.services import events


def record_event(
    *,
    claim: Claim,
    actor: User | AnonymousUser | None,
    action: str,
    changes: dict[str, Any] | None = None,
    comment: str = "",
    public_note: str = "",
    from_status: str = "",
    to_status: str = "",
    from_verdict: str = "",
    to_verdict: str = "",
) -> ClaimEvent:
    event = build_event(
        claim=claim,
        actor=actor,
        action=action,
        changes=changes,
        comment=comment,
        public_note=public_note,
        from_status=from_status,
        to_status=to_status,
        from_verdict=from_verdict,
        to_verdict=to_verdict,
    )
    event.save()
    who = actor if isinstance(actor, User) else None
    if from_status != to_status:
        events.status_changed.send(
            sender=Claim, claim=claim, event=event, source=from_status, target=to_status, actor=who
        )
    if from_verdict != to_verdict:
        events.verdict_changed.send(sender=Claim, claim=claim, before=from_verdict, after=to_verdict, actor=who)
    return event


def build_event(
    *,
    claim: Claim,
    actor: User | AnonymousUser | None,
    action: str,
    changes: dict[str, Any] | None = None,
    comment: str = "",
    public_note: str = "",
    from_status: str = "",
    to_status: str = "",
    from_verdict: str = "",
    to_verdict: str = "",
) -> ClaimEvent:
    """An unsaved history row, for writing many at once with ``bulk_create``."""
    return ClaimEvent(
        claim=claim,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        changes=_jsonable(changes or {}),
        comment=comment,
        public_note=public_note,
        from_status=from_status,
        to_status=to_status,
        from_verdict=from_verdict,
        to_verdict=to_verdict,
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _jsonable(value: object) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
