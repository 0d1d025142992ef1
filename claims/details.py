"""The structured fields of each claim kind, validated in plain Python (the Claim.details JSON).

Why a validated JSON field rather than typed columns or a table per kind: see docs/data-model.md. Every write
(desk form, API, demo loader, ClaimReview import) passes through ``clean_details``; it returns a normalized copy
or raises ``DetailsError`` whose ``errors`` map each field to a plain message the form shows beside that field.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from claims.arabic.typed_numbers import parse_typed_number
from claims.dates import PartialDate, parse_partial_date

CHANNELS = ("in_person", "video", "phone", "written", "unknown")
#: How the desk names each channel (English message ids; the desk translates them when it shows them).
CHANNEL_LABELS = {
    "in_person": N_("In person"),
    "video": N_("Video link"),
    "phone": N_("Phone call"),
    "written": N_("In writing"),
    "unknown": N_("Unknown"),
}


class DetailsError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text, number, bool, date, period, channel, names
    label: str  # English, the gettext message id: the desk shows it translated
    help: str = ""


FIELDS: dict[str, tuple[Field, ...]] = {
    "quantity": (
        Field("subject", "text", N_("What is counted")),
        Field("value", "number", N_("Value")),
        Field("lower", "number", N_("Lower bound")),
        Field("upper", "number", N_("Upper bound")),
        Field("unit", "text", N_("Unit"), N_("e.g. fighters, dollars, percent")),
        Field("approximate", "bool", N_("Approximate"), N_("The text hedges: about, nearly, حوالي")),
        Field("as_of", "period", N_("As of"), N_("A date (2019, 2019-04, 2019-04-04) or a period (2018/2020)")),
        Field("place", "text", N_("Place")),
    ),
    "meeting": (
        Field("date", "period", N_("Date or period"), N_("2018, 2018-11, 2018-11-07 or 2016/2020")),
        Field("place", "text", N_("Place")),
        Field("channel", "channel", N_("Channel")),
        Field("topic", "text", N_("Topic")),
    ),
    "event": (
        Field("what", "text", N_("What happened")),
        Field("date", "period", N_("When"), N_("A date with its precision, or a period")),
        Field("date_text", "text", N_("When, as written"), N_("e.g. الأربعاء, resolved against the article's date")),
        Field("place", "text", N_("Where")),
        Field("who", "names", N_("Who"), N_("Names, one per line")),
    ),
    "quote": (
        Field("speaker", "text", N_("Speaker")),
        Field("words", "text", N_("Words")),
        Field("date", "period", N_("When")),
        Field("place", "text", N_("Where")),
    ),
    "other": (Field("note", "text", N_("Note")),),
    "opinion": (Field("holder", "text", N_("Whose opinion")),),
}


def clean_details(kind: str, details: object) -> dict[str, Any]:
    """Validate ``details`` for ``kind`` and return a normalized copy without empty values."""
    if kind not in FIELDS:
        raise DetailsError(
            {
                "kind": _("Unknown kind %(kind)s; use one of %(kinds)s.")
                % {"kind": repr(kind), "kinds": ", ".join(FIELDS)}
            }
        )
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise DetailsError({"details": _("Details must be an object of field names and values.")})
    fields = {f.name: f for f in FIELDS[kind]}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, raw in details.items():
        if name == "attendees" and kind == "meeting":
            continue  # attendees are rows of their own (Attendee), written by the attendee service
        field = fields.get(name)
        if field is None:
            errors[name] = _("Not a field of a %(kind)s claim (allowed: %(fields)s).") % {
                "kind": kind,
                "fields": ", ".join(fields),
            }
            continue
        try:
            value = _clean_value(field, raw)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if value not in (None, "", []):
            cleaned[name] = value
    if kind == "quantity" and not errors:
        _check_quantity(cleaned, errors)
    if errors:
        raise DetailsError(errors)
    return cleaned


def _clean_value(field: Field, raw: object) -> Any:
    if raw is None:
        return None
    if field.type == "text":
        if not isinstance(raw, str):
            raise ValueError(_("Enter text."))
        return raw.strip()
    if field.type == "number":
        return _number(raw)
    if field.type == "bool":
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "on", "1", 1):
            return True
        if raw in ("false", "off", "0", 0, ""):
            return False
        raise ValueError(_("Enter true or false."))
    if field.type in ("date", "period"):
        return _period(raw) if field.type == "period" else str(parse_partial_date(str(raw).strip()))
    if field.type == "channel":
        if raw not in CHANNELS:
            raise ValueError(_("Choose one of: %(values)s.") % {"values": ", ".join(CHANNELS)})
        return raw
    if field.type == "names":
        if isinstance(raw, str):
            raw = raw.splitlines()
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            raise ValueError(_("Enter a list of names."))
        return [n.strip() for n in raw if n.strip()]
    raise AssertionError(field.type)


def _number(raw: object) -> int | float | None:
    if isinstance(raw, str) and not raw.strip():
        return None
    number = parse_typed_number(raw)
    return int(number) if number == number.to_integral_value() else float(number)


def _period(raw: object) -> str:
    text = str(raw).strip()
    if not text:
        return ""
    parts = text.split("/")
    if len(parts) > 2:
        raise ValueError(_("Enter a date, or a period as start/end (e.g. 2018/2020)."))
    dates = [parse_partial_date(p.strip()) for p in parts]
    if len(dates) == 2 and _sort_key(dates[1]) < _sort_key(dates[0]):
        raise ValueError(_("The period ends before it starts."))
    return "/".join(str(d) for d in dates)


def _sort_key(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month or 1, date.day or 1)


def _check_quantity(cleaned: dict[str, Any], errors: dict[str, str]) -> None:
    lower, upper = cleaned.get("lower"), cleaned.get("upper")
    if lower is not None and upper is not None and lower > upper:
        errors["upper"] = _("The upper bound is below the lower bound.")
    value = cleaned.get("value")
    if value is not None and lower is not None and value < lower:
        errors["value"] = _("The value is below the lower bound.")
    if value is not None and upper is not None and value > upper:
        errors["value"] = _("The value is above the upper bound.")
