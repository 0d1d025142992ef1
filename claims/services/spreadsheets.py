"""Claims to spreadsheet rows and back: the weekly report desks used to make by hand, and its import.

Export reads a bounded number of claims in a constant number of queries. Import goes through the same services
as the desk (articles, claims, sources, workflow), inside one transaction that a dry run, or any row with a
problem, rolls back: a preview is the real import, undone. docs/spreadsheets.md has the rules.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from claims import spreadsheets
from claims.models import Article, Attendee, Claim, ClaimEvent, Entity, Evidence, Source
from claims.services.articles import create_article
from claims.services.claims import create_claim
from claims.services.entities import find_or_create_entity
from claims.services.errors import ArticleInvalid, ClaimInvalid, SourceInvalid
from claims.services.history import record_event
from claims.services.sources import add_evidence, find_or_create_source
from claims.services.workflow import set_verdict, transition_claim
from claims.workflow import TransitionRefused

ESTIMATE_FIELDS = ("estimate_value", "estimate_lower", "estimate_upper", "estimate_unit", "estimate_approximate")
#: Statuses a file may give that an import cannot make: publishing needs a reviewer who is not the importer.
NOT_IMPORTED_STATUSES = frozenset({"in_review", "published", "corrected", "retracted"})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRefused(Exception):
    """Too many claims for one file, or a text too long for an XLSX cell; the message says what to do."""


def export_claims(claims: "QuerySet[Claim]", *, file_format: str = "csv") -> list[dict[str, Any]]:
    """The export's rows for ``claims`` (the caller's filtered QuerySet), in article and text order; refused
    (ExportRefused) past SPREADSHEET_EXPORT_MAX_ROWS claims, or for XLSX with a cell longer than Excel holds.

    Queries: the count, the claims with their article, current text and creator, then one each for the
    attendees, the evidence with its sources and the history with its actors: five, whatever the number of rows.
    """
    limit = settings.SPREADSHEET_EXPORT_MAX_ROWS
    count = claims.count()
    if count > limit:
        raise ExportRefused(
            _("%(count)s claims match; an export holds at most %(limit)s. Narrow the filters and export again.")
            % {"count": count, "limit": limit}
        )
    rows = (
        claims.select_related("article__current_revision", "created_by")
        .defer("search_text", "search_keys")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("entity"), to_attr="listed_attendees"),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source").order_by("created_at", "id"),
                to_attr="listed_evidence",
            ),
            Prefetch(
                "events", queryset=ClaimEvent.objects.select_related("actor").order_by("at", "id"), to_attr="listed"
            ),
        )
        .order_by("article_id", "start", "id")
    )
    seen_articles: set[int] = set()
    out = []
    for claim in rows:
        out.append(_row(claim, with_text=claim.article_id not in seen_articles))
        seen_articles.add(claim.article_id)
    if file_format == "xlsx":
        for row in out:
            if column := spreadsheets.too_long_for_xlsx(row):
                raise ExportRefused(
                    _(
                        "Claim #%(claim)s: its %(column)s is longer than the %(limit)s characters an XLSX cell "
                        "holds. Export as CSV, which holds any length."
                    )
                    % {"claim": row["claim_id"], "column": column, "limit": spreadsheets.XLSX_CELL_MAX_CHARS}
                )
    return out


def _row(claim: Claim, *, with_text: bool) -> dict[str, Any]:
    article = claim.article
    details = dict(claim.details or {})
    if claim.kind == Claim.Kind.MEETING:
        details["attendees"] = [
            {
                "entity": a.entity.name,
                "entity_kind": a.entity.kind,
                "name": a.name,
                "role": a.role,
                "status": a.status,
                "evidence_note": a.evidence_note,
            }
            for a in claim.listed_attendees  # type: ignore[attr-defined]  # to_attr of export_claims
        ]
    evidence = claim.listed_evidence  # type: ignore[attr-defined]
    return {
        "claim_id": claim.pk,
        "article_key": article.pk,
        "article_title": article.title,
        "article_url": article.url,
        "article_publisher": article.publisher,
        "article_language": article.language,
        "article_direction": article.direction,
        "article_published_at": article.published_at.isoformat() if article.published_at else "",
        # Once per article, on its first row: a long text repeated on each row would make the file unusable.
        "article_text": article.current_revision.text if with_text and article.current_revision else "",
        "exact": claim.exact,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
        "start": claim.start,
        "end": claim.end,
        "statement": claim.statement,
        "statement_language": claim.statement_language,
        "statement_en": claim.statement_en,
        "kind": claim.kind,
        "claimant": claim.claimant,
        "claimed_on": claim.claimed_on,
        "details": details,
        "status": claim.status,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "public_note": claim.public_note,
        "evidence": [_evidence(e) for e in evidence],
        "sources": "\n".join(f"{e.stance}: {e.source.url or e.source.title or e.source.note[:80]}" for e in evidence),
        "history": "\n".join(_history_line(event) for event in claim.listed),  # type: ignore[attr-defined]
        "created_by": claim.created_by.username if claim.created_by else "",
        "created_at": claim.created_at.isoformat(timespec="seconds"),
        "published_at": claim.published_at.isoformat(timespec="seconds") if claim.published_at else "",
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    source = evidence.source
    item: dict[str, Any] = {
        "url": source.original_url or source.url,
        "source_kind": source.kind,
        "publisher": source.publisher,
        "title": source.title,
        "source_note": source.note,
        "stance": evidence.stance,
        "passage": evidence.passage,
        "note": evidence.note,
    }
    for name in ESTIMATE_FIELDS:
        value = getattr(evidence, name)
        if isinstance(value, Decimal):  # 2000.00 is written 2000, 2.50 as 2.5
            value = str(int(value)) if value == value.to_integral() else str(value.normalize())
        if value not in (None, "", False):
            item[name] = value
    return {k: v for k, v in item.items() if v not in ("", None)}


def _history_line(event: ClaimEvent) -> str:
    moved = f" {event.from_status or '∅'}→{event.to_status}" if event.action == "transition" else ""
    verdict = f" [{event.to_verdict}]" if event.to_verdict and event.to_verdict != event.from_verdict else ""
    who = event.actor.username if event.actor else "-"
    return f"{event.at:%Y-%m-%d %H:%M} {who}: {event.action}{moved}{verdict}"


# Import ---------------------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    """One data row of an imported file: its number as the spreadsheet shows it, its problems by column, and
    what importing it does (or did)."""

    row: int
    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claim: int | None = None
    statement: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "statement": self.statement,
            "claim": self.claim,
            "errors": [{"column": column, "message": message} for column, message in self.errors],
            "notes": self.notes,
        }


@dataclass
class ImportResult:
    rows: list[RowResult]
    written: bool
    encoding: str
    error: str = ""  # the file as a whole could not be read
    created: dict[str, int] = field(default_factory=lambda: {"articles": 0, "claims": 0, "sources": 0, "evidence": 0})

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows) + bool(self.error)

    def as_dict(self, *, dry_run: bool) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "written": self.written,
            "encoding": self.encoding,
            "error": self.error or None,
            "error_count": self.error_count,
            "created": self.created,
            "rows": [r.as_dict() for r in self.rows],
        }


class _Undo(Exception):
    """Raised to roll back a dry run or a file with problems."""


def check_size(size: int) -> None:
    """Refuse a file over SPREADSHEET_IMPORT_MAX_BYTES before it is read."""
    limit = settings.SPREADSHEET_IMPORT_MAX_BYTES
    if size > limit:
        raise spreadsheets.SpreadsheetError(
            _("The file is %(size)s bytes; an import takes at most %(limit)s bytes. Split it into smaller files.")
            % {"size": size, "limit": limit}
        )


def read_file(data: bytes, *, filename: str, encoding: str = "") -> spreadsheets.Table:
    """The file's table, or SpreadsheetError saying why not (too big, unreadable, no header, too many rows)."""
    check_size(len(data))
    return spreadsheets.read(data, filename=filename, encoding=encoding, max_rows=settings.SPREADSHEET_IMPORT_MAX_ROWS)


def import_claims(*, table: spreadsheets.Table, by: User, dry_run: bool) -> ImportResult:
    """Import ``table``'s rows as ``by``; write nothing unless every row imports and ``dry_run`` is false."""
    result = ImportResult(rows=[], written=False, encoding=table.encoding)
    try:
        with transaction.atomic():
            _import_rows(table, by, result)
            if dry_run or result.error_count:
                raise _Undo
    except _Undo:
        return result
    result.written = True
    return result


def _import_rows(table: spreadsheets.Table, by: User, result: ImportResult) -> None:
    articles: dict[str, Article | None] = {}
    for number, cells in table.rows:
        row = RowResult(row=number, statement=cells.get("statement", "")[:200])
        result.rows.append(row)
        # Each row in a savepoint: a refused row leaves nothing half-written behind for the rows after it.
        try:
            with transaction.atomic():
                _import_row(cells, by, row, articles, result.created)
                if row.errors:
                    raise _Undo
        except _Undo:
            row.claim = None


def _import_row(
    cells: dict[str, str], by: User, row: RowResult, articles: dict[str, Article | None], created: dict[str, int]
) -> None:
    key = cells.get("article_key", "").strip()
    if not key:
        row.errors.append(("article_key", _("Give the article this claim belongs to (any name or number).")))
        return
    if key not in articles:
        articles[key] = _article(cells, by, row, created)
    article = articles[key]
    if article is None:
        if not row.errors:
            row.errors.append(("article_key", _("The row that gives this article's text has problems.")))
        return
    claim = _claim(cells, by, row, article)
    if claim is None:
        return
    created["claims"] += 1
    row.claim = claim.pk
    _evidence_rows(cells, by, row, claim, created)
    _status(cells, by, row, claim)


def _article(cells: dict[str, str], by: User, row: RowResult, created: dict[str, int]) -> Article | None:
    """The article of a key seen for the first time: an existing one with the same title and text, else new."""
    text, title = cells.get("article_text", ""), cells.get("article_title", "").strip()
    if not text.strip():
        row.errors.append(("article_text", _("The first row of each article gives its text.")))
        return None
    existing = Article.objects.filter(title=title, current_revision__text=text).order_by("id").first()
    if existing:
        row.notes.append(_("Added to the existing article “%(title)s”.") % {"title": existing.title})
        return existing
    published_at = None
    if value := cells.get("article_published_at", "").strip():
        try:
            published_at = date.fromisoformat(value[:10])
        except ValueError:
            row.errors.append(("article_published_at", _("Write the date as YYYY-MM-DD.")))
            return None
    direction = cells.get("article_direction", "").strip()
    if direction not in ("", "rtl", "ltr"):
        row.errors.append(("article_direction", _("Use rtl or ltr.")))
        return None
    try:
        article = create_article(
            title=title,
            text=text,
            url=cells.get("article_url", "").strip(),
            publisher=cells.get("article_publisher", "").strip(),
            language=cells.get("article_language", "").strip(),
            direction=direction,
            published_at=published_at,
            by=by,
        )
    except ArticleInvalid as exc:
        _errors(row, exc.errors, prefix="article_")
        return None
    created["articles"] += 1
    return article


def _claim(cells: dict[str, str], by: User, row: RowResult, article: Article) -> Claim | None:
    selector: dict[str, Any] = {name: cells.get(name, "") for name in ("exact", "prefix", "suffix")}
    for name in ("start", "end"):
        value = cells.get(name, "").strip()
        if value and not value.isdigit():
            row.errors.append((name, _("Write a whole number (a position in the article's text).")))
            return None
        selector[name] = int(value) if value else None
    details = _json(cells, "details", row, dict)
    if details is None:
        return None
    attendees = details.pop("attendees", None)
    kind = cells.get("kind", "").strip() or Claim.Kind.OTHER
    if kind not in Claim.Kind.values:
        row.errors.append(("kind", _("Use one of: %(kinds)s.") % {"kinds": ", ".join(Claim.Kind.values)}))
        return None
    try:
        return create_claim(
            article=article,
            by=by,
            selector=selector,
            statement=cells.get("statement", ""),
            kind=kind,
            statement_language=cells.get("statement_language", "").strip(),
            statement_en=cells.get("statement_en", ""),
            claimant=cells.get("claimant", ""),
            claimed_on=cells.get("claimed_on", "").strip(),
            details=details,
            attendees=_attendees(attendees, row) if attendees else None,
        )
    except ClaimInvalid as exc:
        _errors(row, exc.errors)
        return None


def _attendees(items: Any, row: RowResult) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("entity") for i in items):
        raise ClaimInvalid({"details": _("Give each attendee as an object naming its entity.")})
    kinds = set(Entity.Kind.values)
    return [
        {
            **{k: item.get(k, "") for k in ("name", "role", "status", "evidence_note")},
            "entity": find_or_create_entity(
                str(item["entity"]),
                item["entity_kind"] if item.get("entity_kind") in kinds else Entity.Kind.PERSON,
            ),
        }
        for item in items
    ]


def _evidence_rows(cells: dict[str, str], by: User, row: RowResult, claim: Claim, created: dict[str, int]) -> None:
    items = _json(cells, "evidence", row, list)
    for index, item in enumerate(items or []):
        where = f"evidence[{index + 1}]"
        if not isinstance(item, dict):
            row.errors.append((where, _("Each evidence item is an object (url, stance, passage…).")))
            continue
        try:
            source, new = find_or_create_source(
                url=str(item.get("url") or ""),
                by=by,
                kind=str(item["source_kind"]) if item.get("source_kind") in Source.Kind.values else "news",
                publisher=str(item.get("publisher") or ""),
                title=str(item.get("title") or ""),
                note=str(item.get("source_note") or ""),
            )
            add_evidence(
                claim=claim,
                source=source,
                by=by,
                stance=str(item.get("stance") or "supports"),
                passage=str(item.get("passage") or ""),
                note=str(item.get("note") or ""),
                **{name: item[name] for name in ESTIMATE_FIELDS if name in item},
            )
        except SourceInvalid as exc:
            row.errors.extend((f"{where}.{name}", str(message)) for name, message in exc.errors.items())
            continue
        created["sources"] += new
        created["evidence"] += 1


def _status(cells: dict[str, str], by: User, row: RowResult, claim: Claim) -> None:
    """The honest rule: an import never publishes. A claim enters as a draft, or researching when the file says
    it was further on; its verdict and rationale are kept as a proposal, which a reviewer other than the importer
    must approve to publish (four eyes). The claim's history says what the file said."""
    status = cells.get("status", "").strip() or "draft"
    verdict, rationale = cells.get("verdict", "").strip(), cells.get("rationale", "")
    if status not in Claim.Status.values:
        row.errors.append(("status", _("Use one of: %(values)s.") % {"values": ", ".join(Claim.Status.values)}))
        return
    try:
        if status != "draft":
            claim = transition_claim(claim=claim, to="researching", by=by)
        if verdict or rationale.strip():
            claim = set_verdict(claim=claim, by=by, verdict=verdict, rationale=rationale)
    except TransitionRefused as exc:
        row.errors.append(("verdict" if verdict else "status", str(exc)))
        return
    if status in NOT_IMPORTED_STATUSES:
        note = _("The file says “%(status)s”: imported as researching, for a reviewer to publish (four eyes).") % {
            "status": status
        }
        row.notes.append(note)
        record_event(claim=claim, actor=by, action="edited", comment=f"Imported; the file said {status}.")


def _json(cells: dict[str, str], column: str, row: RowResult, kind: type[dict[str, Any]] | type[list[Any]]) -> Any:
    text = cells.get(column, "").strip()
    if not text:
        return kind()
    try:
        value = json.loads(text)
    except ValueError as exc:
        row.errors.append((column, _("This is not valid JSON: %(error)s.") % {"error": exc}))
        return None
    if not isinstance(value, kind):
        row.errors.append((column, _("Give a JSON object here.") if kind is dict else _("Give a JSON list here.")))
        return None
    return value


def _errors(row: RowResult, errors: dict[str, Any], prefix: str = "") -> None:
    """A service's errors by field, as errors by column: the selector's are the quote's, a kind's fields and
    attendees are the details', an article's fields are its ``article_`` columns."""
    for name, message in errors.items():
        column = {"selector": "exact", "article": "article_key"}.get(name, name)
        if column.startswith(("details.", "attendees")):
            column = "details"
        elif prefix and column not in spreadsheets.COLUMNS:
            column = prefix + column
        row.errors.append((column, str(message)))
