"""Creating, editing and deleting claims: selector resolution, per-kind details, attendees, optimistic locking."""

from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from claims import anchoring, limits
from claims.dates import parse_partial_date
from claims.details import DetailsError, clean_details
from claims.models import Article, ArticleRevision, Attendee, Claim, Entity, Evidence
from claims.services.errors import ClaimGone, ClaimInvalid, ClaimLocked, StaleVersion
from claims.services.history import diff, record_event
from claims.services.matching import queue_similar
from claims.services.series import queue_claim_proposals
from claims.services.workflow import proposable, propose_edit, record_correction

#: Fields whose change is substantive: it makes the editor the claim's last editor (four eyes) and is history.
SUBSTANTIVE = (
    "statement",
    "statement_language",
    "statement_en",
    "kind",
    "claimant",
    "claimant_entity_id",
    "claimed_on",
    "details",
    "exact",
    "start",
    "end",
)


#: Each text field of a claim and its limit; the API serializers and the desk forms show the same numbers.
FIELD_LIMITS = {
    "statement": limits.CLAIM_STATEMENT_MAX_CHARS,
    "statement_en": limits.CLAIM_STATEMENT_MAX_CHARS,
    "claimant": limits.CLAIMANT_MAX_CHARS,
}


def resolve_selector(text: str, selector: Mapping[str, Any]) -> anchoring.Selector:
    try:
        return anchoring.resolve_selector(text, selector)
    except anchoring.AnchorError as exc:
        raise ClaimInvalid({"selector": str(exc)}) from exc


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors = limits.check_lengths(fields, FIELD_LIMITS)
    if "statement" in fields and not (fields["statement"] or "").strip():
        errors["statement"] = _("Write the claim as a neutral statement.")
    if fields.get("claimed_on"):
        try:
            fields["claimed_on"] = str(parse_partial_date(fields["claimed_on"]))
        except ValueError as exc:
            errors["claimed_on"] = str(exc)
    if "kind" in fields or "details" in fields:
        try:
            fields["details"] = clean_details(fields["kind"], fields.get("details"))
        except DetailsError as exc:
            errors.update({f"details.{k}" if k != "kind" else k: v for k, v in exc.errors.items()})
    if errors:
        raise ClaimInvalid(errors)
    return fields


@transaction.atomic
def create_claim(
    *,
    article: Article,
    by: User,
    selector: dict[str, Any],
    statement: str,
    kind: str = "other",
    statement_language: str = "",
    statement_en: str = "",
    claimant: str = "",
    claimant_entity: Entity | None = None,
    claimed_on: str = "",
    details: dict[str, Any] | None = None,
    attendees: list[dict[str, Any]] | None = None,
    entities: list[Entity] | None = None,
) -> Claim:
    revision = article.current_revision
    if revision is None:
        raise ClaimInvalid({"article": _("The article has no text yet (it is still being fetched).")})
    sel = resolve_selector(revision.text, selector or {})
    fields = _clean_fields(
        {
            "statement": statement,
            "statement_en": statement_en,
            "claimant": claimant,
            "kind": kind,
            "details": details,
            "claimed_on": claimed_on,
        }
    )
    claim = Claim(
        article=article,
        revision=revision,
        exact=sel.exact,
        prefix=sel.prefix,
        suffix=sel.suffix,
        start=sel.start,
        end=sel.end,
        kind=kind,
        statement=statement.strip(),
        statement_language=statement_language or article.language,
        statement_en=statement_en.strip(),
        claimant=claimant.strip(),
        claimant_entity=claimant_entity,
        claimed_on=fields["claimed_on"],
        details=fields["details"],
        created_by=by,
        last_editor=by,
    )
    claim.mark_written(["statement", *(["statement_en"] if claim.statement_en else [])], by)
    claim.save()
    if entities:
        claim.entities.set(entities)
    if attendees:
        _write_attendees(claim, attendees)
    record_event(
        claim=claim,
        actor=by,
        action="created",
        to_status=claim.status,
        changes={"statement": [None, claim.statement], "kind": [None, kind]},
    )
    queue_similar(claim_id=claim.pk)
    queue_claim_proposals(claim=claim)
    return claim


def _snapshot(claim: Claim) -> dict[str, Any]:
    return {f: getattr(claim, f) for f in SUBSTANTIVE}


@proposable
@transaction.atomic
def update_claim(
    *,
    claim_id: int,
    by: User,
    version: int,
    selector: dict[str, Any] | None = None,
    attendees: list[dict[str, Any]] | None = None,
    entities: list[Entity] | None = None,
    correction: str = "",
    approved_by: User | None = None,
    **fields: Any,
) -> Claim:
    """Apply an editor's changes to the claim they read at ``version``; raise StaleVersion if it moved on.

    A published claim changes only with a ``correction`` note (what changed and why), which is public, and only
    once another reviewer approves it: until ``approved_by`` is given (``services.workflow.decide_correction``)
    the change is kept as ``by``'s proposed correction and the claim is returned unchanged. A meeting changed to
    another kind loses its attendees; the history records who they were.
    """
    # Row lock: of two editors saving the same version at once, the second waits here and then sees the bump.
    claim = Claim.objects.select_for_update().select_related("revision").get(pk=claim_id)
    if claim.version != version:
        raise StaleVersion(claim, version)
    if claim.is_public and not correction.strip():
        raise ClaimLocked(_("This claim is published: change it through a correction that says what changed and why."))
    if claim.is_public and approved_by is None:
        arguments = {"selector": selector, "attendees": attendees, "entities": entities, **fields}
        propose_edit(claim=claim, by=by, public_note=correction, service="update_claim", arguments=arguments)
        return claim
    before = _snapshot(claim)
    fields.setdefault("kind", claim.kind)
    if "details" not in fields and fields["kind"] != claim.kind:
        fields["details"] = {}
    elif "details" not in fields:
        fields["details"] = claim.details
    fields = _clean_fields(fields)
    for name, value in fields.items():
        setattr(claim, name, value.strip() if isinstance(value, str) and name != "exact" else value)
    if selector:
        revision = cast(ArticleRevision, claim.article.current_revision)  # a claim's article has a text
        claim.move_to(revision, resolve_selector(revision.text, selector))
        claim.anchor, claim.anchor_confidence = Claim.Anchor.EXACT, 1.0
    # The entity list changes only by these two (attendees are added to it); otherwise it is not read at all.
    touches_entities = entities is not None or attendees is not None
    entities_before = _entities(claim) if touches_entities else None
    if entities is not None:
        claim.entities.set(entities)
    if attendees is None and before["kind"] == Claim.Kind.MEETING and claim.kind != Claim.Kind.MEETING:
        # Only a meeting has attendees: a claim that stops being one loses them, and its history says so.
        attendees = []
    attendee_changes = _write_attendees(claim, attendees) if attendees is not None else {}
    changes = diff(before, _snapshot(claim)) | attendee_changes
    if touches_entities and (entities_after := _entities(claim)) != entities_before:
        # Public pages show who a claim is about: a published claim's list changes by a correction, like any field.
        changes["entities"] = [[name for _pk, name in entities_before or []], [name for _pk, name in entities_after]]
    if not changes:
        return claim
    claim.last_editor = by
    claim.mark_written(changes, by)
    claim.version = F("version") + 1
    claim.save()
    claim.refresh_from_db()
    if claim.is_public:
        record_correction(claim=claim, by=by, changes=changes, public_note=correction, approved_by=approved_by)
    else:
        record_event(claim=claim, actor=by, action="edited", changes=changes)
    queue_similar(claim_id=claim.pk)
    queue_claim_proposals(claim=claim)
    return claim


@transaction.atomic
def delete_claim(*, claim: Claim, by: User, version: int) -> None:
    # Two deletes of one claim: the second waits on this lock, then finds no row.
    locked = Claim.objects.select_for_update().filter(pk=claim.pk).first()
    if locked is None:
        raise ClaimGone(_("This claim was deleted a moment ago by someone else."))
    claim = locked
    if claim.version != version:
        raise StaleVersion(claim, version)
    if claim.is_public:
        raise ClaimLocked(_("A published claim is never deleted: retract it instead, so readers see what happened."))
    record_event(
        claim=claim,
        actor=by,
        action="deleted",
        from_status=claim.status,
        changes={"statement": [claim.statement, None]},
    )
    claim.delete()


def _write_attendees(claim: Claim, attendees: list[dict[str, Any]]) -> dict[str, Any]:
    """Replace a meeting's attendees; returns the history diff. Each item: entity (id or Entity), role, status…"""
    if not isinstance(attendees, list) or not all(isinstance(item, dict) for item in attendees):
        raise ClaimInvalid({"attendees": _("Give the attendees as a list of objects, each naming an entity.")})
    if claim.kind != Claim.Kind.MEETING and attendees:
        raise ClaimInvalid({"attendees": _("Only a meeting claim has attendees.")})
    before = {a.entity_id: (a.role, a.status, a.name, a.evidence_note) for a in claim.attendees.all()}
    rows: list[Attendee] = []
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for i, item in enumerate(attendees):
        entity = item.get("entity")
        if isinstance(entity, int | str) and str(entity).isdigit():
            entity = Entity.objects.filter(pk=int(entity)).first()
        if not isinstance(entity, Entity):
            errors[f"attendees.{i}.entity"] = _("Choose an entity (or create it) for every attendee.")
            continue
        if entity.pk in seen:
            errors[f"attendees.{i}.entity"] = _("%(entity)s is listed twice.") % {"entity": entity}
            continue
        seen.add(entity.pk)
        not_text = [name for name in ("name", "role", "evidence_note") if not isinstance(item.get(name) or "", str)]
        if not_text:
            errors[f"attendees.{i}.{not_text[0]}"] = _("Write this as text.")
            continue
        status = item.get("status") or Attendee.Status.UNVERIFIED
        if not isinstance(status, str) or status not in Attendee.Status.values:
            errors[f"attendees.{i}.status"] = _("Use one of: %(values)s.") % {
                "values": ", ".join(Attendee.Status.values)
            }
            continue
        evidence = item.get("evidence")
        if evidence is not None and not isinstance(evidence, Evidence):
            evidence = Evidence.objects.filter(pk=evidence).first() if str(evidence).isdigit() else None
            if evidence is None:
                errors[f"attendees.{i}.evidence"] = _("Choose a piece of this claim's evidence.")
                continue
        if evidence is not None and evidence.claim_id != claim.pk:
            # Shown beside the attendance on the public page: only the claim's own evidence is public with it.
            errors[f"attendees.{i}.evidence"] = _("Choose a piece of this claim's evidence.")
            continue
        rows.append(
            Attendee(
                claim=claim,
                entity=entity,
                name=(item.get("name") or "").strip(),
                role=(item.get("role") or "").strip(),
                status=status,
                evidence_note=(item.get("evidence_note") or "").strip(),
                evidence=evidence,
                order=i,
            )
        )
    if errors:
        raise ClaimInvalid(errors)
    claim.attendees.all().delete()
    Attendee.objects.bulk_create(rows)
    claim.entities.add(*[r.entity for r in rows])
    after = {r.entity_id: (r.role, r.status, r.name, r.evidence_note) for r in rows}
    if before == after:
        return {}
    return {
        "attendees": [
            [_attendee_line(k, v) for k, v in before.items()],
            [_attendee_line(k, v) for k, v in after.items()],
        ]
    }


def _attendee_line(entity_id: int, values: tuple[str, str, str, str]) -> str:
    """entity:role:status, then the name as written and the evidence note when there are any."""
    role, status, name, note = values
    return ":".join([str(entity_id), role, status, *([name, note] if note else [name] if name else [])])


def _entities(claim: Claim) -> list[tuple[int, str]]:
    """The claim's entities as (id, name) in name order: compared by id, shown in the history by name."""
    return sorted(claim.entities.values_list("id", "name"), key=lambda entity: (entity[1], entity[0]))
