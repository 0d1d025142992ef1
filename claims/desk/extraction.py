"""Desk pages for pulling claims out of articles: importing and editing an article's text, the claim form
(new, edit, attendees, delete, conflicts) and the small JSON endpoints the reading view's script calls.

Positions sent by forms are Unicode code points of the current revision's text; the reading view's script
converts from the browser's UTF-16 offsets before it posts.
"""

import datetime as dt
import re
from collections import Counter
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from claims import limits
from claims.arabic import normalize, parse_quantity
from claims.dates import resolve_relative_date
from claims.desk.access import desk_member_required
from claims.desk.views import render_reading_view
from claims.details import CHANNELS, FIELDS
from claims.fetching.decode import decode_html
from claims.fetching.extract import extract, visible_text
from claims.models import Article, ArticleRevision, Attendee, Claim, Entity
from claims.services import articles as article_services
from claims.services import claims as claim_services
from claims.workflow import TransitionRefused

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
KIND_LABELS = dict(Claim.Kind.choices)
CLAIM_FIELDS = ("statement", "statement_en", "claimant", "claimed_on")


# --- Articles -------------------------------------------------------------------------------------------------


class ArticleImportForm(forms.Form):
    title = forms.CharField(required=False, max_length=500)
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 14, "dir": "auto"}))
    file = forms.FileField(required=False, help_text="A .txt or .html file; HTML is reduced to its text.")
    url = forms.URLField(required=False, max_length=2000, assume_scheme="https")
    publisher = forms.CharField(required=False, max_length=200)
    published_at = forms.DateField(required=False, help_text="YYYY-MM-DD; relative dates resolve against it.")
    language = forms.CharField(required=False, max_length=12, help_text="Left empty, it is detected from the text.")
    direction = forms.ChoiceField(required=False, choices=[("", "Detect"), *Article.Direction.choices])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = limits.article_upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {limits.human_size(upload.size)}; the limit is {limits.human_size(limit)}. "
                "Paste the article's text instead, or trim the file."
            )
        if not upload.name.lower().endswith((".txt", ".html", ".htm")):
            raise forms.ValidationError("Upload a .txt or .html file.")
        return upload

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        given = [name for name in ("text", "file", "url") if data.get(name) and str(data[name]).strip()]
        if {"text", "file"} <= set(given):
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not given and not self.errors:
            raise forms.ValidationError("Paste the article's text, upload a file, or give its URL.")
        return data


def read_uploaded_article(upload) -> tuple[str, str]:
    """(text, title) of an uploaded .txt or .html file; HTML markup is never kept, only the text it shows."""
    body = upload.read()
    if upload.name.lower().endswith(".txt"):
        text, _ = decode_html(body, "text/plain")
        return text, ""
    html, _ = decode_html(body, upload.content_type)
    extracted = extract(html, url="")
    return (extracted.text or visible_text(html)), extracted.title


@desk_member_required
def article_new(request):
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text, title, origin = data["text"], data["title"], ArticleRevision.Origin.PASTE
        if data["file"]:
            text, found_title = read_uploaded_article(data["file"])
            title, origin = title or found_title, ArticleRevision.Origin.UPLOAD
            if not text.strip():
                form.add_error("file", "No article text was found in this file.")
        if not form.errors:
            try:
                article = article_services.create_article(
                    title=title,
                    text=text,
                    url=data["url"],
                    publisher=data["publisher"],
                    language=data["language"],
                    direction=data["direction"],
                    published_at=data["published_at"],
                    origin=origin,
                    by=request.user,
                )
            except article_services.ArticleInvalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                if article.import_state == Article.ImportState.FETCHING:
                    messages.info(request, "The article waits in 'fetching' until its text arrives from the URL.")
                return redirect(article.get_absolute_url())
    return render(
        request, "desk/article_form.html", {"form": form, **_limits_context()}, status=400 if form.errors else 200
    )


def _limits_context() -> dict:
    return {
        "max_chars": f"{limits.ARTICLE_TEXT_MAX_CHARS:,}",
        "max_chars_raw": limits.ARTICLE_TEXT_MAX_CHARS,
        "upload_limit": limits.human_size(limits.article_upload_max_bytes()),
    }


class ArticleEditForm(forms.Form):
    text = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 24}))
    title = forms.CharField(max_length=500)
    language = forms.CharField(max_length=12)
    direction = forms.ChoiceField(choices=Article.Direction.choices)
    published_at = forms.DateField(required=False)


@desk_member_required
def article_edit(request, pk):
    """Edit an article's text (a new revision; claims are re-anchored, never rewritten) and its metadata."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    initial = {
        "text": article.text,
        "title": article.title,
        "language": article.language,
        "direction": article.direction,
        "published_at": article.published_at,
    }
    form = ArticleEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for name in ("title", "language", "direction", "published_at"):
            setattr(article, name, data[name])
        article.save(update_fields=["title", "language", "direction", "published_at", "updated_at"])
        try:
            before = article.current_revision_id
            revision = article_services.add_revision(article=article, text=data["text"], by=request.user)
        except article_services.ArticleInvalid as exc:
            form.add_error("text", exc.errors.get("text", str(exc)))
        else:
            if revision.pk != before:
                messages.success(request, reanchor_summary(article, revision))
            return redirect(article.get_absolute_url())
    return render(
        request, "desk/article_edit.html", {"article": article, "form": form}, status=400 if form.errors else 200
    )


def reanchor_summary(article: Article, revision: ArticleRevision) -> str:
    claims = article.claims.all()
    if claims.exclude(revision=revision).exclude(anchor=Claim.Anchor.ORPHANED).exists():
        return f"Saved as revision r{revision.number}; its claims are being re-anchored in the background."
    counts = Counter(claims.values_list("anchor", flat=True))
    return (
        f"Saved as revision r{revision.number}. Claims re-anchored: {counts['exact']} exactly, "
        f"{counts['fuzzy']} fuzzily (check them), {counts['orphaned']} orphaned (fix them)."
    )


# --- Suggestions from a selection ------------------------------------------------------------------------------


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def suggest_for(article: Article, exact: str) -> dict:
    """The quantity and the date the selected text states, for the claim form to offer."""
    found = parse_quantity(exact) if exact else None
    quantity = (
        None
        if found is None
        else {
            "value": _number(found.value),
            "lower": _number(found.lower),
            "upper": _number(found.upper),
            "approximate": found.approximate,
            "unit": found.unit or "",
            "matched": found.matched,
        }
    )
    reference = article.published_at or dt.date.today()
    resolved = resolve_relative_date(exact, reference) if exact else None
    date = (
        None
        if resolved is None
        else {
            "value": str(resolved.date),
            "precision": resolved.date.precision,
            "matched": resolved.matched,
            "relative": resolved.relative,
            "reference": str(reference),
            "reference_is_publication": article.published_at is not None,
        }
    )
    return {"quantity": quantity, "date": date}


def _selection_from(article: Article, params) -> dict:
    """start/end (code points) and exact from a request; the quote is cut from the text when only positions come."""
    text = article.text
    start, end = params.get("start", ""), params.get("end", "")
    exact = params.get("exact", "")
    if start.isdigit() and end.isdigit() and int(start) < int(end) <= len(text) and not exact:
        exact = text[int(start) : int(end)]
    return {"start": start, "end": end, "exact": exact}


@require_GET
@desk_member_required
def suggest(request, pk):
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    selection = _selection_from(article, request.GET)
    return JsonResponse({"exact": selection["exact"], **suggest_for(article, selection["exact"])})


# --- The claim form ---------------------------------------------------------------------------------------------


def claim_form_context(
    *,
    claim: Claim | None = None,
    post=None,
    errors: dict | None = None,
    suggestions: dict | None = None,
    selection: dict | None = None,
) -> dict:
    """Everything the claim form include shows: common fields, one fieldset per kind, attendee rows, errors."""
    errors = errors or {}
    kind = (post.get("kind") if post else None) or (claim.kind if claim else "other")
    values = {
        name: (post.get(name, "") if post else getattr(claim, name, "") if claim else "") for name in CLAIM_FIELDS
    }
    details = claim.details if claim else {}
    fieldsets = []
    for fs_kind, fields in FIELDS.items():
        initial = details if claim and fs_kind == claim.kind else _suggested_details(fs_kind, suggestions)
        rows = []
        for field in fields:
            input_name = f"{fs_kind}-{field.name}"
            value = post.get(input_name, "") if post else initial.get(field.name, "")
            if field.type == "names" and isinstance(value, list):
                value = "\n".join(value)
            if field.type == "bool" and post:
                value = bool(post.get(input_name))
            rows.append(
                {
                    "name": field.name,
                    "input": input_name,
                    "type": field.type,
                    "label": field.label,
                    "help": field.help,
                    "value": value,
                    "error": errors.get(f"details.{field.name}") if fs_kind == kind else None,
                }
            )
        fieldsets.append({"kind": fs_kind, "label": KIND_LABELS[fs_kind], "fields": rows, "active": fs_kind == kind})
    return {
        "kind": kind,
        "kinds": Claim.Kind.choices,
        "values": values,
        "errors": errors,
        "fieldsets": fieldsets,
        "attendees": _attendee_rows(claim, post),
        "statuses": Attendee.Status.choices,
        "channels": CHANNELS,
        "selection": selection or {},
        "suggestions": suggestions or {},
        "selector_error": errors.get("selector") or errors.get("article"),
        "attendee_errors": [v for k, v in errors.items() if k.startswith("attendees")],
    }


def _suggested_details(kind: str, suggestions: dict | None) -> dict:
    if not suggestions:
        return {}
    quantity, date = suggestions.get("quantity"), suggestions.get("date")
    if kind == "quantity" and quantity:
        return {k: quantity[k] for k in ("value", "lower", "upper", "approximate", "unit") if quantity[k] is not None}
    if kind in ("meeting", "quote") and date:
        return {"date": date["value"]}
    if kind == "event" and date:
        return {"date": date["value"], "date_text": date["matched"]}
    return {}


def _attendee_rows(claim, post) -> list[dict]:
    if post:
        return [row for row in _posted_attendees(post)]
    if claim is None:
        return []
    return [
        {"entity": a.entity_id, "label": a.entity.name, "name": a.name, "role": a.role, "status": a.status}
        for a in claim.attendees.all()
    ]


def _posted_attendees(post) -> list[dict]:
    columns = [post.getlist(f"attendee_{name}") for name in ("entity", "label", "name", "role", "status")]
    width = max((len(c) for c in columns), default=0)
    rows = []
    for i in range(width):
        entity, label, name, role, status = (c[i] if i < len(c) else "" for c in columns)
        if entity or name.strip():
            rows.append({"entity": entity, "label": label, "name": name.strip(), "role": role, "status": status})
    return rows


def find_or_create_entity(name: str, kind: str = Entity.Kind.PERSON) -> Entity:
    """The entity one of whose names or aliases reads as ``name`` once normalized, or a new one by that name."""
    key = normalize(name)
    for entity in Entity.objects.filter(search_text__contains=key):
        if any(normalize(n) == key for n in entity.all_names()):
            return entity
    language = "ar" if ARABIC_LETTER.search(name) else "en"
    return Entity.objects.create(kind=kind, name=name, names={language: name})


def _attendees_for_service(post) -> list[dict]:
    rows = []
    for row in _posted_attendees(post):
        entity = row["entity"] if row["entity"].isdigit() else find_or_create_entity(row["name"])
        rows.append(
            {
                "entity": entity,
                "role": row["role"],
                "status": row["status"] or "unverified",
                "name": row["name"] if row["entity"].isdigit() else "",
            }
        )
    return rows


def claim_input(post) -> dict:
    """The service arguments a claim form posts: common fields, the chosen kind's details."""
    kind = post.get("kind") or "other"
    fields = {name: post.get(name, "") for name in CLAIM_FIELDS}
    details = {}
    for field in FIELDS.get(kind, ()):
        raw = post.get(f"{kind}-{field.name}", "").strip()
        if field.type == "bool":
            details[field.name] = bool(raw)
        elif raw:  # an empty input means "not stated", never an invalid value
            details[field.name] = raw
    return {"kind": kind, "details": details, **fields}


def _posted_selector(post) -> dict:
    selector = {"exact": post.get("exact", "")}
    for name in ("start", "end"):
        value = post.get(name, "").strip()
        if value:
            selector[name] = int(value) if value.isdigit() else value
    return selector


def _render_claim_form(request, article, *, post=None, errors=None, selection=None, status=200):
    selection = selection or {}
    suggestions = suggest_for(article, selection.get("exact", "")) if selection.get("exact") else None
    form = claim_form_context(post=post, errors=errors, suggestions=suggestions, selection=selection)
    return render(request, "desk/claim_form.html", {"article": article, "form": form}, status=status)


@desk_member_required
def claim_new(request, pk):
    """The claim form on its own page: the reading view's panel posts here too, and it works without script."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    if request.method != "POST":
        return _render_claim_form(request, article, selection=_selection_from(article, request.GET))
    data = claim_input(request.POST)
    try:
        with transaction.atomic():
            attendees = _attendees_for_service(request.POST) if data["kind"] == "meeting" else None
            claim = claim_services.create_claim(
                article=article, by=request.user, selector=_posted_selector(request.POST), attendees=attendees, **data
            )
    except claim_services.ClaimInvalid as exc:
        if request.POST.get("from") == "reading":
            # Posted from the reading view's panel: reopen it there, with the errors beside the fields.
            form = claim_form_context(
                post=request.POST, errors=exc.errors, selection=_selection_from(article, request.POST)
            )
            return render_reading_view(request, article, panel_form=form, status=400)
        return _render_claim_form(
            request,
            article,
            post=request.POST,
            errors=exc.errors,
            selection=_selection_from(article, request.POST),
            status=400,
        )
    messages.success(request, f"Claim #{claim.pk} created.")
    return redirect(f"{article.get_absolute_url()}#claim-{claim.pk}")


# --- Editing a claim in place ---------------------------------------------------------------------------------


def _version(post) -> int | None:
    value = post.get("version", "")
    return int(value) if value.isdigit() else None


def _conflict(request, claim: Claim, exc: claim_services.StaleVersion, action: str):
    """Both versions side by side; the editor's values re-posted with the current version to apply them again."""
    current = exc.current
    yours = claim_input(request.POST)
    # Compare only what the editor's form sent: the attendees form sends no statement, the edit form no attendees.
    rows: list[tuple[Any, ...]] = [
        (name, yours[name], getattr(current, name)) for name in ("kind", *CLAIM_FIELDS) if name in request.POST
    ]
    if "kind" in request.POST:
        rows += [
            (f"details.{k}", yours["details"].get(k, ""), current.details.get(k, ""))
            for k in dict.fromkeys([*yours["details"], *current.details])
        ]
    if "attendee_entity" in request.POST:
        mine = ", ".join(row["label"] or row["name"] for row in _posted_attendees(request.POST))
        rows.append(("attendees", mine, ", ".join(a.entity.name for a in current.attendees.select_related("entity"))))
    rows = [(name, mine, theirs, str(mine) != str(theirs)) for name, mine, theirs in rows]
    hidden = [
        (k, v) for k in request.POST for v in request.POST.getlist(k) if k not in ("version", "csrfmiddlewaretoken")
    ]
    return render(
        request,
        "desk/claim_conflict.html",
        {
            "claim": current,
            "message": str(exc),
            "rows": rows,
            "hidden": hidden,
            "action": action,
        },
        status=409,
    )


def _claim_for_edit(pk):
    return get_object_or_404(Claim.objects.select_related("article", "article__current_revision"), pk=pk)


@require_POST
@desk_member_required
def claim_edit(request, pk):
    claim = _claim_for_edit(pk)
    version = _version(request.POST)
    if version is None:
        messages.error(request, "The form did not say which version you edited; reload the claim and try again.")
        return redirect(reverse("desk:claim", args=[pk]))
    try:
        # New quoted words move the claim (how an editor fixes an orphaned claim); none leave its span alone.
        selector = _posted_selector(request.POST) if request.POST.get("exact", "").strip() else None
        data = claim_input(request.POST)
        leaves_meeting = claim.kind == Claim.Kind.MEETING and data["kind"] != Claim.Kind.MEETING
        dropped = claim.attendees.count() if leaves_meeting else 0
        claim_services.update_claim(
            claim_id=claim.pk,
            by=request.user,
            version=version,
            selector=selector,
            correction=request.POST.get("correction", ""),
            **data,
        )
    except claim_services.StaleVersion as exc:
        return _conflict(request, claim, exc, reverse("desk:claim-edit", args=[pk]))
    except claim_services.ClaimInvalid as exc:
        form = claim_form_context(claim=claim, post=request.POST, errors=exc.errors)
        return render(request, "desk/extraction/claim_edit.html", {"claim": claim, "form": form}, status=400)
    except (claim_services.ClaimLocked, TransitionRefused) as exc:  # a correction is a reviewer's to make
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Claim saved."
            if not dropped
            else f"Claim saved. Only a meeting has attendees: its {dropped} attendee(s) were removed "
            "(the history lists them).",
        )
    return redirect(reverse("desk:claim", args=[pk]))


@require_POST
@desk_member_required
def claim_attendees(request, pk):
    claim = _claim_for_edit(pk)
    version = _version(request.POST)
    try:
        with transaction.atomic():
            claim_services.update_claim(
                claim_id=claim.pk,
                by=request.user,
                version=version or 0,
                correction=request.POST.get("correction", ""),
                attendees=_attendees_for_service(request.POST),
            )
    except claim_services.StaleVersion as exc:
        return _conflict(request, claim, exc, reverse("desk:claim-attendees", args=[pk]))
    except (claim_services.ClaimInvalid, claim_services.ClaimLocked, TransitionRefused) as exc:
        messages.error(request, "; ".join(exc.errors.values()) if hasattr(exc, "errors") else str(exc))
    else:
        messages.success(request, "Attendees saved.")
    return redirect(reverse("desk:claim", args=[pk]) + "#attendees")


@require_POST
@desk_member_required
def claim_delete(request, pk):
    claim = _claim_for_edit(pk)
    try:
        claim_services.delete_claim(claim=claim, by=request.user, version=_version(request.POST) or 0)
    except claim_services.StaleVersion as exc:
        return _conflict(request, claim, exc, reverse("desk:claim-delete", args=[pk]))
    except claim_services.ClaimLocked as exc:
        messages.error(request, str(exc))
        return redirect(reverse("desk:claim", args=[pk]))
    except claim_services.ClaimGone as exc:  # what the editor asked for happened, by another hand
        messages.info(request, str(exc))
        return redirect(claim.article.get_absolute_url())
    messages.success(request, f"Claim #{pk} deleted.")
    return redirect(claim.article.get_absolute_url())


# --- Entities for the attendee autocomplete ---------------------------------------------------------------------


def _entity_json(entity: Entity) -> dict:
    return {"id": entity.pk, "name": entity.name, "kind": entity.kind, "names": entity.names, "aliases": entity.aliases}


@require_GET
@desk_member_required
def entity_search(request):
    """Entities whose name, name in any language or alias contains the query, matched after normalization."""
    key = normalize(request.GET.get("q", "").strip())
    if not key:
        return JsonResponse({"results": []})
    found = Entity.objects.filter(search_text__contains=key).order_by("name")[:10]
    return JsonResponse({"results": [_entity_json(e) for e in found]})


@require_POST
@desk_member_required
def entity_create(request):
    name = request.POST.get("name", "").strip()
    kind = request.POST.get("kind") or Entity.Kind.PERSON
    if not name:
        return JsonResponse({"name": "Give the entity's name."}, status=400)
    if kind not in Entity.Kind.values:
        return JsonResponse({"kind": f"Use one of: {', '.join(Entity.Kind.values)}."}, status=400)
    before = Entity.objects.count()
    entity = find_or_create_entity(name, kind)
    return JsonResponse(_entity_json(entity), status=201 if Entity.objects.count() > before else 200)
