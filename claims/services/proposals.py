"""An editor accepting a proposed claim (it becomes a claim through claims.services.claims, as proposed or edited)
or dismissing it (for good: on the article, and by URL). Proposing: claims.services.proposing."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, ClaimProposal, DismissedProposal, Entity
from claims.services import claims as claim_services
from claims.services.errors import Invalid, ProposalDecided
from claims.services.proposing import propose_claims, url_key

__all__ = ["accept_proposal", "dismiss_proposal", "propose_claims"]


def _lock_pending(proposal: ClaimProposal) -> ClaimProposal:
    # Two editors deciding the same proposal at once: the second waits here, then sees it decided.
    locked = ClaimProposal.objects.select_for_update().select_related("article").get(pk=proposal.pk)
    if locked.state != ClaimProposal.State.PENDING:
        raise ProposalDecided(locked)
    return locked


@transaction.atomic
def accept_proposal(
    *,
    proposal: ClaimProposal,
    by: User,
    kind: str | None = None,
    details: dict[str, Any] | None = None,
    selector: dict[str, Any] | None = None,
    statement: str | None = None,
    claimant: str | None = None,
    **fields: Any,
) -> Claim:
    """Make the proposal a claim, as proposed or with the editor's edits; validated exactly as a new claim is."""
    proposal = _lock_pending(proposal)
    kind = kind or proposal.kind
    if details is None:  # the proposal's fields are those of its own kind: another kind starts empty
        details = proposal.details if kind == proposal.kind else {}
    details = dict(details)
    attendees = details.pop("attendees", None)
    if kind != "meeting":
        attendees = None
    if attendees is not None and not isinstance(attendees, list):
        raise Invalid({"attendees": _("Give the attendees as a list of objects, each naming an entity.")})
    entities = list(Entity.objects.filter(pk__in=proposal.entity_ids))
    claim = claim_services.create_claim(
        article=proposal.article,
        by=by,
        selector=selector or _current_selector(proposal),
        statement=statement if statement is not None else proposal.exact,
        kind=kind,
        claimant=proposal.claimant if claimant is None else claimant,
        claimant_entity=proposal.claimant_entity,
        details=details,
        attendees=[{"entity": a.get("entity")} | _attendee_extras(a) for a in attendees or [] if isinstance(a, dict)],
        entities=entities,
        **fields,
    )
    proposal.state = ClaimProposal.State.ACCEPTED
    proposal.claim = claim
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "claim", "decided_by", "decided_at"])
    return claim


def _attendee_extras(attendee: dict[str, Any]) -> dict[str, Any]:
    return {k: attendee[k] for k in ("role", "status", "name") if attendee.get(k)}


def _current_selector(proposal: ClaimProposal) -> dict[str, Any]:
    """The proposal's selector; positions only when it points into the current revision."""
    selector = proposal.selector
    if proposal.revision_id != proposal.article.current_revision_id:
        selector = {k: selector[k] for k in ("exact", "prefix", "suffix")}
    return selector


@transaction.atomic
def dismiss_proposal(*, proposal: ClaimProposal, by: User) -> ClaimProposal:
    """Dismiss the proposal: it stays dismissed on this article, and on any article imported from the same URL."""
    proposal = _lock_pending(proposal)
    proposal.state = ClaimProposal.State.DISMISSED
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    if proposal.article.url:
        DismissedProposal.objects.get_or_create(
            url_key=url_key(proposal.article.url),
            fingerprint=proposal.fingerprint,
            defaults={"url": proposal.article.url, "dismissed_by": by},
        )
    return proposal
