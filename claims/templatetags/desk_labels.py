"""Status and verdict ids as the desk names them, in the interface language (the ids stay the API's)."""

from django import template
from django.utils.translation import gettext

from claims.workflow import STATUS_LABELS, VERDICTS, Status

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[Status(status)]) if status in STATUS_LABELS else status


@register.filter
def verdict_label(verdict: str) -> str:
    return gettext(VERDICTS[verdict].label_en) if verdict in VERDICTS else verdict


@register.filter
def verdict_definition(verdict: str) -> str:
    return gettext(VERDICTS[verdict].definition_en) if verdict in VERDICTS else ""
