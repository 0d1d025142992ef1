"""Sources and evidence: one source per normalized URL, evidence linking claims to it, capture requests."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from claims import limits
from claims.arabic.typed_numbers import parse_typed_number
from claims.fetching.errors import InvalidURL
from claims.fetching.passages import find_passage
from claims.fetching.reasons import in_language
from claims.fetching.urls import normalize_url, validate_url
from claims.models import Capture, Claim, Evidence, Source
from claims.services.errors import SourceInvalid
from claims.services.history import record_event
from claims.services.queueing import enqueue_after_commit, task
from claims.services.workflow import proposable, propose_edit, record_correction
from claims.uploads import UploadRefused, check_document


def find_or_create_source(
    *,
    url: str = "",
    by: User | None = None,
    kind: str = "news",
    publisher: str = "",
    title: str = "",
    note: str = "",
    document: "File[bytes] | None" = None,
    capture: bool = True,
) -> tuple[Source, bool]:
    """Return the one source for this URL (created and queued for capture if new), or a new offline source."""
    if url:
        try:
            normalized = normalize_url(validate_url(url.strip()))
        except InvalidURL as exc:
            raise SourceInvalid({"url": in_language(exc.reason)}) from exc
        existing = Source.objects.filter(url=normalized).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                source = Source.objects.create(
                    url=normalized,
                    original_url=url.strip(),
                    kind=kind,
                    publisher=publisher,
                    title=title,
                    note=note,
                    created_by=by,
                )
        except IntegrityError:  # another editor added the same URL a moment ago: use theirs
            return Source.objects.get(url=normalized), False
        if capture:
            queue_capture(source=source, trigger="new")
        return source, True
    if not (title.strip() or note.strip() or document):
        raise SourceInvalid({"url": gettext("Give a URL, or describe the offline source (title, note or a file).")})
    if document:
        accept_document(document)
    source = Source.objects.create(
        kind=kind,
        publisher=publisher,
        title=title,
        note=note,
        created_by=by,
        health=Source.Health.OFFLINE,
        **({"document": document} if document else {}),
    )
    return source, True


def accept_document(document: "File[bytes]") -> None:
    """Check an uploaded offline document against the allowlist and the size limit (SourceInvalid says why), and
    name it by its allowlisted extension: upload_to draws the rest of the name at random, and the file is served
    with the allowlisted content type whatever the uploader called it."""
    try:
        kind_of_file = check_document(
            name=document.name or "", size=document.size, stream=document, max_bytes=settings.DOCUMENT_UPLOAD_MAX_BYTES
        )
    except UploadRefused as exc:
        raise SourceInvalid({"document": str(exc)}) from exc
    document.name = "document" + kind_of_file.extension


def queue_capture(*, source: Source, trigger: str = "manual", mode: str | None = None) -> Capture | None:
    """Queue a capture of ``source`` unless one is already queued or running (then return that one).

    ``mode`` (plain or browser) defaults to what the source asks for: "browser" sources are rendered in a browser,
    the others fetched plainly ("auto" ones are followed by a browser capture when the page comes out empty).
    """
    if source.is_offline:
        return None
    in_flight = source.captures.in_flight().first()
    if in_flight:
        return in_flight
    if mode is None:
        mode = _mode_for(source)
    try:
        with transaction.atomic():
            capture = Capture.objects.create(source=source, requested_url=source.url, trigger=trigger, mode=mode)
    except IntegrityError:  # the in-flight uniqueness constraint: someone queued it a moment ago
        return source.captures.in_flight().first()
    enqueue_after_commit(capture_task(mode), capture.pk)
    return capture


def _mode_for(source: Source) -> str:
    """A "browser" source is rendered; an "auto" one too once a plain capture of it came out empty (its latest
    capture is a browser one), so that each re-check does not fetch it plainly in vain first."""
    if source.capture_mode == Source.CaptureMode.BROWSER:
        return Capture.Mode.BROWSER
    if source.capture_mode == Source.CaptureMode.AUTO and source.latest_capture_id:
        latest = Capture.objects.filter(pk=source.latest_capture_id).values_list("mode", flat=True).first()
        if latest == Capture.Mode.BROWSER:
            return Capture.Mode.BROWSER
    return Capture.Mode.PLAIN


def capture_task(mode: str) -> Any:
    """The task that runs a capture of this mode: browser captures have their own queue and workers."""
    return task("capture_in_browser" if mode == Capture.Mode.BROWSER else "capture_source")


def set_capture_mode(*, source: Source, mode: str, by: Any = None) -> Source:
    """How the source's next captures fetch it (Source.CaptureMode); a bad value raises SourceInvalid."""
    if mode not in Source.CaptureMode.values:
        raise SourceInvalid({"capture_mode": gettext("Choose automatic, plain or browser.")})
    Source.objects.filter(pk=source.pk).update(capture_mode=mode)
    source.capture_mode = mode
    return source


ESTIMATE_LIMIT = Decimal(10) ** 18
ALREADY_EVIDENCE: Any = gettext_lazy("This source is already evidence for this claim; edit that evidence instead.")


def _decimal(value: object, field: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = parse_typed_number(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return None
    if number >= ESTIMATE_LIMIT:  # the column holds 18 digits before the decimal point; more would be a 500
        errors[field] = gettext("Enter a number below a billion billion.")
        return None
    return number


def clean_estimate(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        f: _decimal(data.get(f), f, errors) for f in ("estimate_value", "estimate_lower", "estimate_upper")
    }
    lower, upper = out["estimate_lower"], out["estimate_upper"]
    if not errors and lower is not None and upper is not None and lower > upper:
        errors["estimate_upper"] = gettext("The upper bound is below the lower bound.")
    if errors:
        raise SourceInvalid(errors)
    out["estimate_approximate"] = bool(data.get("estimate_approximate"))
    out["estimate_unit"] = (data.get("estimate_unit") or "").strip()
    return out


#: A passage is searched for in every capture of its source: its length bounds that work.
EVIDENCE_LIMITS = {
    "passage": limits.EVIDENCE_PASSAGE_MAX_CHARS,
    "note": limits.EVIDENCE_PASSAGE_MAX_CHARS,
    "correction": limits.COMMENT_MAX_CHARS,
}


def _check_lengths(**texts: str | None) -> None:
    if errors := limits.check_lengths(texts, EVIDENCE_LIMITS):
        raise SourceInvalid(errors)


@proposable
@transaction.atomic
def add_evidence(
    *,
    claim: Claim,
    source: Source,
    by: User,
    stance: str = "supports",
    passage: str = "",
    note: str = "",
    correction: str = "",
    approved_by: User | None = None,
    **estimate: Any,
) -> Evidence | None:
    """Add evidence to a claim. On a published claim the addition is a correction: kept as ``by``'s proposal
    (None is returned) until another reviewer approves it (``approved_by``, see ``services.workflow``)."""
    _check_lengths(passage=passage, note=note, correction=correction)
    if stance not in Evidence.Stance.values:
        raise SourceInvalid(
            {"stance": gettext("Use one of: %(values)s.") % {"values": ", ".join(Evidence.Stance.values)}}
        )
    if claim.is_public and not correction.strip():
        raise SourceInvalid({"claim": gettext("This claim is published: adding evidence is a correction; say why.")})
    if Evidence.objects.filter(claim=claim, source=source).exists():
        raise SourceInvalid({"source": ALREADY_EVIDENCE})
    fields = clean_estimate(estimate)
    if claim.is_public and approved_by is None:
        arguments = {"source": source, "stance": stance, "passage": passage, "note": note, **estimate}
        propose_edit(claim=claim, by=by, public_note=correction, service="add_evidence", arguments=arguments)
        return None
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                claim=claim,
                source=source,
                stance=stance,
                passage=passage.strip(),
                note=note.strip(),
                created_by=by,
                **fields,
            )
    except IntegrityError:  # the same add, sent twice at once: the other one passed the check above first
        raise SourceInvalid({"source": ALREADY_EVIDENCE}) from None
    changes: dict[str, Any] = {"evidence": [None, f"{source} ({stance})"]}
    _claim_touched(claim, by, changes, correction, approved_by)
    if evidence.passage:
        check_passage(evidence_id=evidence.pk)  # at once, against what is already captured (if anything)
        evidence.refresh_from_db()
    return evidence


@proposable
@transaction.atomic
def update_evidence(
    *, evidence: Evidence, by: User, correction: str = "", approved_by: User | None = None, **changes: Any
) -> Evidence:
    """Change evidence; on a published claim it is a correction, proposed first (``add_evidence``)."""
    _check_lengths(passage=changes.get("passage"), note=changes.get("note"), correction=correction)
    claim = evidence.claim
    if claim.is_public and not correction.strip():
        raise SourceInvalid(
            {"claim": gettext("This claim is published: changing its evidence is a correction; say why.")}
        )
    if claim.is_public and approved_by is None:
        arguments = {"evidence": evidence, **changes}
        propose_edit(claim=claim, by=by, public_note=correction, service="update_evidence", arguments=arguments)
        evidence.refresh_from_db()
        return evidence
    if "stance" in changes and changes["stance"] not in Evidence.Stance.values:
        raise SourceInvalid(
            {"stance": gettext("Use one of: %(values)s.") % {"values": ", ".join(Evidence.Stance.values)}}
        )
    estimate_keys = {"estimate_value", "estimate_lower", "estimate_upper", "estimate_approximate", "estimate_unit"}
    if estimate_keys & changes.keys():
        current = {k: getattr(evidence, k) for k in estimate_keys}
        changes.update(clean_estimate(current | {k: v for k, v in changes.items() if k in estimate_keys}))
    before = {k: str(getattr(evidence, k)) for k in changes}
    for name, value in changes.items():
        setattr(evidence, name, value)
    if "passage" in changes:  # where the old passage was found says nothing about the new one
        evidence.passage_found = Evidence.PassageState.UNCHECKED
        evidence.passage_start = evidence.passage_end = evidence.passage_score = evidence.checked_capture = None
    evidence.save()
    diff = {f"evidence.{k}": [before[k], str(v)] for k, v in changes.items() if before[k] != str(v)}
    if diff:
        _claim_touched(claim, by, diff, correction, approved_by)
    if "passage" in changes and evidence.passage:
        check_passage(evidence_id=evidence.pk)  # at once, against what is already captured (if anything)
        evidence.refresh_from_db()
    return evidence


def check_passage(*, evidence_id: int) -> Evidence | None:
    """Search the evidence passage in the source's latest successful capture and record where it is.

    Called when a passage is written (so it never waits for the next capture) and after every new capture.
    """
    evidence = Evidence.objects.filter(pk=evidence_id).select_related("source").first()
    if evidence is None or not evidence.passage:
        return evidence
    done = evidence.source.captures.filter(state=Capture.State.DONE)
    capture = done.order_by(F("fetched_at").desc(nulls_last=True), "-id").first()
    if capture is None:
        return evidence
    return check_passage_against(evidence, capture)


def check_passage_against(evidence: Evidence, capture: Capture) -> Evidence:
    match = find_passage(evidence.passage, capture.text)
    fields = {
        "passage_found": match.state,
        "passage_start": match.start,
        "passage_end": match.end,
        "passage_score": match.score if match.state != "not_found" else None,
        "checked_capture": capture,
    }
    # A concurrent edit of the passage resets it to unchecked and checks its own: only write if unchanged.
    Evidence.objects.filter(pk=evidence.pk, passage=evidence.passage).update(**fields)
    for name, value in fields.items():
        setattr(evidence, name, value)
    return evidence


@proposable
@transaction.atomic
def remove_evidence(*, evidence: Evidence, by: User, correction: str = "", approved_by: User | None = None) -> None:
    """Remove evidence; on a published claim it is a correction, proposed first (``add_evidence``)."""
    claim = evidence.claim
    if claim.is_public and not correction.strip():
        raise SourceInvalid({"claim": gettext("This claim is published: removing evidence is a correction; say why.")})
    if claim.is_public and approved_by is None:
        arguments = {"evidence": evidence}
        propose_edit(claim=claim, by=by, public_note=correction, service="remove_evidence", arguments=arguments)
        return
    _claim_touched(claim, by, {"evidence": [f"{evidence.source} ({evidence.stance})", None]}, correction, approved_by)
    evidence.delete()


def _claim_touched(
    claim: Claim, by: User, changes: dict[str, Any], correction: str, approved_by: User | None = None
) -> None:
    """Evidence is part of a claim's substance: bump its version, record history, correct it if published."""
    Claim.objects.filter(pk=claim.pk).update(last_editor=by, version=F("version") + 1, updated_at=timezone.now())
    claim.refresh_from_db()
    if claim.is_public:
        record_correction(claim=claim, by=by, changes=changes, public_note=correction, approved_by=approved_by)
    else:
        record_event(claim=claim, actor=by, action="evidence", changes=changes)


#: What describes a source and may be corrected; its URL is its identity (one source per normalized URL) and its
#: health, captures and schedule belong to the capture worker.
SOURCE_DESCRIPTION = ("kind", "publisher", "title", "note", "document")


@transaction.atomic
def update_source(*, source: Source, **fields: Any) -> Source:
    """Save a corrected description of ``source`` (``fields``, or what the admin's form already set on it).

    Readers see a published claim's sources, so a source one cites is not changed here: what readers saw
    changes only through a correction of that claim, on the desk.
    """
    if other := set(fields) - set(SOURCE_DESCRIPTION):
        raise SourceInvalid(
            {name: gettext("This is not a source's description: it cannot be changed.") for name in other}
        )
    if Evidence.objects.filter(source_id=source.pk, claim__in=Claim.objects.published()).exists():
        raise SourceInvalid({"source": gettext("A published claim cites this source: correct that claim on the desk.")})
    if isinstance(fields.get("document"), UploadedFile):
        accept_document(fields["document"])
    for name, value in fields.items():
        setattr(source, name, value)
    source.save(update_fields=[*SOURCE_DESCRIPTION])
    return source
