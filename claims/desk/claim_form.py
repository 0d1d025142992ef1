"""The claim form: what its include shows (common fields, one fieldset per kind, attendee rows, errors), what it
posts read back into service arguments, and the quantity and date a selection suggests.

Positions sent by forms are Unicode code points of the current revision's text; the reading view's script
converts from the browser's UTF-16 offsets before it posts.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from claims.arabic import parse_quantity
from claims.dates import resolve_relative_date
from claims.details import CHANNEL_LABELS, CHANNELS, FIELDS
from claims.models import Article, Attendee, Claim
from claims.services.entities import find_or_create_entity

KIND_LABELS = dict(Claim.Kind.choices)
CLAIM_FIELDS = ("statement", "statement_en", "claimant", "claimed_on")


# --- Suggestions from a selection ------------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def suggest_for(article: Article, exact: str) -> dict[str, Any]:
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


def selection_from(article: Article, params) -> dict[str, Any]:
    """start/end (code points) and exact from a request; the quote is cut from the text when only positions come."""
    text = article.text
    start, end = params.get("start", ""), params.get("end", "")
    exact = params.get("exact", "")
    if start.isdigit() and end.isdigit() and int(start) < int(end) <= len(text) and not exact:
        exact = text[int(start) : int(end)]
    return {"start": start, "end": end, "exact": exact}


# --- The form ---------------------------------------------------------------------------------------------------


def claim_form_context(
    *,
    claim: Claim | None = None,
    post=None,
    errors: dict[str, Any] | None = None,
    suggestions: dict[str, Any] | None = None,
    selection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the claim form include shows: common fields, one fieldset per kind, attendee rows, errors."""
    errors = errors or {}
    kind = (post.get("kind") if post else None) or (claim.kind if claim else "")
    # A new claim over a number is a quantity claim until the editor says otherwise (reading.js does the same).
    kind = kind or ("quantity" if (suggestions or {}).get("quantity") else "other")
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
                    "label": gettext(field.label),
                    "help": gettext(field.help) if field.help else "",
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
        "channels": [(channel, gettext(CHANNEL_LABELS[channel])) for channel in CHANNELS],
        "selection": selection or {},
        "suggestions": suggestions or {},
        "selector_error": errors.get("selector") or errors.get("article"),
        "attendee_errors": [v for k, v in errors.items() if k.startswith("attendees")],
    }


def _suggested_details(kind: str, suggestions: dict[str, Any] | None) -> dict[str, Any]:
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


def _attendee_rows(claim, post) -> list[dict[str, Any]]:
    if post:
        return [row for row in posted_attendees(post)]
    if claim is None:
        return []
    return [
        {"entity": a.entity_id, "label": a.entity.name, "name": a.name, "role": a.role, "status": a.status}
        for a in claim.attendees.all()
    ]


def posted_attendees(post) -> list[dict[str, Any]]:
    columns = [post.getlist(f"attendee_{name}") for name in ("entity", "label", "name", "role", "status")]
    width = max((len(c) for c in columns), default=0)
    rows = []
    for i in range(width):
        entity, label, name, role, status = (c[i] if i < len(c) else "" for c in columns)
        if entity or name.strip():
            rows.append({"entity": entity, "label": label, "name": name.strip(), "role": role, "status": status})
    return rows


def attendees_for_service(post) -> list[dict[str, Any]]:
    rows = []
    for row in posted_attendees(post):
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


def claim_input(post) -> dict[str, Any]:
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


def posted_selector(post) -> dict[str, Any]:
    selector = {"exact": post.get("exact", "")}
    for name in ("start", "end"):
        value = post.get(name, "").strip()
        if value:
            selector[name] = int(value) if value.isdigit() else value
    return selector
