"""Edit conflicts: a claim changed since the editor's form was read, so both versions are shown side by side."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from claims.desk.access import DeskRequest
from claims.desk.claim_form import CLAIM_FIELDS, claim_input, posted_attendees
from claims.models import Claim
from claims.services.errors import StaleVersion


def edit_conflict(request: DeskRequest, claim: Claim, exc: StaleVersion, action: str) -> HttpResponse:
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
        mine = ", ".join(row["label"] or row["name"] for row in posted_attendees(request.POST))
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
