"""A claim's structured fields as the desk shows them: labelled and translated, yes/no, dates, numbers with units.

The stored details keep their machine form (``approximate: false``, ``as_of: "2018/2020"``); this is only how a
person reads them, in their interface language.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from claims.dates import PartialDate, parse_partial_date
from claims.details import CHANNEL_LABELS, FIELDS, Field

NUMBERS = ("value", "lower", "upper")


def _date(value: str) -> str:
    """2019 → 2019; 2019-04 → April 2019; 2019-04-04 → 4 April 2019, month names in the interface language."""
    try:
        date: PartialDate = parse_partial_date(value)
    except ValueError:
        return value
    if date.month is None:
        return str(date.year)
    if date.day is None:
        return date_format(dt.date(date.year, date.month, 1), "F Y")
    return date_format(dt.date(date.year, date.month, date.day), "j F Y")


def _period(value: str) -> str:
    if "/" in value:
        start, end = value.split("/", 1)
        return f"{_date(start)} – {_date(end)}"
    return _date(value)


def _number(value: Any, unit: str) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    shown = number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{shown} {unit}".strip()


def _shown(field: Field, value: Any, details: dict[str, Any]) -> str:
    if field.type == "bool":
        return _("Yes") if value else _("No")
    if field.type in ("date", "period"):
        return _period(str(value))
    if field.type == "number":
        return _number(value, str(details.get("unit", "")) if field.name in NUMBERS else "")
    if field.type == "channel":
        return _(CHANNEL_LABELS[value]) if value in CHANNEL_LABELS else str(value)
    if field.type == "names" and isinstance(value, list):
        return _(", ").join(str(name) for name in value)
    return str(value)


def detail_rows(kind: str, details: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) for each field the claim has, in the kind's order; the unit rides on the numbers."""
    fields = FIELDS.get(kind, ())
    has_number = any(details.get(name) not in (None, "") for name in NUMBERS)
    rows = []
    for field in fields:
        value = details.get(field.name)
        if value in (None, "", []) or (field.name == "unit" and has_number):
            continue
        rows.append((_(field.label), _shown(field, value, details)))
    return rows
